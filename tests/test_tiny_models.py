"""Which tiny GPTs stages 06-08 offer: the shipped one, plus the learner's runs still on
this server. Run ids come from the browser, so anything but 12 hex digits is ignored."""

from __future__ import annotations

import contextlib
from dataclasses import asdict, replace

import numpy as np
import pytest

from app.config import settings
from app.core.tinylm import TinyGPT, TinyGPTConfig, load_pretrained
from app.services.tinygpt import models as tiny_models
from app.services.tinygpt import training as training_job
from app.services.tinygpt.models import PRETRAINED, load_choice, model_choices, resolve


def record(run_id, label="2L·64d·lr 0.003·3 steps", **extra) -> dict:
    """A run as the stage-05 lab keeps it in the browser."""
    return {"id": run_id, "label": label, "val_step": [3], "val_loss": [4.1], **extra}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh CACHE_DIR for both the trainer (which saves) and the picker (which loads)."""
    patched = replace(settings, cache_dir=str(tmp_path))
    monkeypatch.setattr(training_job, "settings", patched)
    monkeypatch.setattr(tiny_models, "settings", patched)
    return tmp_path


def save_model(folder, run_id: str, seed: int = 1) -> TinyGPT:
    _, tokenizer, _ = load_pretrained()
    model = TinyGPT(
        TinyGPTConfig(
            vocab_size=tokenizer.vocab_size, n_layers=1, d_model=16, n_heads=2, seq_len=16
        ),
        seed=seed,
    )
    (folder / "models").mkdir(exist_ok=True)
    model.save(folder / "models" / f"{run_id}.npz", tokenizer=tokenizer)
    return model


def test_the_shipped_model_is_always_offered_and_says_how_it_was_made():
    (value, label), *rest = model_choices(None)
    _, _, meta = load_pretrained()
    assert value == PRETRAINED and rest == []
    assert f"{meta['model_config']['n_layers']} layers" in label
    assert label.endswith(f"{meta['steps']:,} steps")


@pytest.mark.parametrize(
    "bad_id",
    [
        "../../etc/passwd",
        "",
        None,
        42,
        "ABCDEF012345",
        "abcdef01234",
        "abcdef0123456",
        "abcdef01234g",
        "abcdef012345/",
        "../abcdef012345",
        "abcdef012345\n",
    ],
)
def test_ids_that_are_not_12_hex_digits_are_ignored(cache, bad_id):
    save_model(cache, "abcdef012345")
    choices = model_choices([record(bad_id)])
    assert [v for v, _ in choices] == [PRETRAINED]
    loaded = resolve(bad_id)
    assert loaded.key == PRETRAINED and loaded.note


def test_a_path_is_only_ever_built_from_a_valid_id(cache, monkeypatch):
    built = []
    real = tiny_models._run_path
    monkeypatch.setattr(tiny_models, "_run_path", lambda rid: built.append(rid) or real(rid))
    model_choices([record("../../etc/passwd"), record("0123456789ab"), "junk", 7])
    resolve("..%2F..%2Fetc")
    assert built == ["0123456789ab"]


def test_a_run_whose_file_is_gone_falls_back_to_the_shipped_model_with_a_note(cache):
    assert [v for v, _ in model_choices([record("0123456789ab")])] == [PRETRAINED]
    model, tokenizer, description = load_choice("0123456789ab")
    assert model is load_pretrained()[0]
    assert "no longer on this server" in description


def test_a_trained_run_appears_and_loads(cache, monkeypatch):
    class Lease:  # the picker is under test here, not the job slots other tests may hold
        def renew(self):
            pass

    monkeypatch.setattr(training_job, "job_slot", lambda: contextlib.nullcontext(Lease()))
    run = training_job.parse_settings(
        {
            **asdict(training_job.DEFAULTS),
            "steps": 3,
            "warmup_steps": 1,
            "d_model": 32,
            "n_heads": "4",
            "seq_len": 32,
            "batch_size": 4,
        }
    )
    result = training_job.run_training(run)
    saved = training_job.run_record(result)
    choices = model_choices([record("0123456789ab"), saved])  # the first one has no file
    assert choices[0][0] == PRETRAINED
    assert choices[1:] == [(result["id"], f"Your run: {saved['label']}")]
    model, tokenizer, description = load_choice(result["id"])
    assert model.config.d_model == 32 and model.config.seq_len == 32
    assert tokenizer.vocab_size == result["vocab_size"]
    assert description.startswith("Your run")
    assert resolve(result["id"]).model is model  # cached


def test_a_saved_model_loads_with_its_own_weights(cache):
    saved = save_model(cache, "00000000beef", seed=7)
    loaded = resolve("00000000beef")
    assert loaded.key == "00000000beef" and loaded.note is None
    ids = np.arange(10)[None, :]
    assert np.array_equal(loaded.model.logits(ids), saved.logits(ids))


def test_a_run_whose_weights_blew_up_is_not_used(cache):
    model = save_model(cache, "00000000dead")
    model.params["wte"][0, 0] = np.nan
    _, tokenizer, _ = load_pretrained()
    model.save(cache / "models" / "00000000dead.npz", tokenizer=tokenizer)
    loaded = resolve("00000000dead")
    assert loaded.key == PRETRAINED and "blew up" in loaded.note


def test_diverged_runs_and_duplicates_are_not_offered(cache):
    save_model(cache, "00000000cafe")
    choices = model_choices([record("00000000cafe", stopped_because="diverged")])
    assert [v for v, _ in choices] == [PRETRAINED]
    choices = model_choices([record("00000000cafe"), record("00000000cafe")])
    assert [v for v, _ in choices] == [PRETRAINED, "00000000cafe"]


def test_the_tiny_config_maps_to_the_serving_arithmetics_config():
    from app.core.architecture import count_params

    model, _, _ = load_pretrained()
    cfg = tiny_models.to_model_config(model.config)
    assert count_params(cfg).total == model.config.n_params() == model.n_params()


def test_a_damaged_run_file_falls_back_with_a_note(cache):
    (cache / "models").mkdir()
    (cache / "models" / "00000000f00d.npz").write_bytes(b"not a zip file")
    loaded = resolve("00000000f00d")
    assert loaded.key == PRETRAINED and "cannot be used" in loaded.note

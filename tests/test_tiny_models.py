"""Which tiny GPTs stages 06-08 offer: the shipped one, plus this learner's own models in
the model store. Learner and model ids come from the browser: only the owner ever gets a
model, and anything malformed falls back to the shipped model with a note."""

from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np
import pytest

from app.core.tinylm import TinyGPT, TinyGPTConfig, load_pretrained
from app.services.tinygpt import models as tiny_models
from app.services.tinygpt import training as training_job
from app.services.tinygpt.models import PRETRAINED, load_choice, model_choices, resolve
from tests.helpers import isolated_jobs

ANA, BEN = "learner-ana-0001", "learner-ben-0002"


@pytest.fixture
def store(tmp_path, monkeypatch):
    return isolated_jobs(tmp_path, monkeypatch)


def keep(store, run_id: str, learner=ANA, kind="trained", seed: int = 1, model=None) -> TinyGPT:
    _, tokenizer, _ = load_pretrained()
    model = model or TinyGPT(
        TinyGPTConfig(
            vocab_size=tokenizer.vocab_size, n_layers=1, d_model=16, n_heads=2, seq_len=16
        ),
        seed=seed,
    )
    data = tiny_models.model_bytes(model, tokenizer, {})
    store.put(learner, kind, run_id, data, {"label": f"run {run_id}"})
    return model


def test_the_shipped_model_is_always_offered_and_says_how_it_was_made(store):
    (value, label), *rest = model_choices(None)
    model, _, meta = load_pretrained()
    assert value == PRETRAINED and rest == []
    assert f"{model.config.n_layers} layers × {model.config.d_model} wide" in label
    assert f"{meta['steps']:,} steps" in label


def test_a_learner_is_offered_only_their_own_models_newest_first(store):
    keep(store, "00000000aaaa")
    keep(store, "00000000bbbb", kind="finetuned")
    keep(store, "00000000cccc", learner=BEN)
    assert [v for v, _ in model_choices(ANA)] == [PRETRAINED, "00000000bbbb", "00000000aaaa"]
    labels = dict(model_choices(ANA))
    assert labels["00000000bbbb"] == "Your fine-tune: run 00000000bbbb"
    assert labels["00000000aaaa"] == "Your run: run 00000000aaaa"
    assert [v for v, _ in model_choices(ANA, ("trained",))] == [PRETRAINED, "00000000aaaa"]
    assert [v for v, _ in model_choices(BEN)] == [PRETRAINED, "00000000cccc"]


def test_another_learners_model_is_never_loaded(store):
    keep(store, "00000000cccc", learner=BEN)
    loaded = resolve("00000000cccc", ANA)
    assert loaded.key == PRETRAINED and "no longer kept" in loaded.note
    assert resolve("00000000cccc", None).key == PRETRAINED


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "0123456789AB!", "", None, 7, "abc"])
def test_ids_that_are_not_12_hex_digits_are_ignored(store, bad_id):
    loaded = resolve(bad_id, ANA)
    assert loaded.key == PRETRAINED and loaded.note


def test_a_model_that_is_gone_falls_back_to_the_shipped_model_with_a_note(store):
    model, tokenizer, description = load_choice("0123456789ab", ANA)
    assert model is load_pretrained()[0]
    assert description.startswith("That model is no longer kept on this server")


def test_a_trained_run_is_kept_for_its_learner_and_loads(store):
    run = training_job.parse_settings(
        asdict(replace(training_job.DEFAULTS, steps=3, warmup_steps=1, n_layers=1, d_model=16))
    )
    result = training_job.run_training(run, learner=ANA)
    assert [v for v, _ in model_choices(ANA)] == [PRETRAINED, result.id]
    model, tokenizer, description = load_choice(result.id, ANA)
    assert description.startswith("Your run: 1 layers, 16 wide")
    assert tokenizer.vocab_size == result.vocab_size
    assert tiny_models.by_key(result.id).model is model  # the per-model caches find it


def test_a_saved_model_loads_with_its_own_weights(store):
    saved = keep(store, "00000000beef", seed=7)
    loaded = resolve("00000000beef", ANA)
    assert loaded.key == "00000000beef" and loaded.note is None
    assert np.array_equal(loaded.model.params["wte"], saved.params["wte"])


def test_a_model_whose_weights_blew_up_is_not_used(store):
    saved = keep(store, "00000000dead", seed=3, model=None)
    saved.params["wte"][0, 0] = np.nan
    keep(store, "00000000dea1", model=saved)
    loaded = resolve("00000000dea1", ANA)
    assert loaded.key == PRETRAINED and "blew up" in loaded.note


def test_a_damaged_model_falls_back_with_a_note(store):
    store.put(ANA, "trained", "00000000f00d", b"not a zip file", {})
    loaded = resolve("00000000f00d", ANA)
    assert loaded.key == PRETRAINED and "cannot be used" in loaded.note


def test_the_tiny_config_maps_to_the_serving_arithmetics_config():
    from app.core.architecture import count_params

    model, _, _ = load_pretrained()
    cfg = tiny_models.to_model_config(model.config)
    assert count_params(cfg).total == model.config.n_params() == model.n_params()

"""Stage 06's tiny fine-tuning lab, its callbacks called as plain functions."""

from __future__ import annotations

import json
from dataclasses import asdict, replace

import pytest
from dash import no_update

from app.config import settings
from app.core.tinylm import TinyGPT, TinyGPTConfig, load_pretrained
from app.core.tinylm.finetune import LoRAConfig, lora_trainable_params
from app.labs import tiny_finetune
from app.services import jobs
from app.services.tinygpt import finetuning as finetune_job
from app.services.tinygpt.finetuning import DEFAULTS, parse_settings, run_finetune
from app.validation import InputError
from tests.helpers import as_plotly, error_text

FIELDS = tiny_finetune.FIELDS


def form(**changes):
    raw = {**asdict(DEFAULTS), "targets": list(DEFAULTS.targets), **changes}
    return [raw[name] for name in FIELDS]


def test_the_estimate_names_the_model_and_counts_what_will_train():
    text, error = tiny_finetune.estimate(*form())
    model = load_pretrained()[0]
    lora = lora_trainable_params(model, LoRAConfig(rank=4))
    assert error is None
    assert text.startswith("Shipped model")
    assert f"{lora:,} LoRA adapters" in text
    assert f"{100 * lora / model.n_params():.2f}% of its {model.n_params():,} parameters" in text


def test_full_fine_tuning_of_the_last_block_counts_one_block_and_the_final_norm():
    text, _ = tiny_finetune.estimate(*form(method="full", scope="last_block"))
    c = load_pretrained()[0].config.d_model
    assert f"{12 * c * c + 15 * c:,} weights" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rank": 0}, "LoRA rank: must be at least 1."),
        ({"rank": 64}, "LoRA rank: must be at most 32."),
        ({"rank": 2.5}, "LoRA rank: must be a whole number."),
        ({"alpha": "big"}, "LoRA alpha: 'big' is not a number."),
        ({"targets": []}, "LoRA: choose at least one weight matrix to adapt."),
        ({"targets": ["gate"]}, "LoRA: choose weight matrices from the list."),
        ({"method": "<script>"}, "Method: choose one of lora, full."),
        ({"method": "full", "scope": "embeddings"}, "Weights to train: choose one of"),
        ({"steps": None}, "Steps: please enter a number."),
        ({"steps": settings.job_max_steps + 1}, "Steps: must be at most"),
        ({"lr": "fast"}, "Learning rate: 'fast' is not a number."),
        ({"lr": 0}, "Learning rate: must be at least"),
        ({"question": "99"}, "Question: must be at most"),
        ({"model": None}, "Model: choose one of the models in the list."),
    ],
)
def test_bad_settings_are_explained_while_editing(changes, message):
    text, error = tiny_finetune.estimate(*form(**changes))
    assert text is None
    assert message in error_text(error)


def test_full_fine_tuning_needs_no_lora_matrices():
    assert parse_settings(dict(zip(FIELDS, form(method="full", targets=[]), strict=True)))


def test_a_rank_wider_than_a_small_stage_05_model_is_explained(monkeypatch):
    small = TinyGPT(
        TinyGPTConfig(vocab_size=load_pretrained()[1].vocab_size, d_model=16, n_heads=2, seq_len=32)
    )
    monkeypatch.setattr(
        tiny_finetune, "load_model", lambda value: (small, load_pretrained()[1], "Your run: tiny.")
    )
    text, error = tiny_finetune.estimate(*form(rank=20, model="0123456789ab"))
    assert text is None
    assert "cannot exceed the smallest side of an adapted matrix (16)" in error_text(error)


def test_switching_method_shows_its_settings_and_its_usual_learning_rate():
    lora_box, full_box, lr = tiny_finetune.switch_method("full")
    assert lora_box == {"display": "none"} and full_box == {} and lr == 3e-4
    lora_box, full_box, lr = tiny_finetune.switch_method("lora")
    assert lora_box == {} and full_box == {"display": "none"} and lr == 3e-3
    assert tiny_finetune.switch_method("<junk>") == (no_update, no_update, no_update)


@pytest.mark.parametrize("stored", [None, "junk", 42, [{"id": "../../etc/passwd"}]])
def test_a_tampered_runs_store_still_offers_the_shipped_model(stored):
    options, value = tiny_finetune.fill_models(stored, "tiny_finetune-model", "deadbeef0000")
    assert value == "pretrained"
    assert options[0]["value"] == "pretrained"


def test_start_with_bad_settings_answers_with_the_sentence():
    result = tiny_finetune.start(lambda _: None, 1, *form(rank=0))
    assert "LoRA rank: must be at least 1." in error_text(result)


def test_start_tells_a_learner_when_the_server_is_busy(monkeypatch):
    from app.services.jobs import JobsBusy

    def busy(*args, **kwargs):
        raise JobsBusy("The server is busy: 2 training jobs already running.")

    monkeypatch.setattr(tiny_finetune, "run_finetune", busy)
    assert "busy" in error_text(tiny_finetune.start(lambda _: None, 1, *form(steps=5)))


def test_a_short_lora_run_reports_progress_then_losses_and_answers():
    reports = []
    result = tiny_finetune.start(reports.append, 1, *form(steps=12))
    value, label, figure, live = reports[-1]
    assert value == 100 and label == "step 12 / 12"
    names = [t.name for t in as_plotly(figure).data]
    assert names[:3] == [
        "training answers (each batch)",
        "unseen answers (held out)",
        "pretraining text (forgetting)",
    ]
    assert names[3].startswith("pretraining text before fine-tuning")  # the forgetting line
    text = str(result)
    assert "LoRA trained" in text and "for 12 steps" in text
    assert "What is meant by" in text  # the held-out question, before and after


def test_the_summary_is_json_safe_and_counts_exactly(monkeypatch):
    run = parse_settings(
        dict(zip(FIELDS, form(steps=6, rank=2, alpha=4, targets=["qkv", "mlp_out"]), strict=True))
    )
    result = run_finetune(run)
    json.dumps(result)
    model = load_pretrained()[0]
    c, layers = model.config.d_model, model.config.n_layers
    assert result["n_trainable"] == layers * 2 * ((c + 3 * c) + (4 * c + c))
    assert result["n_total"] == model.config.n_params()
    assert result["steps_done"] == 6 and result["stopped_because"] is None
    history = result["history"]
    assert history["eval_step"][0] == 0 and history["eval_step"][-1] == 6
    assert result["task_loss_before"] == history["task_val_loss"][0]
    assert result["answer_before"] and result["answer_after"]


def test_cancel_stops_the_run_within_a_step():
    calls = []

    def stop_after_three():
        calls.append(1)
        return len(calls) > 3

    result = run_finetune(replace(DEFAULTS, steps=500), should_stop=stop_after_three)
    assert result["stopped_because"] == "cancelled"
    assert result["steps_done"] == 3
    assert result["history"]["eval_step"][-1] == 3  # the curves end where it stopped


def test_the_time_limit_stops_a_run_and_still_reports_its_losses(monkeypatch):
    monkeypatch.setattr(jobs, "settings", replace(settings, job_time_limit_s=0.5))
    result = run_finetune(replace(DEFAULTS, steps=2000))
    assert result["stopped_because"] == "time limit"
    assert 0 < result["steps_done"] < 2000
    assert result["task_loss_after"] is not None and result["pretrain_loss_after"] is not None


def test_a_job_over_the_step_limit_is_refused(monkeypatch):
    monkeypatch.setattr(finetune_job, "settings", replace(settings, job_max_steps=50))
    with pytest.raises(InputError, match="Steps: must be at most 50"):
        parse_settings(dict(zip(FIELDS, form(steps=51), strict=True)))

"""Stage 05's live training lab, its callbacks called as plain functions."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest
from dash import no_update

from app.config import settings
from app.labs import live_training
from app.services import jobs
from app.services.tinygpt import training as training_job
from app.services.tinygpt.training import DEFAULTS, parse_settings, run_record, run_training
from app.state.runs import CURVE_POINTS, sanitize_runs
from app.validation import InputError
from tests.helpers import as_plotly, error_text

FIELDS = live_training.FIELDS


def form(**changes):
    raw = {**asdict(DEFAULTS), **changes}
    return [raw[name] for name in FIELDS]


def test_the_estimate_counts_the_models_parameters_and_work():
    text, error = live_training.estimate(*form())
    n_params = training_job.model_config(DEFAULTS).n_params()
    assert error is None
    assert f"{n_params:,} parameters" in text
    assert "1,024 characters per step" in text  # batch 16 × context 64


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"d_model": 100, "n_heads": "8"}, "Width 100 must split evenly into 8 heads."),
        ({"n_layers": 9}, "Layers: must be at most 4."),
        ({"steps": None}, "Steps: please enter a number."),
        ({"steps": settings.job_max_steps + 1}, "Steps: must be at most"),
        ({"lr": "fast"}, "Learning rate: 'fast' is not a number."),
        ({"warmup_steps": 500, "steps": 100}, "Warmup steps: must be at most 100."),
        ({"batch_size": 128, "seq_len": 256}, "32,768 tokens per step"),
        ({"n_heads": "3"}, "Heads: choose one of 1, 2, 4, 8."),
        ({"schedule": "<script>"}, "Schedule: choose one of"),
    ],
)
def test_bad_settings_are_explained_while_editing(changes, message):
    text, error = live_training.estimate(*form(**changes))
    assert text is None
    assert message in error_text(error)


def test_a_model_over_the_servers_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(training_job, "settings", replace(settings, job_max_params=10_000))
    with pytest.raises(InputError, match="this server trains at most 10,000"):
        parse_settings(asdict(DEFAULTS))


def test_start_with_bad_settings_answers_with_the_sentence_and_keeps_the_runs():
    result, record = live_training.start(lambda _: None, 1, *form(n_layers=0))
    assert "Layers: must be at least 1." in error_text(result)
    assert record is no_update


def test_start_tells_a_learner_when_the_server_is_busy(monkeypatch):
    from app.services.jobs import JobsBusy

    def busy(*args, **kwargs):
        raise JobsBusy("The server is busy: 2 training jobs already running.")

    monkeypatch.setattr(live_training, "run_training", busy)
    result, record = live_training.start(lambda _: None, 1, *form(steps=5, warmup_steps=2))
    assert "busy" in error_text(result)
    assert record is no_update


def test_a_short_run_reports_progress_and_keeps_a_record(tmp_path, monkeypatch):
    monkeypatch.setattr(training_job, "settings", replace(settings, cache_dir=str(tmp_path)))
    reports = []
    settings_form = form(steps=12, warmup_steps=2)
    result, record = live_training.start(reports.append, 1, *settings_form)
    value, label, figure, live = reports[-1]
    assert value == 100 and label == "step 12 / 12"
    assert [t.name for t in as_plotly(figure).data] == ["training loss", "validation loss"]
    assert record["val_step"][-1] == 12
    runs = live_training.keep_run(record, "tampered")
    assert runs == [record]  # the tampered store was replaced, the new run kept
    assert "for 12 steps" in str(result)
    assert list(tmp_path.glob("models/*.npz")), "the trained model is kept for later stages"


def test_a_too_high_learning_rate_is_reported_in_words(monkeypatch, tmp_path):
    monkeypatch.setattr(training_job, "settings", replace(settings, cache_dir=str(tmp_path)))
    run = parse_settings(asdict(replace(DEFAULTS, lr=1.0, warmup_steps=0, steps=40)))
    result = run_training(run)
    unigram = training_job.baselines()[1]
    # At lr 1.0 the run blows up or ends no better than knowing letter frequencies...
    assert result["stopped_because"] == "diverged" or result["final_val_loss"] > unigram
    # ...and the learner is told why, in words.
    text = str(live_training.result_view(result))
    assert "learning rate" in text and ("too high" in text)


def test_cancel_stops_the_run_within_a_step(tmp_path, monkeypatch):
    monkeypatch.setattr(training_job, "settings", replace(settings, cache_dir=str(tmp_path)))
    calls = []

    def stop_after_three():
        calls.append(1)
        return len(calls) > 3

    result = run_training(
        parse_settings(asdict(replace(DEFAULTS, steps=500))), should_stop=stop_after_three
    )
    assert result["stopped_because"] == "cancelled"
    assert result["steps_done"] <= 4


def test_the_time_limit_stops_a_run_and_still_reports_its_losses(tmp_path, monkeypatch):
    limited = replace(settings, cache_dir=str(tmp_path), job_time_limit_s=0.5)
    monkeypatch.setattr(training_job, "settings", limited)
    monkeypatch.setattr(jobs, "settings", limited)  # JobGuard enforces the limit
    result = run_training(parse_settings(asdict(replace(DEFAULTS, steps=2000))))
    assert result["stopped_because"] == "time limit"
    assert 0 < result["steps_done"] < 2000
    assert result["final_val_loss"] is not None


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "junk",
        42,
        {"a": 1},
        [None, 3, "x"],
        [{"id": 1}],
        [{"id": "a", "label": "x", "val_step": [1, 2], "val_loss": [1.0]}],
        [{"id": "a", "label": "x", "val_step": [1], "val_loss": [float("nan")]}],
        [{"id": "a", "label": "x", "val_step": ["1"], "val_loss": [2.0]}],
    ],
)
def test_a_tampered_runs_store_is_repaired_not_fatal(stored):
    assert sanitize_runs(stored) == []
    figure = live_training.show_runs(stored)
    assert len(as_plotly(figure).layout.annotations) == 1  # "Your finished runs appear here"


def test_valid_runs_survive_repair_and_only_the_newest_eight_are_kept():
    good = {
        "id": "r",
        "label": "2L·64d",
        "val_step": [10, 20],
        "val_loss": [3.1, 2.7],
        "final_val_loss": 2.7,
        "final_train_loss": 2.6,
        "tokens_per_second": 9000,
        "stopped_because": None,
    }
    runs = [dict(good, id=f"r{i}") for i in range(11)]
    kept = sanitize_runs([*runs, "junk"])
    assert [r["id"] for r in kept] == [f"r{i}" for i in range(3, 11)]
    assert kept[-1] == dict(good, id="r10")


def test_a_run_record_is_small_enough_for_browser_storage(tmp_path, monkeypatch):
    monkeypatch.setattr(training_job, "settings", replace(settings, cache_dir=str(tmp_path)))
    result = run_training(parse_settings(asdict(replace(DEFAULTS, steps=120))))
    record = run_record(result)
    assert len(record["val_step"]) <= CURVE_POINTS
    assert record["val_step"][-1] == 120
    assert sanitize_runs([record]) == [record]


def test_a_finished_run_joins_the_kept_runs_and_nothing_else_changes_them():
    old = {"id": "old", "label": "1L·16d", "val_step": [5], "val_loss": [3.0]}
    new = {"id": "new", "label": "2L·64d", "val_step": [5, 10], "val_loss": [3.0, 2.8]}
    kept = live_training.keep_run(new, [old])
    assert [r["id"] for r in kept] == ["old", "new"]
    assert live_training.keep_run(None, [old]) is no_update


def test_clear_empties_the_runs():
    assert live_training.clear_runs(1) == []
    assert live_training.clear_runs(None) is no_update


def test_cancel_says_where_the_run_stopped_and_that_nothing_is_kept():
    label, note = live_training.cancelled(1, "step 256 / 2,000 · about 72 s left")
    assert label == "cancelled at step 256 / 2,000"
    assert "not kept" in note.children
    assert live_training.cancelled(1, None)[0] == "cancelled"  # cancelled before any step
    assert live_training.cancelled(None, "step 1 / 2")[0] is no_update


def test_a_failed_run_is_told_which_way_to_move_the_learning_rate():
    assert "too high" in live_training.lr_advice(1.0)
    assert "too low" in live_training.lr_advice(1e-4)
    assert "learning rate" not in live_training.lr_advice(live_training.DEFAULTS.lr)


def test_the_samples_show_the_prompt_before_the_continuation():
    result = {
        "settings": {"prompt": "The model ", "lr": 3e-3},
        "stopped_because": None,
        "final_val_loss": 2.0,
        "final_train_loss": 1.9,
        "n_params": 1000,
        "steps_done": 10,
        "elapsed_s": 1.0,
        "sample_before": "xq",
        "sample_after": "learns",
    }
    view = live_training.result_view(result)
    pres = []

    def walk(c):
        if getattr(c, "className", "") == "sample-text mb-0":
            pres.append(c)
        kids = getattr(c, "children", None)
        for k in kids if isinstance(kids, list) else [kids]:
            if k is not None and not isinstance(k, str):
                walk(k)

    walk(view)
    (before_prompt, before), (after_prompt, after) = [p.children for p in pres]
    assert before_prompt.children == after_prompt.children == "The model "
    assert (before, after) == ("xq", "learns")

"""Stage 05's live training lab, its callbacks called as plain functions."""

from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np
import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from app.components.job_controls import cancelled_label
from app.config import settings
from app.labs import live_training
from app.labs.live_training.views import lr_advice, result_view
from app.services import jobs
from app.services.tinygpt import training as training_job
from app.services.tinygpt.training import DEFAULTS, parse_settings, run_record, run_training
from app.state.runs import CURVE_POINTS, sanitize_runs
from app.validation import InputError
from tests.helpers import as_plotly, error_text, isolated_jobs

FIELDS = live_training.FIELDS


def form(**changes):
    raw = {**asdict(DEFAULTS), **changes}
    return [raw[name] for name in FIELDS]


LEARNER = "learner-test-0001"
N_NUMBERS = len(live_training.NUMBER_FIELDS)


@pytest.fixture
def store(tmp_path, monkeypatch):
    return isolated_jobs(tmp_path, monkeypatch)


def flagged(flags) -> set[str]:
    return {n for n, bad in zip(live_training.NUMBER_FIELDS, flags, strict=True) if bad}


def test_the_estimate_counts_the_models_parameters_and_work():
    text, error, *flags = live_training.estimate(*form())
    n_params = training_job.model_config(DEFAULTS).n_params()
    assert error is None and not any(flags)
    assert f"{n_params:,} parameters" in text
    assert "1,024 characters per step" in text  # batch 16 × context 64


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"d_model": 100, "n_heads": "8"}, "Width 100 must split evenly into 8 heads.", "d_model"),
        ({"n_layers": 9}, "Layers: must be at most 4.", "n_layers"),
        ({"steps": None}, "Steps: please enter a number.", "steps"),
        ({"steps": settings.job_max_steps + 1}, "Steps: must be at most", "steps"),
        ({"lr": "fast"}, "Learning rate: 'fast' is not a number.", "lr"),
        ({"lr": 0}, "Learning rate: must be at least 1e-06.", "lr"),
        ({"warmup_steps": 500, "steps": 100}, "Warmup steps: must be at most 100.", "warmup_steps"),
        ({"batch_size": 128, "seq_len": 256}, "32,768 tokens per step", "batch_size"),
        ({"n_heads": "3"}, "Heads: choose one of 1, 2, 4, 8.", None),
        ({"schedule": "<script>"}, "Schedule: choose one of", None),
    ],
)
def test_bad_settings_are_explained_and_marked_while_editing(changes, message, field):
    text, error, *flags = live_training.estimate(*form(**changes))
    assert text is None
    assert message in error_text(error)
    assert flagged(flags) == ({field} if field else set())


def test_every_bad_field_is_named_at_once_and_cleared_when_fixed():
    _, error, *flags = live_training.estimate(*form(n_layers=9, lr=0, seed=-1))
    message = error_text(error)
    for part in ("Layers: must be at most 4.", "Learning rate: must be at least", "Seed:"):
        assert part in message
    assert flagged(flags) == {"n_layers", "lr", "seed"}
    _, error, *flags = live_training.estimate(*form())
    assert error is None and not any(flags)


def test_the_forms_bounds_are_the_servers():
    """One description: the learning-rate box's minimum is the one the server checks."""
    spec = training_job.SPECS["lr"]
    with pytest.raises(InputError, match="at least 1e-06"):
        parse_settings(asdict(replace(DEFAULTS, lr=spec.minimum / 2)))
    parse_settings(asdict(replace(DEFAULTS, lr=spec.minimum)))


def test_a_model_over_the_servers_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(training_job, "settings", replace(settings, job_max_params=10_000))
    with pytest.raises(InputError, match="this server trains at most 10,000"):
        parse_settings(asdict(DEFAULTS))


def test_start_with_bad_settings_names_them_and_starts_nothing(store):
    job, message, note, *flags = live_training.start(1, LEARNER, *form(n_layers=0))
    assert job is no_update  # no job: the last good result stays on the page
    assert "Layers: must be at least 1." in error_text(message)
    assert flagged(flags) == {"n_layers"}


def test_start_tells_a_learner_when_the_server_is_busy(store, monkeypatch):
    from app.components import job_controls
    from app.services.jobs import JobsBusy

    def busy(*args, **kwargs):
        raise JobsBusy("The server is busy: 2 jobs already running.")

    monkeypatch.setattr(job_controls, "start_job", busy)
    job, message, note, *flags = live_training.start(1, LEARNER, *form(steps=5, warmup_steps=2))
    assert job is no_update
    assert "busy" in error_text(note)


def test_a_short_run_shows_progress_keeps_a_record_and_its_model(store):
    job, message, note, *flags = live_training.start(1, LEARNER, *form(steps=12, warmup_steps=2))
    assert message is None and note is None
    out = live_training.poll(1, job, LEARNER, "")
    value, label, figure, live, result, record, note = out[:7]
    assert value == 100 and label == "step 12 / 12"
    assert [t["name"] for t in figure["data"]][:2] == ["training loss", "validation loss"]
    assert record["val_step"][-1] == 12
    assert out[7:] == (False, False, False, True, True)  # controls back, cancel off, no poll
    runs = live_training.keep_run(record, "tampered")
    assert runs == [record]  # the tampered store was replaced, the new run kept
    assert live_training.keep_run(record, runs) is no_update  # a reload does not add it twice
    assert "for 12 steps" in str(result)
    assert [m.run_id for m in store.list(LEARNER)] == [record["id"]]  # kept for 06-08
    assert store.list("learner-other-0002") == []


def test_another_learner_cannot_read_or_cancel_the_job(store, monkeypatch):
    from app.services import jobs

    monkeypatch.setattr(jobs, "launch_local", lambda *a: None)  # stays queued
    job, *_ = live_training.start(1, LEARNER, *form(steps=12, warmup_steps=2))
    with pytest.raises(PreventUpdate):
        live_training.cancel(1, job, "learner-other-0002")
    out = live_training.poll(1, job, "learner-other-0002", "")
    assert out[4:6] == (no_update, no_update)  # nothing of Ana's run shown
    out = live_training.poll(1, job, LEARNER, "")
    assert out[1] == "starting…" and out[-1] is False  # Ana's page keeps polling


def test_a_too_high_learning_rate_is_reported_in_words(store):
    run = parse_settings(asdict(replace(DEFAULTS, lr=1.0, warmup_steps=0, steps=40)))
    result = run_training(run)
    unigram = training_job.baselines()[1]
    # At lr 1.0 the run blows up or ends no better than knowing letter frequencies...
    assert result.stopped_because == "diverged" or result.final_val_loss > unigram
    # ...and the learner is told why, in words.
    text = str(result_view(result))
    assert "learning rate" in text and ("too high" in text)


def test_cancel_stops_the_run_within_a_step(store):
    calls = []

    def stop_after_three():
        calls.append(1)
        return len(calls) > 3

    result = run_training(
        parse_settings(asdict(replace(DEFAULTS, steps=500))), should_stop=stop_after_three
    )
    assert result.stopped_because == "cancelled"
    assert result.steps_done <= 4


def test_the_time_limit_stops_a_run_and_its_last_point_uses_the_fixed_batches(store, monkeypatch):
    from app.core.tinylm.train import evaluate, get_batch
    from app.services.tinygpt.models import resolve

    monkeypatch.setattr(jobs, "settings", replace(settings, job_time_limit_s=0.5))
    run = parse_settings(asdict(replace(DEFAULTS, steps=2000)))
    result = run_training(run, learner=LEARNER)
    assert result.stopped_because == "time limit"
    assert 0 < result.steps_done < 2000
    assert result.history["val_step"][-1] == result.steps_done
    # The last point is measured on the same fixed evaluation batches as every other
    # point (drawn from the seed as train() draws them), not on random windows.
    cfg = training_job.train_config(run)
    _, _, val_ids = training_job.corpus()
    rng = np.random.default_rng([cfg.seed, 1])
    batches = [
        get_batch(val_ids, cfg.batch_size, run.seq_len, rng) for _ in range(cfg.eval_batches)
    ]
    model = resolve(result.id, LEARNER).model  # the stopped run's model, from the store
    assert result.final_val_loss == round(float(evaluate(model, batches)), 4)


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


def test_a_run_record_is_small_enough_for_browser_storage(store):
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


def test_cancel_says_where_the_run_stopped_and_that_nothing_is_kept(store, monkeypatch):
    from app.services import jobs
    from app.services.jobs import board

    monkeypatch.setattr(jobs, "launch_local", lambda *a: None)
    job, *_ = live_training.start(1, LEARNER, *form(steps=500))
    assert live_training.cancel(1, job, LEARNER) is not None
    params = {"run": asdict(replace(DEFAULTS, steps=500)), "learner": LEARNER}
    jobs.execute("training", job["id"], params, board())
    out = live_training.poll(1, job, LEARNER, "step 256 / 2,000 · about 72 s left")
    assert out[1] == "cancelled at step 256 / 2,000"
    assert "not kept" in out[6].children
    assert out[4:6] == (no_update, no_update)  # the last good result stays
    assert store.list(LEARNER) == []


def test_a_cancelled_label_without_steps():
    assert cancelled_label(None) == "cancelled"


def test_a_failed_run_is_told_which_way_to_move_the_learning_rate():
    assert "too high" in lr_advice(1.0)
    assert "too low" in lr_advice(1e-4)
    assert "learning rate" not in lr_advice(DEFAULTS.lr)


def test_the_samples_show_the_prompt_before_the_continuation():
    result = training_job.TrainingResult(
        **{
            "id": "0123456789ab",
            "vocab_size": 60,
            "tokens_per_second": 1000,
            "history": {},
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
    )
    view = result_view(result)
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

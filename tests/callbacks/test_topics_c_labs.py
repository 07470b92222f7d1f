"""Callbacks of the RLHF, Bias, Model-selection and Data-engineering labs: good input gives
numbers, bad input a sentence next to the field (never a traceback or a blank chart)."""

from __future__ import annotations

import time

import pytest

from app.labs import (
    bias_fairness,
    bias_filters,
    bias_weat,
    dataeng_mixture,
    dataeng_packing,
    dataeng_shards,
    rlhf_best_of_n,
    rlhf_reward_model,
    selection_chooser,
    selection_scaling,
)
from app.services.tinygpt import dpo as dpo_job
from app.validation import InputError
from tests.helpers import error_text, is_message_figure, stat_values


def test_reward_model_reports_held_out_accuracy_and_refuses_bad_settings():
    stats, cal, scatter, weights, err = rlhf_reward_model.update(25, "1", ["words", "repetition"])
    assert err is None and "%" in stat_values(stats)["Held-out accuracy"]
    assert weights["data"][0]["y"] == ["Length (words)", "Repeated words"]
    *_, err = rlhf_reward_model.update("lots", "1", ["words"])
    assert "Held-out share" in error_text(err)
    stats, cal, *_, err = rlhf_reward_model.update(25, "1", [])
    assert "at least one feature" in error_text(err) and is_message_figure(cal)
    assert "Regularisation" in error_text(rlhf_reward_model.update(25, "999", ["words"])[-1])


def test_best_of_n_answers_fast_and_plots_against_the_kl_bound():
    start = time.perf_counter()
    stats, fig, err = rlhf_best_of_n.update("no_length", "kl")
    assert time.perf_counter() - start < 2 and err is None
    x = fig["data"][0]["x"]
    assert x[0] == 0 and x == sorted(x)  # log 1 − 0 = 0, then rising
    assert "Horizontal axis" in error_text(rlhf_best_of_n.update("all", "<b>")[-1])


def test_dpo_beta_slider_stops_map_to_beta_and_anything_else_is_refused():
    from app.labs import rlhf_dpo

    assert [rlhf_dpo.beta_of(i) for i in range(len(rlhf_dpo.BETAS))] == list(rlhf_dpo.BETAS)
    assert rlhf_dpo.beta_of(99) is None and rlhf_dpo.beta_of("1") is None
    with pytest.raises(InputError, match="β: please enter a number"):
        dpo_job.parse_settings({"beta": rlhf_dpo.beta_of(-1), "steps": 10, "lr": 1e-5})


def test_dpo_settings_are_validated_and_bounded():
    run = dpo_job.parse_settings({"beta": "0.5", "steps": 20, "lr": 1e-5})
    assert run.beta == 0.5 and run.steps == 20
    with pytest.raises(InputError, match="Steps: must be at most"):
        dpo_job.parse_settings({"beta": 0.1, "steps": 10_000, "lr": 1e-5})
    with pytest.raises(InputError, match="β"):
        dpo_job.parse_settings({"beta": 0, "steps": 10, "lr": 1e-5})


def test_filter_gap_moves_with_the_threshold_and_bad_thresholds_are_named():
    strict, *_ = bias_filters.update("min_stop_words", 2, "off")
    relaxed, *_ = bias_filters.update("min_stop_words", 0, "off")
    assert stat_values(strict)["Dialect spelling"] != stat_values(relaxed)["Dialect spelling"]
    assert "whole number" in error_text(bias_filters.update("min_doc_words", 2.5, "off")[-1])
    assert "at most" in error_text(bias_filters.update("min_line_punct_ratio", 3, "off")[-1])
    assert "Rule to adjust" in error_text(bias_filters.update("drop_tables", 1, "off")[-1])


def test_weat_shows_a_smaller_effect_after_augmentation():
    stats, fig, err = bias_weat.update("0.85")
    values = stat_values(stats)
    assert abs(float(values["Effect size after CDA"])) < float(values["Effect size before"])
    assert "Skew" in error_text(bias_weat.update("0.33")[-1])


def test_fairness_thresholds_are_checked_and_gaps_reported():
    stats, table, fig, err = bias_fairness.update(0.5, 0.3, "eo")
    assert err is None and fig["layout"]["xaxis"]["title"]["text"] == "Equalised odds gap"
    assert "Threshold, group B: must be at most 1" in error_text(
        bias_fairness.update(0.5, 7, "dp")[-1]
    )


def test_chooser_lists_every_model_and_names_bad_fields():
    stats, table, fig, err = selection_chooser.update(
        "H100 SXM", 8, "bf16", 4096, 8, 50, 5, "any", "mmlu"
    )
    assert err is None and "of 8" in stat_values(stats)["Models that fit"]
    *_, err = selection_chooser.update("H100 SXM", 0, "bf16", 4096, 8, 50, 5, "any", "mmlu")
    assert "GPUs: must be at least 1" in error_text(err)
    *_, err = selection_chooser.update("TPU", 1, "bf16", 4096, 8, 50, 5, "any", "mmlu")
    assert "GPU" in error_text(err)


def test_scaling_law_falls_back_to_reference_runs_with_too_few_runs_and_survives_junk():
    note, stats, fig, err = selection_scaling.update("n_params", 10, [{"id": 1}, "junk"])
    assert "0 finished runs" in str(note) and err is None
    runs = [
        {
            "id": f"r{i}",
            "label": f"run {i}",
            "val_step": [1],
            "val_loss": [3.0],
            "final_val_loss": 3.0 - 0.3 * i,
            "n_params": 10_000 * (i + 1),
            "tokens_seen": 1000,
        }
        for i in range(3)
    ]
    note, stats, fig, err = selection_scaling.update("n_params", 10, runs)
    assert note is None and stat_values(stats)["Runs fitted"] == "3"
    assert "Extrapolate" in error_text(selection_scaling.update("n_params", 0, runs)[-1])


@pytest.mark.slow  # the first call trains stage 03's BPE on the corpus
def test_packing_and_shard_labs_handle_their_inputs():
    stats, hist, mask, err = dataeng_packing.update("512")
    assert "%" in stat_values(stats)["Padding waste"]
    assert "Sequence length" in error_text(dataeng_packing.update("3")[-1])
    manifest, verdict, err = dataeng_shards.update(True, 50_000, 1, 7)
    assert "shard-00001.bin" in str(verdict) and err is None
    assert "Shard to damage" in error_text(dataeng_shards.update(True, 50_000, 999, 7)[-1])
    assert "Tokens per shard" in error_text(dataeng_shards.update(False, 5, 1, 7)[-1])


def test_mixture_epochs_follow_the_weights():
    stats, fig, err = dataeng_mixture.update(1400, 67, 15, 4.5, 4.5, 4.5, 2.5, 2)
    assert stat_values(stats)["Most repeated"].startswith("Wikipedia: 2.45")
    assert "ArXiv" in error_text(dataeng_mixture.update(1400, 67, 15, 4.5, 4.5, 4.5, -1, 2)[-1])


LEARNER = "learner-port1-0001"


@pytest.fixture
def board(tmp_path):
    """A job board on a fresh diskcache folder; jobs started on it run in this process."""
    import diskcache

    from app.services import jobs

    b = jobs.Board(jobs.DiskKV(diskcache.Cache(str(tmp_path))))
    return b


def _run_in_place(board, kind, params):
    from app.services import jobs

    job_id = jobs.start_job(
        kind, params, LEARNER, board_=board, launch=lambda k, j, p: jobs.execute(k, j, p, board)
    )
    return jobs.poll_job(job_id, LEARNER, board_=board)


@pytest.mark.slow
def test_a_short_dpo_job_reports_progress_and_widens_the_margin():
    reports = []
    run = dpo_job.DPOSettings(beta=0.1, steps=6, lr=3e-5)
    result = dpo_job.run_dpo(run, lambda h: reports.append(h["step"][-1]))
    history = result.history
    assert history["step"][0] == 0 and result.steps_done == 6 and reports[-1] == 6
    margins = [c - r for c, r in zip(history["chosen_logp"], history["rejected_logp"], strict=True)]
    assert margins[-1] > margins[0] and history["kl"][-1] > 0
    assert dpo_job.DPOResult.from_json(result.to_json()) == result


def test_dpo_job_stops_when_cancelled():
    run = dpo_job.DPOSettings(beta=0.1, steps=100, lr=3e-5)
    result = dpo_job.run_dpo(run, should_stop=lambda: True)
    assert result.stopped_because == "cancelled" and result.history["step"] == [0]


@pytest.mark.slow
def test_the_dpo_lab_runs_its_job_through_the_skeleton_and_shows_the_summary(board):
    from app.labs import rlhf_dpo

    params = {**rlhf_dpo.parse_job({"beta": 2, "steps": "5", "lr": "3e-5"}), "learner": LEARNER}
    assert params["run"] == {"beta": 0.1, "steps": 5, "lr": 3e-5}
    state = _run_in_place(board, "dpo", params)
    assert state["status"] == "done" and board.running() == 0  # the slot is given back
    percent, label, fig, live = rlhf_dpo.progress_view(state["progress"])
    assert percent == 100 and label == "step 5 / 5"
    assert "Implicit reward accuracy" in stat_values(live)
    (summary,) = rlhf_dpo.show_result(state["result"])
    assert "DPO ran 5 steps with β = 0.1" in str(summary)


def test_dpo_start_names_every_bad_field_and_starts_nothing():
    from dash import no_update

    from app.labs import rlhf_dpo

    job, err, note, steps_bad, lr_bad = rlhf_dpo.start(1, LEARNER, 99, "4", "abc")
    assert job is no_update and note is None and steps_bad and lr_bad
    text = error_text(err)
    assert "β" in text and "Steps: must be at least 5" in text and "Learning rate" in text


def test_throughput_start_names_every_bad_field_and_starts_nothing():
    from dash import no_update

    from app.labs import dataeng_throughput as lab

    job, err, note, docs_bad, workers_bad = lab.start(1, LEARNER, "10", "9")
    assert job is no_update and docs_bad and workers_bad
    assert "Documents: must be at least 50" in error_text(err)
    assert "Worker processes: must be at most 4" in error_text(err)
    assert lab.parse_job({"docs": "50", "workers": "3"}) == {"run": {"docs": 50, "workers": 3}}


def test_a_cancelled_measurement_stops_after_the_first_step_and_says_nothing_more():
    from app.services import throughput
    from app.services.jobs import JobGuard

    seen = []
    guard = JobGuard(None, lambda: True, on_progress=seen.append, progress_every_s=0.0)
    assert throughput.run_throughput(throughput.ThroughputSettings(50, 2), guard=guard) is None
    assert len(seen) == 1 and len(seen[0]["one"]) == 1 and seen[0]["many"] == {}


def test_a_job_process_is_a_fresh_python_that_may_start_workers(monkeypatch):
    """Run locally, a job is its own Python process (not a fork of the threaded web
    process), so the throughput job may start a pool: the launch names the module that
    registers the kind, and passes the settings in force."""
    import subprocess

    import app.services.throughput  # noqa: F401 (registers the kind)
    from app.services import jobs

    started = []

    class FakeChild:
        def __init__(self, cmd, **kwargs):
            started.append((cmd, kwargs["env"]))
            self.stdin = type("In", (), {"write": lambda *_: None, "close": lambda *_: None})()

        def poll(self):
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakeChild)
    jobs.launch_local("throughput", "a" * 32, {})
    ((cmd, env),) = started
    assert cmd[1:4] == ["-m", "app.services.job_process", "app.services.throughput"]
    assert cmd[-2:] == ["throughput", "a" * 32]
    assert env["CACHE_DIR"] == jobs.settings.cache_dir


def test_the_throughput_result_round_trips_and_shows_the_summary():
    from app.labs import dataeng_throughput as lab
    from app.services import throughput

    m = {
        "one": dict.fromkeys(throughput.STEPS, 100.0),
        "many": dict.fromkeys(throughput.STEPS, 150.0),
        "workers": 2,
        "documents": 50,
        "startup_s": 0.4,
    }
    result = throughput.ThroughputResult(m, (2_000_000, 1000), (9_000_000, 1000))
    assert throughput.ThroughputResult.from_json(result.to_json()) == result
    (summary,) = lab.show_result(result.to_json())
    values = stat_values(summary.children[0].children)  # the stat row
    assert values["Best speed-up"] == "1.5×" and values["Peak memory, streaming"] == "2.0 MB"
    assert lab.progress_view({**m, "memory_done": 2, "finished": True})[:2] == (100, "done")
    assert lab.progress_view({**m, "one": {}, "many": {}})[:2] == (0, "0 / 12 measurements")

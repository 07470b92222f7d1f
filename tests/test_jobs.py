"""Jobs: slots (server-wide and one per learner), each Start its own job, progress and
results through the board, cancel, and a job nobody polls stopping itself. Time is an
injected clock: no test patches time.time."""

from __future__ import annotations

import logging

import pytest

from app.services import jobs

ANA, BEN = "learner-ana-0001", "learner-ben-0002"


class Clock:
    def __init__(self, now: float = 1_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def board(tmp_path):
    import diskcache

    cache = diskcache.Cache(str(tmp_path))
    yield jobs.Board(jobs.DiskKV(cache), Clock())
    cache.close()


@pytest.fixture
def limits(override_settings):
    override_settings(job_max_concurrent=2, job_unpolled_s=8.0, job_min_step_s=0.0, redis_url="")
    return override_settings


@pytest.fixture
def kind():
    """A job kind that counts steps until told to stop (or finishes after `steps`); it
    lives in tests/helpers.py, where a job's own process can import it."""
    from tests.helpers import count_job

    jobs.job_kind("test-count")(count_job)
    yield "test-count"
    jobs.JOB_KINDS.pop("test-count")


def no_process(*_):
    """Launch nothing: the test plays the job's part itself."""


def test_a_third_job_is_told_the_server_is_busy_before_any_process_starts(board, limits, kind):
    launched = []
    a = jobs.start_job(kind, {}, ANA, board_=board, launch=lambda *a: launched.append(a))
    jobs.start_job(kind, {}, BEN, board_=board, launch=lambda *a: launched.append(a))
    with pytest.raises(jobs.JobsBusy, match=r"busy: 2 jobs \(training, fine-tuning"):
        jobs.start_job(kind, {}, "learner-cat-0003", board_=board, launch=launched.append)
    assert len(launched) == 2  # the refused one never started a process
    assert board.running() == 2
    board.release(a)
    assert board.running() == 1


def test_one_running_job_per_learner(board, limits, kind):
    jobs.start_job(kind, {}, ANA, board_=board, launch=no_process)
    with pytest.raises(jobs.JobsBusy, match="You already have a run going"):
        jobs.start_job(kind, {}, ANA, board_=board, launch=no_process)


def test_every_press_is_its_own_job_even_with_identical_settings(board, limits, kind):
    params = {"steps": 3}
    a = jobs.start_job(kind, params, ANA, board_=board, launch=no_process)
    b = jobs.start_job(kind, params, BEN, board_=board, launch=no_process)
    assert a != b
    jobs.execute(kind, a, params, board_=board)
    assert jobs.poll_job(a, ANA, board_=board)["status"] == "done"
    assert jobs.poll_job(b, BEN, board_=board)["status"] == "queued"  # not Ana's result


def test_a_job_reports_progress_then_its_result_only_to_its_owner(board, limits, kind):
    job = jobs.start_job(kind, {"steps": 3}, ANA, board_=board, launch=no_process)
    jobs.execute(kind, job, {"steps": 3}, board_=board)
    state = jobs.poll_job(job, ANA, board_=board)
    assert state["status"] == "done"
    assert state["result"] == {"done": 3}
    assert state["progress"] == {"done": 3}
    assert jobs.poll_job(job, BEN, board_=board) is None
    assert jobs.poll_job("../" + job, ANA, board_=board) is None
    assert board.running() == 0  # the slot is given back


def test_a_known_result_is_recorded_without_a_slot_or_a_process(board, limits, kind):
    job = jobs.start_job(kind, {}, ANA, board_=board, launch=no_process, result={"done": 1})
    assert jobs.poll_job(job, ANA, board_=board)["result"] == {"done": 1}
    assert board.running() == 0


def test_cancel_stops_the_job_at_its_next_step_and_keeps_no_result(board, limits, kind):
    job = jobs.start_job(kind, {"steps": 10**6}, ANA, board_=board, launch=no_process)
    assert not jobs.cancel_job(job, BEN, board_=board)  # not Ben's to cancel
    assert jobs.cancel_job(job, ANA, board_=board)
    jobs.execute(kind, job, {"steps": 10**6}, board_=board)
    state = jobs.poll_job(job, ANA, board_=board)
    assert state["status"] == "cancelled"
    assert "result" not in state
    assert board.running() == 0


def test_a_job_nobody_polls_stops_itself_and_frees_its_slot(board, limits, kind):
    clock = board.clock
    job = jobs.start_job(kind, {}, ANA, board_=board, launch=no_process)
    guard = jobs.JobGuard(jobs.JobLease(board, job, check_every_s=0), clock=clock)
    assert not guard.stop_now()
    clock.now += 5
    jobs.poll_job(job, ANA, board_=board)  # the page polls: still watched
    clock.now += 7
    assert not guard.stop_now()  # 7 s since the last poll: within 8 s
    clock.now += 2  # 9 s: the tab is gone
    assert guard.stop_now()
    assert guard.stopped_because == "abandoned"
    board.release(job)  # what execute() does when the job returns
    jobs.start_job(kind, {}, ANA, board_=board, launch=no_process)  # the slot is free again


def test_a_killed_job_stops_renewing_and_its_slot_expires(board, limits, kind):
    job = jobs.start_job(kind, {}, ANA, board_=board, launch=no_process)
    lease = jobs.JobLease(board, job)
    lease.renew()  # the job ran a step, then its process was killed: no release
    with pytest.raises(jobs.JobsBusy):
        jobs.start_job(kind, {}, ANA, board_=board, launch=no_process)
    board.clock.now += jobs.LEASE_S + 0.1
    jobs.start_job(kind, {}, ANA, board_=board, launch=no_process)


def test_a_queued_job_gets_time_for_a_worker_to_pick_it_up(board, limits, kind):
    jobs.start_job(kind, {}, ANA, board_=board, launch=no_process)
    board.clock.now += jobs.LEASE_S + 1  # a busy Celery worker has not started it yet
    assert board.running() == 1
    board.clock.now += jobs.START_GRACE_S
    assert board.running() == 0


def test_renewing_keeps_a_long_job_alive(board, limits, kind):
    job = jobs.start_job(kind, {}, ANA, board_=board, launch=no_process)
    lease = jobs.JobLease(board, job)
    for _ in range(60):
        board.clock.now += jobs.LEASE_S * 0.3
        lease.renew()
    assert board.running() == 1


def test_the_time_limit_stops_a_job(limits):
    limits(job_time_limit_s=10.0)
    clock = Clock()
    guard = jobs.JobGuard(clock=clock)
    clock.now += 9
    assert not guard.stop_now()
    clock.now += 2
    assert guard.stop_now() and guard.stopped_because == "time limit"


@pytest.mark.parametrize(
    ("fail", "message"),
    [("input", "Steps: must be at most 3."), ("bug", jobs.FAILED)],
)
def test_every_failure_becomes_a_message_and_a_bug_is_logged(
    board, limits, kind, fail, message, caplog
):
    params = {"steps": 1, "fail": fail}
    job = jobs.start_job(kind, params, ANA, board_=board, launch=no_process)
    with caplog.at_level(logging.ERROR, logger="app.services.jobs"):
        jobs.execute(kind, job, params, board_=board)
    state = jobs.poll_job(job, ANA, board_=board)
    assert (state["status"], state["message"]) == ("error", message)
    assert ("ZeroDivisionError" in caplog.text) == (fail == "bug")
    assert board.running() == 0


def test_a_launch_that_fails_gives_the_slot_back(board, limits, kind):
    def broken(*_):
        raise OSError("cannot fork")

    with pytest.raises(OSError):
        jobs.start_job(kind, {}, ANA, board_=board, launch=broken)
    assert board.running() == 0


def test_a_job_runs_in_its_own_process_and_reports_back(tmp_path, limits, kind, monkeypatch):
    """The real launcher: a fresh Python process, given the settings in force, writes the
    result to the shared folder."""
    from tests.helpers import wait_until

    limits(cache_dir=str(tmp_path))
    jobs._disk_cache.cache_clear()
    jobs.backend.cache_clear()
    try:
        job = jobs.start_job(kind, {"steps": 5}, ANA)
        done = wait_until(lambda: (jobs.poll_job(job, ANA) or {}).get("status") == "done", 20)
        assert done and jobs.poll_job(job, ANA)["result"] == {"done": 5}
        assert wait_until(lambda: jobs.jobs_running() == 0, 10)
    finally:
        jobs._disk_cache.cache_clear()
        jobs.backend.cache_clear()

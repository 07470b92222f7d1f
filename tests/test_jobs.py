"""Job slots: at most JOB_MAX_CONCURRENT jobs at once, and a killed job's slot frees itself."""

from __future__ import annotations

import dataclasses

import pytest

from app.services import jobs


@pytest.fixture
def disk_slots(tmp_path, monkeypatch):
    import diskcache

    cache = diskcache.Cache(str(tmp_path))
    monkeypatch.setattr(jobs, "_disk_cache", lambda: cache)
    monkeypatch.setattr(jobs, "settings", dataclasses.replace(jobs.settings, redis_url=""))
    return cache


def test_a_third_job_is_told_the_server_is_busy(disk_slots):
    with jobs.job_slot(limit=2), jobs.job_slot(limit=2):
        assert jobs.jobs_running() == 2
        busy = pytest.raises(
            jobs.JobsBusy,
            match=r"busy: 2 jobs \(training, fine-tuning or cleaning\) already running",
        )
        with busy, jobs.job_slot(limit=2):
            pass
    assert jobs.jobs_running() == 0


def test_a_finished_or_failed_job_gives_its_slot_back(disk_slots):
    with pytest.raises(RuntimeError), jobs.job_slot(limit=1):
        raise RuntimeError("the job crashed")
    with jobs.job_slot(limit=1):
        assert jobs.jobs_running() == 1


def test_a_killed_job_stops_renewing_and_its_slot_expires(disk_slots, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(jobs.time, "time", lambda: clock[0])
    store = jobs._DiskSlots()
    assert store.acquire("killed-job", limit=1)  # then its process is killed: no release
    assert not store.acquire("new-job", limit=1)
    clock[0] += jobs.LEASE_S + 0.1
    assert store.acquire("new-job", limit=1)


def test_renewing_keeps_a_long_job_alive(disk_slots, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(jobs.time, "time", lambda: clock[0])
    store = jobs._DiskSlots()
    assert store.acquire("long-job", limit=1)
    for _ in range(5):
        clock[0] += jobs.LEASE_S * 0.8
        store.renew("long-job")
    assert not store.acquire("other", limit=1)

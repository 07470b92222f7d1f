"""The model store: each learner's newest few models, kept for a set time, all of them
under a size cap (oldest evicted first), and never shown to another learner."""

from __future__ import annotations

import shutil

import pytest

from app.services.jobs import DiskKV, RedisKV
from app.services.tinygpt.store import ModelStore

ANA, BEN = "learner-ana-0001", "learner-ben-0002"


class Clock:
    def __init__(self, now: float = 1_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def run_id(n: int) -> str:
    return f"{n:012x}"


@pytest.fixture(params=["disk", "redis"])
def kv(request, tmp_path):
    if request.param == "disk":
        import diskcache

        cache = diskcache.Cache(str(tmp_path), eviction_policy="none")
        yield DiskKV(cache)
        cache.close()
        return
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    import subprocess

    import redis

    from tests.helpers import free_port, wait_until

    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)

    def up():
        try:
            return client.ping()
        except redis.exceptions.ConnectionError:
            return False

    try:
        wait_until(up, timeout=10)
        yield RedisKV(client)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def store(kv, clock, **limits):
    return ModelStore(kv, clock, **{"per_learner": 3, "ttl_s": 3600, "max_bytes": 10_000, **limits})


def test_a_learner_gets_back_their_own_model_with_its_label(kv):
    s = store(kv, Clock())
    s.put(ANA, "trained", run_id(1), b"weights", {"label": "2L·64d", "steps": 40})
    data, record = s.get(ANA, run_id(1))
    assert data == b"weights"
    assert (record.label, record.kind, record.meta) == ("2L·64d", "trained", {"steps": 40})
    assert [m.run_id for m in s.list(ANA)] == [run_id(1)]


def test_another_learner_never_sees_or_loads_it(kv):
    s = store(kv, Clock())
    s.put(ANA, "trained", run_id(1), b"ana's", {})
    assert s.get(BEN, run_id(1)) is None
    assert s.list(BEN) == []
    assert s.get(None, run_id(1)) is None
    assert s.get("x" * 200, run_id(1)) is None


@pytest.mark.parametrize("bad", ["../../etc/passwd", "0123", None, 7, "ABCDEFGHIJKL"])
def test_bad_ids_are_refused(kv, bad):
    s = store(kv, Clock())
    assert s.get(ANA, bad) is None
    with pytest.raises(ValueError):
        s.put(ANA, "trained", bad, b"x", {})
    assert s.list(ANA) == []


@pytest.mark.parametrize("bad", ["short", "has spaces in it", "<script>alert(1)", None, 7])
def test_bad_learner_ids_are_refused(kv, bad):
    s = store(kv, Clock())
    with pytest.raises(ValueError):
        s.put(bad, "trained", run_id(1), b"x", {})
    assert s.list(bad) == []


def test_models_expire_after_their_time(kv):
    clock = Clock()
    s = store(kv, clock, ttl_s=100)
    s.put(ANA, "trained", run_id(1), b"old", {})
    clock.now += 60
    s.put(ANA, "trained", run_id(2), b"new", {})
    clock.now += 50  # the first is 110 s old, the second 50 s
    assert s.get(ANA, run_id(1)) is None
    assert s.get(ANA, run_id(2))[0] == b"new"
    assert [m.run_id for m in s.list(ANA)] == [run_id(2)]


def test_each_learner_keeps_their_newest_few_of_each_kind(kv):
    clock = Clock()
    s = store(kv, clock, per_learner=3)
    for n in range(5):
        clock.now += 1
        s.put(ANA, "trained", run_id(n), b"t", {})
    clock.now += 1
    s.put(ANA, "finetuned", run_id(100), b"f", {})
    s.put(BEN, "trained", run_id(200), b"b", {})
    assert [m.run_id for m in s.list(ANA, ("trained",))] == [run_id(4), run_id(3), run_id(2)]
    assert [m.run_id for m in s.list(ANA, ("finetuned",))] == [run_id(100)]
    assert s.get(ANA, run_id(0)) is None  # evicted, bytes gone too
    assert s.get(BEN, run_id(200)) is not None  # another learner's runs do not push Ana's out


def test_the_total_size_cap_evicts_the_oldest_first(kv):
    clock = Clock()
    s = store(kv, clock, max_bytes=250)
    for n, who in enumerate([ANA, BEN, ANA]):
        clock.now += 1
        s.put(who, "trained", run_id(n), b"x" * 100, {})
    # 300 bytes > 250: the oldest (Ana's first) goes, the two newest stay
    assert s.get(ANA, run_id(0)) is None
    assert s.get(BEN, run_id(1)) is not None
    assert s.get(ANA, run_id(2)) is not None
    assert s.total_bytes() == 200

"""Data engineering (app/core/dataeng), the model chooser and the scaling fit."""

import numpy as np
import pytest

from app.core.dataeng.mixture_epochs import epochs, source_tokens
from app.core.dataeng.packing import (
    boundary_mask,
    packed_row_documents,
    packing_stats,
    padding_stats,
)
from app.core.dataeng.shards import flip_byte, verify_shards, write_shards
from app.core.dataeng.throughput import docs_per_second, documents, peak_memory
from app.core.gpus import get_gpu
from app.core.mixtures import get_mixture
from app.core.scaling import bootstrap_band, fit_power_law, reference_runs, usable_runs
from app.core.selection import choose, cost_per_million_tokens, open_models, pareto_front


def test_manifest_check_catches_a_flipped_byte_and_names_the_shard():
    shards, manifest = write_shards(np.arange(1000) % 500, 300)
    assert len(shards) == 4 and verify_shards(shards, manifest) == []
    broken = flip_byte(shards, "shard-00002.bin", 17)
    problems = verify_shards(broken, manifest)
    assert len(problems) == 1 and problems[0].startswith("shard-00002.bin")
    missing = {k: v for k, v in shards.items() if k != "shard-00001.bin"}
    assert verify_shards(missing, manifest) == ["shard-00001.bin: missing."]


def test_padding_and_packing_by_hand():
    # lengths 2, 5, 3 at seq_len 4: padding rows hold 2+4+3 = 9 of 12 slots, 1 token cut
    pad = padding_stats([2, 5, 3], 4)
    assert pad.pad_share == pytest.approx(3 / 12) and pad.truncated_share == pytest.approx(0.1)
    # packing with one end token each: 3+6+4 = 13 tokens -> 4 rows of 4, 3 slots empty
    pack = packing_stats([2, 5, 3], 4)
    assert pack.rows == 4 and pack.pad_share == pytest.approx(3 / 16)
    docs = packed_row_documents([2, 5, 3], 4, row=0)
    assert docs.tolist() == [0, 0, 0, 1]
    mask = boundary_mask(docs)
    assert mask[2, 0] and not mask[3, 2] and mask[3, 3] and not mask[0, 1]


def test_llama_weights_give_back_the_epochs_llama_printed():
    """Touvron et al. 2023, Table 1: the sizes derived from it reproduce its epochs."""
    m = get_mixture("llama1")
    got = epochs({c.name: c.share_percent for c in m.components}, source_tokens(), 1.4e12)
    for c in m.components:
        assert got[c.name] == pytest.approx(c.epochs)
    doubled = epochs({c.name: c.share_percent for c in m.components}, source_tokens(), 2.8e12)
    assert doubled["Wikipedia"] == pytest.approx(2 * 2.45)


def test_throughput_and_memory_are_measured():
    texts = documents(20)
    assert docs_per_second("quality", texts) > 0
    with pytest.raises(ValueError):
        docs_per_second("quality", texts, workers=99)
    stream, n1 = peak_memory(200, streaming=True)
    loaded, n2 = peak_memory(200, streaming=False)
    assert n1 == n2 == 200 and loaded > stream


def test_open_models_table_is_sourced_and_the_chooser_explains_misfits():
    for m in open_models():
        assert m.source and m.source_url.startswith("https://")
    h100 = get_gpu("H100 SXM")
    cands = choose(h100, 1, context=4096, batch=1)
    by_name = {c.model.name: c for c in cands}
    assert by_name["Mistral 7B"].fits
    assert not by_name["Llama 3.1 405B"].fits
    assert any("GB" in r for r in by_name["Llama 3.1 405B"].reasons)
    permissive = {c.model.name for c in choose(h100, 8, licence="permissive") if c.fits}
    assert permissive <= {"Mistral 7B", "Mixtral 8x7B"}


def test_cost_per_million_tokens_and_pareto_front():
    # one $3.60/h GPU at 1,000 tokens/s: 3.6M tokens per hour -> $1 per million
    assert cost_per_million_tokens(3.6, 1, 1000) == pytest.approx(1.0)
    assert pareto_front([(1, 50), (2, 40), (3, 70), (0.5, 30)]) == [3, 0, 2]


def test_power_law_fit_recovers_the_exponent_and_the_band_covers_the_truth():
    n = np.array([1e4, 2e4, 5e4, 1e5, 2e5])
    loss = (3e8 / n) ** 0.076 * np.exp(np.random.default_rng(0).normal(0, 0.003, 5))
    fit = fit_power_law(n, loss)
    assert fit.alpha == pytest.approx(0.076, abs=0.01)
    lo, mid, hi = bootstrap_band(n, loss, [1e6])
    assert lo[0] <= (3e8 / 1e6) ** 0.076 <= hi[0]
    with pytest.raises(ValueError, match="two different sizes"):
        fit_power_law([1e4, 1e4], [2.0, 2.1])


def test_reference_runs_are_usable_and_records_without_params_are_skipped():
    runs = reference_runs()["runs"]
    assert len(usable_runs(runs)) >= 3
    assert usable_runs([{"final_val_loss": 2.0}]) == []


def test_inside_a_daemonic_job_runner_only_the_single_process_is_measured(monkeypatch):
    """Celery's prefork workers are daemonic and may not start child processes."""
    from types import SimpleNamespace

    from app.core.dataeng import throughput

    monkeypatch.setattr(throughput.mp, "current_process", lambda: SimpleNamespace(daemon=True))
    out = throughput.measure_steps(documents(10), 2)
    assert set(out["one"]) == set(throughput.STEPS) and out["many"] == {}
    assert "cannot start worker processes" in out["no_workers"]

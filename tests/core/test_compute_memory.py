"""Compute, scaling laws, memory and schedules against the papers' tables."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.compute import (
    chinchilla_loss,
    chinchilla_optimal,
    parametric_optimum,
    training_cost,
    training_flops,
    training_seconds,
)
from app.core.memory import activation_bytes_per_layer, model_state_bytes, training_memory
from app.core.presets import get_preset
from app.core.schedules import learning_rate, schedule_curve

# Hoffmann et al. 2022, Table 3: (parameters, FLOPs, tokens).
CHINCHILLA_TABLE_3 = [
    (400e6, 1.92e19, 8.0e9),
    (1e9, 1.21e20, 20.2e9),
    (10e9, 1.23e22, 205.1e9),
    (67e9, 5.76e23, 1.5e12),
    (175e9, 3.85e24, 3.7e12),
    (280e9, 9.90e24, 5.9e12),
    (520e9, 3.43e25, 11.0e12),
    (1e12, 1.27e26, 21.2e12),
    (10e12, 1.30e28, 216.2e12),
]


@pytest.mark.parametrize(("params", "flops", "tokens"), CHINCHILLA_TABLE_3)
def test_chinchilla_optimal_reproduces_table_3(params, flops, tokens):
    n, d = chinchilla_optimal(flops)
    assert n == pytest.approx(params, rel=0.02)
    assert d == pytest.approx(tokens, rel=0.06)  # the table rounds tokens (67B: 1.43T → 1.5T)


def test_gpt3_training_compute_is_3_14e23_flops():
    # Brown et al. 2020, Table D.1: 3.64E+03 PF-days = 3.14e23 FLOPs for 175B on 300B tokens.
    assert training_flops(174.6e9, 300e9) == pytest.approx(3.64e3 * 1e15 * 86400, rel=0.01)


def test_chinchilla_loss_matches_the_fitted_formula_and_falls_with_scale():
    assert chinchilla_loss(70e9, 1.4e12) == pytest.approx(
        1.69 + 406.4 / 70e9**0.34 + 410.7 / 1.4e12**0.28
    )
    assert chinchilla_loss(70e9, 1.4e12) < chinchilla_loss(7e9, 1.4e12)


def test_parametric_optimum_minimises_loss_on_the_isoflop_curve():
    c = 5.76e23
    n, d = parametric_optimum(c)
    best = chinchilla_loss(n, d)
    for factor in (0.8, 1.25):
        assert chinchilla_loss(n * factor, c / (6 * n * factor)) > best


def test_training_time_and_cost():
    # 1e24 FLOPs on 1,000 H100s (989 TFLOP/s) at 40% MFU
    seconds = training_seconds(1e24, 1000, 989, 0.4)
    assert seconds == pytest.approx(1e24 / (1000 * 989e12 * 0.4))
    assert training_cost(1e24, 989, 0.4, 2.0) == pytest.approx(seconds * 1000 / 3600 * 2.0)
    with pytest.raises(ValueError, match="MFU"):
        training_seconds(1e24, 1000, 989, 1.5)


@pytest.mark.parametrize(
    ("stage", "gigabytes"),
    [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)],
)
def test_zero_paper_figure_1_memory_for_7_5b_on_64_gpus(stage, gigabytes):
    # Rajbhandari et al. 2020, Figure 1: Ψ = 7.5B, K = 12, Nd = 64.
    assert sum(model_state_bytes(7.5e9, dp=64, zero_stage=stage)) / 1e9 == pytest.approx(
        gigabytes, abs=0.05
    )


# Rajbhandari et al. 2020 (ZeRO), Table 1: per-device memory of model states in GB, for
# Ψ = 7.5B, 128B and 1T parameters with mixed-precision Adam (K = 12), by DP degree Nd;
# columns P_os, P_os+g, P_os+g+p. The paper rounds to 3 significant figures.
ZERO_TABLE_1 = {
    7.5e9: {
        1: (120, 120, 120),
        4: (52.5, 41.3, 30),
        16: (35.6, 21.6, 7.5),
        64: (31.4, 16.6, 1.88),
        256: (30.1, 15.4, 0.47),
        1024: (29.8, 15.1, 0.12),
    },
    128e9: {
        1: (2048, 2048, 2048),
        4: (896, 704, 512),
        16: (608, 368, 128),
        64: (536, 284, 32),
        256: (518, 263, 8),
        1024: (513, 259, 2),
    },
    1e12: {
        1: (16000, 16000, 16000),
        4: (7000, 5500, 4000),
        16: (4750, 2875, 1000),
        64: (4187, 2218, 250),
        256: (4046, 2054, 62.5),
        1024: (4011, 2013, 15.6),
    },
}


@pytest.mark.parametrize(
    ("n_params", "dp", "stage"),
    [(n, dp, z) for n, rows in ZERO_TABLE_1.items() for dp in rows for z in (1, 2, 3)],
)
def test_zero_paper_table_1_per_device_memory(n_params, dp, stage):
    published = ZERO_TABLE_1[n_params][dp][stage - 1]
    ours = sum(model_state_bytes(n_params, dp=dp, zero_stage=stage)) / 1e9
    assert ours == pytest.approx(published, rel=0.03)


def test_korthikanti_table_2_activation_formulas():
    s, b, h, a, t = 2048, 1, 12288, 96, 8
    sbh = s * b * h
    assert activation_bytes_per_layer(s, b, h, a) == sbh * (34 + 5 * a * s / h)
    assert activation_bytes_per_layer(s, b, h, a, tp=t) == sbh * (10 + 24 / t + 5 * a * s / (h * t))
    assert activation_bytes_per_layer(s, b, h, a, tp=t, sequence_parallel=True) == sbh * (
        34 / t + 5 * a * s / (h * t)
    )
    assert (
        activation_bytes_per_layer(s, b, h, a, tp=t, recompute="selective", sequence_parallel=True)
        == sbh * 34 / t
    )
    assert activation_bytes_per_layer(s, b, h, a, recompute="full") == 2 * sbh


@given(
    st.sampled_from(["gpt2", "llama-2-7b", "llama-3-8b"]),
    st.integers(1, 8),
    st.sampled_from([1, 2, 8, 64]),
)
def test_a_higher_zero_stage_never_uses_more_memory(name, micro_batch, dp):
    cfg = get_preset(name)
    totals = [training_memory(cfg, micro_batch, 1024, dp=dp, zero_stage=z).total for z in range(4)]
    assert totals == sorted(totals, reverse=True)


def test_bad_parallel_layouts_are_refused():
    cfg = get_preset("gpt2")
    with pytest.raises(ValueError, match="must divide the heads"):
        training_memory(cfg, 1, 1024, tp=5)
    with pytest.raises(ValueError, match="cannot exceed the layers"):
        training_memory(cfg, 1, 1024, pp=13)


def test_schedules_warm_up_then_decay_to_their_floor():
    kw = dict(peak_lr=3e-4, total_steps=1000, warmup_steps=100, min_lr_ratio=0.1)
    cos = schedule_curve("cosine", **kw)
    assert cos[99] == pytest.approx(3e-4) and cos[0] == pytest.approx(3e-6)
    assert cos[-1] == pytest.approx(3e-5, rel=1e-3)
    assert all(x >= y for x, y in zip(cos[100:], cos[101:], strict=False))
    wsd = schedule_curve("wsd", **kw)
    assert wsd[500] == 3e-4 and wsd[-1] < wsd[850]
    assert learning_rate("inverse_sqrt", 399, **kw) == pytest.approx(3e-4 * math.sqrt(100 / 400))
    with pytest.raises(ValueError):
        learning_rate("cosine", 0, peak_lr=1e-3, total_steps=10, warmup_steps=20)

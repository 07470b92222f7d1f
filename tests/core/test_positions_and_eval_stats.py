"""Position encodings, the causal mask, and comparing two benchmark scores."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.evaluation import difference_interval, questions_to_separate
from app.core.positions import causal_mask, rope_angles, rope_rotate, sinusoidal_encoding


def test_sinusoidal_encoding_follows_vaswani_section_3_5():
    pe = sinusoidal_encoding(50, 16)
    pos, i = 7, 3  # dimension pair i: columns 2i (sin) and 2i+1 (cos)
    assert pe[pos, 2 * i] == pytest.approx(math.sin(pos / 10_000 ** (2 * i / 16)))
    assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(pos / 10_000 ** (2 * i / 16)))
    assert np.all(pe[0, 1::2] == 1) and np.all(pe[0, 0::2] == 0)


def test_rope_scores_depend_only_on_the_distance_between_positions():
    # Su et al. 2021, eq. 16: <R_m q, R_n k> is a function of m − n only.
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=32), rng.normal(size=32)
    near = rope_rotate(q, 10) @ rope_rotate(k, 7)
    far_shifted = rope_rotate(q, 110) @ rope_rotate(k, 107)
    assert near == pytest.approx(far_shifted)
    assert np.linalg.norm(rope_rotate(q, 99)) == pytest.approx(np.linalg.norm(q))


def test_rope_first_pair_turns_one_radian_per_position():
    angles = rope_angles(4, 8)
    assert angles[:, 0].tolist() == [0, 1, 2, 3]
    assert angles[3, 1] == pytest.approx(3 * 10_000 ** (-2 / 8))


def test_causal_mask_is_lower_triangular():
    m = causal_mask(4)
    assert m.sum() == 10 and m[2, 3] == False and m[3, 2] == True  # noqa: E712


@pytest.mark.parametrize("bad", [(0, 8), (4, 7), (4, 0)])
def test_position_shapes_are_checked(bad):
    with pytest.raises(ValueError):
        sinusoidal_encoding(*bad)


def test_a_four_point_gap_is_noise_on_100_questions_but_real_on_mmlu():
    diff, half = difference_interval(0.70, 0.66, 100)
    assert diff == pytest.approx(0.04) and half > diff
    diff, half = difference_interval(0.70, 0.66, 14_042)  # MMLU test set size
    assert half < diff


@given(st.floats(0.05, 0.95), st.floats(0.01, 0.2))
def test_questions_to_separate_is_where_the_interval_stops_covering_zero(p, gap):
    q = max(0.0, p - gap)
    gap = p - q
    n = questions_to_separate(p, q)
    _, half = difference_interval(p, q, n)
    assert half <= gap + 1e-12
    if n > 1:
        _, half_before = difference_interval(p, q, n - 1)
        assert half_before > gap - 1e-12


def test_equal_scores_can_never_be_separated():
    with pytest.raises(ValueError, match="equal"):
        questions_to_separate(0.5, 0.5)


def test_minhash_estimate_tracks_jaccard_similarity():
    from app.core.data.dedup import estimated_similarity, jaccard, minhash_signature, shingles

    words = [f"w{i}" for i in range(300)]
    a = shingles(" ".join(words), 3)
    b = shingles(" ".join(words[:200] + [f"x{i}" for i in range(100)]), 3)
    true = jaccard(a, b)
    estimate = estimated_similarity(minhash_signature(a, 512), minhash_signature(b, 512))
    # Broder 1997: each hash agrees with probability J; 512 hashes → standard error ≤ 0.022
    assert abs(estimate - true) < 0.07


def test_lsh_threshold_of_fineweb_bands():
    from app.core.data.dedup import match_probability, threshold

    # 14 bands × 8 rows (FineWeb): steepest near 0.72; 0.8-similar pages are caught 92.4%
    assert threshold(14, 8) == pytest.approx(0.719, abs=1e-3)
    assert match_probability(0.8, 14, 8) == pytest.approx(0.924, abs=1e-3)

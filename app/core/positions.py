"""Position encodings and the causal mask, as arrays to look at.

- Sinusoidal: Vaswani et al. 2017, section 3.5: PE(pos, 2i) = sin(pos / 10000^(2i/d)),
  PE(pos, 2i+1) = cos(pos / 10000^(2i/d)).
- RoPE: Su et al. 2021, eq. 15: dimension pair i of a query or key at position m is rotated
  by the angle m·θ_i with θ_i = base^(−2i/d), base 10000 (Llama 3 uses 500000).
"""

from __future__ import annotations

import numpy as np


def _check(n_positions: int, dim: int) -> None:
    if n_positions < 1 or dim < 2 or dim % 2:
        raise ValueError("Need at least one position and an even number of dimensions ≥ 2.")


def sinusoidal_encoding(n_positions: int, dim: int, base: float = 10_000.0) -> np.ndarray:
    """(n_positions, dim) matrix of sines (even columns) and cosines (odd columns)."""
    _check(n_positions, dim)
    pos = np.arange(n_positions)[:, None]
    freqs = base ** (-np.arange(0, dim, 2) / dim)
    out = np.empty((n_positions, dim))
    out[:, 0::2] = np.sin(pos * freqs)
    out[:, 1::2] = np.cos(pos * freqs)
    return out


def rope_angles(n_positions: int, dim: int, base: float = 10_000.0) -> np.ndarray:
    """(n_positions, dim/2) rotation angles m·θ_i, in radians."""
    _check(n_positions, dim)
    theta = base ** (-np.arange(0, dim, 2) / dim)
    return np.arange(n_positions)[:, None] * theta


def rope_rotate(x: np.ndarray, position: int, base: float = 10_000.0) -> np.ndarray:
    """Rotate vector `x` (even length) as RoPE does at `position`."""
    angles = rope_angles(position + 1, x.shape[-1], base)[position]
    even, odd = x[0::2], x[1::2]
    out = np.empty_like(x, dtype=float)
    out[0::2] = even * np.cos(angles) - odd * np.sin(angles)
    out[1::2] = even * np.sin(angles) + odd * np.cos(angles)
    return out


def causal_mask(n: int) -> np.ndarray:
    """(n, n) boolean matrix: True where query i may attend to key j (j ≤ i)."""
    if n < 1:
        raise ValueError("Need at least one token.")
    return np.tril(np.ones((n, n), dtype=bool))

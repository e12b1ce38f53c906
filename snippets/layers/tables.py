"""The computed sentence of docs/layers.md about memory (made at build time, not shown as code)."""

from __future__ import annotations

from snippets.shared.checks import count


def generalized_jacobian_bytes(m: int, n: int) -> int:
    """Bytes of dy/dvec(W) in float64 for a linear layer with W of shape (m, n): m * (m n) numbers."""
    m, n = count("m", m, 1), count("n", n, 1)
    return m * (m * n) * 8  # 8 bytes per float64

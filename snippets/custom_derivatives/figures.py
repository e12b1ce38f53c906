"""The figure of docs/custom-derivatives.md (drawn at build time, not shown as code): the memory
of reverse mode with and without checkpoints, measured on the site's own tape
(``snippets/forward_reverse/autodiff.py``, the one the page "Forward and reverse mode" builds)."""

from __future__ import annotations

import math

import numpy as np

from snippets.forward_reverse.tables import site_autodiff
from snippets.shared.checks import count, finite_array

W, B = [[0.9, -0.5], [0.5, 0.9]], [0.1, -0.1]  # the layer of the page's checkpointing examples


def layer(x):
    """tanh(W x + b) on R^2, written for floats and for the tape's variables."""
    return [np.tanh(W[i][0] * x[0] + W[i][1] * x[1] + B[i]) for i in range(2)]


def chain(x, layers: int):
    for _ in range(layers):
        x = layer(x)
    return x


def tape_vjp(x, u, layers: int, every: int | None = None) -> tuple[np.ndarray, int, int]:
    """u^T J of ``layers`` layers at x on the site's tape: (VJP, most values stored at once, layer runs).

    every=None records all layers at once; otherwise only the input of each segment of ``every``
    layers is kept (2 numbers each) and each segment is recorded again on the way back.
    """
    ad = site_autodiff()
    layers, x, u = count("layers", layers), finite_array("x", x, shape=(2,)), finite_array("u", u, shape=(2,))
    runs = 0

    def counted(z, n):
        nonlocal runs
        runs += n
        return chain(z, n)

    if every is None:
        tape, inputs, outputs = ad.record(lambda z: counted(z, layers), x)
        return ad.backward(tape, inputs, outputs, u), len(tape), runs
    every = count("every", every)
    if layers % every:
        raise ValueError(f"every must divide layers ({layers}), got {every}")
    checkpoints = []
    for _ in range(layers // every):
        checkpoints.append(x)
        x = np.array(counted(list(x), every), dtype=float)
    peak = 0
    for x_in in reversed(checkpoints):
        tape, inputs, outputs = ad.record(lambda z: counted(z, every), x_in)
        peak = max(peak, len(tape) + 2 * len(checkpoints))
        u = ad.backward(tape, inputs, outputs, u)
    return u, peak, runs


SQUARES = (4, 16, 36, 64, 100, 144)  # numbers of layers L, so that every = sqrt(L) divides L


def memory_curves(squares=SQUARES) -> dict[str, list[int]]:
    """Most values stored at once, for L layers: all recorded, and in segments of sqrt(L) layers."""
    x, u = [0.5, -1.0], [1.0, 1.0]
    plain = [tape_vjp(x, u, L)[1] for L in squares]
    checkpointed = [tape_vjp(x, u, L, math.isqrt(L))[1] for L in squares]
    return {"layers": list(squares), "plain": plain, "checkpointed": checkpointed}


def memory_figure():
    """Stored values against the number of layers, with and without checkpoints every sqrt(L) layers."""
    import matplotlib.pyplot as plt

    curves = memory_curves()
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    ax.plot(curves["layers"], curves["plain"], "o-", color="#b2182b", label="whole chain on the tape")
    ax.plot(curves["layers"], curves["checkpointed"], "s--", color="#1f4e9c",
            label="checkpoint every √L layers")
    for L, v in zip(curves["layers"][-1:], curves["plain"][-1:]):
        ax.annotate(f"{v}", (L, v), textcoords="offset points", xytext=(-14, 6), fontsize=9)
    for L, v in zip(curves["layers"][-1:], curves["checkpointed"][-1:]):
        ax.annotate(f"{v}", (L, v), textcoords="offset points", xytext=(-14, 8), fontsize=9)
    ax.set_xlabel("number of layers L")
    ax.set_ylabel("values stored at once")
    ax.set_ylim(0, 1.12 * max(curves["plain"]))
    ax.legend(fontsize=9, frameon=False)
    fig.tight_layout()
    return fig

"""The table of docs/forward-reverse.md: passes of each mode, counted while computing J.

Built at build time (not shown as code) and used by ``benchmarks/autodiff_modes.py``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
from collections.abc import Callable
from types import ModuleType

import numpy as np

from snippets.shared.checks import finite_array, function


def site_autodiff() -> ModuleType:
    """The site's AD, ``snippets/forward_reverse/autodiff.py``, imported with its printing silenced.

    That file is also the page's chain of example blocks, so importing it the first time runs
    the examples; what they print belongs on the page (markdown-exec runs them there), not in
    a build log or a benchmark's table.
    """
    with contextlib.redirect_stdout(io.StringIO()):
        return importlib.import_module("snippets.forward_reverse.autodiff")


class CountingFunction:
    """Wrap f to count how many times it is evaluated (one evaluation = one pass)."""

    def __init__(self, f: Callable):
        self.f, self.calls = function("f", f), 0

    def __call__(self, x):
        self.calls += 1
        return self.f(x)


def pass_counts(f: Callable, x) -> dict[str, int]:
    """Passes each mode needs for the full Jacobian of f at x, counted while computing it.

    forward: evaluations of f on dual numbers; reverse: one recorded evaluation plus one
    backward sweep per output. Raises AssertionError if the two Jacobians disagree.
    """
    ad = site_autodiff()
    counted = CountingFunction(f)
    x = finite_array("x", x, ndim=1)
    J_fwd = ad.jacobian_forward(counted, x)
    forward_passes = counted.calls
    counted.calls = 0
    tape, inputs, outputs = ad.record(counted, x)
    rows = []
    for e in np.eye(len(outputs)):
        rows.append(ad.backward(tape, inputs, outputs, e))
    J_rev = np.stack(rows)
    # A table of counts is only worth printing if both modes computed the same matrix.
    if not np.allclose(J_fwd, J_rev, rtol=1e-10, atol=1e-12):
        raise AssertionError("forward and reverse mode disagree")
    m, n = J_fwd.shape
    return {"m": m, "n": n, "forward_passes": forward_passes, "reverse_recordings": counted.calls,
            "reverse_sweeps": len(rows)}


def counts_table_markdown(seed: int = 0) -> str:
    """The page's table of pass counts for ``tall`` and ``wide``, counted while computing J both ways."""
    ad = site_autodiff()
    rng = np.random.default_rng(seed)
    rows = ["| function | shape of J (m x n) | forward passes (JVPs) | reverse sweeps (VJPs) |",
            "| --- | --- | --- | --- |"]
    for name, f, n in [("`tall`, $m \\gg n$", ad.tall, 2), ("`wide`, $n \\gg m$", ad.wide, 200)]:
        c = pass_counts(f, rng.normal(size=n))
        rows.append(f"| {name} | ${c['m']} \\times {c['n']}$ | {c['forward_passes']} "
                    f"| {c['reverse_sweeps']} (after {c['reverse_recordings']} recording) |")
    return "\n".join(rows)

"""The figure of docs/numerical.md (drawn at build time, not shown as code): error against step size."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from snippets.shared.checks import choice, finite_array, function, positive

#: The precisions of the figure: the real type and the complex type each one computes in.
DTYPES = {"float64": (np.float64, np.complex128), "float32": (np.float32, np.complex64)}
METHODS = ("forward", "central", "complex")


def derivative_errors(f: Callable, df_exact: float, x: float, steps, method: str = "central",
                      dtype: str = "float64") -> np.ndarray:
    """|estimate - df_exact| of the derivative of a scalar f at x, one value per step h.

    Every operation runs in ``dtype`` ("float64" or "float32"): x, h, f's values and the
    difference quotient, so that round-off is that of the chosen precision.
    """
    function("f", f)
    choice("method", method, list(METHODS))
    choice("dtype", dtype, sorted(DTYPES))
    x = float(finite_array("x", x, ndim=0))
    df_exact = float(finite_array("df_exact", df_exact, ndim=0))
    steps = [positive("steps", h) for h in finite_array("steps", steps, ndim=1)]
    real, cplx = DTYPES[dtype]
    xr = real(x)
    errors = []
    for h in steps:
        hr = real(h)
        if method == "forward":
            estimate = (f(xr + hr) - f(xr)) / hr
        elif method == "central":
            estimate = (f(xr + hr) - f(xr - hr)) / (real(2) * hr)
        else:
            estimate = np.imag(f(cplx(xr + cplx(1j) * hr))) / hr
        errors.append(abs(float(estimate) - df_exact))
    return np.array(errors)


def step_error_figure():
    """Error of forward, central and complex-step estimates of d/dy (5x + sin y) = cos y at
    (1, 2) against the step h, in float64 and float32."""
    import matplotlib.pyplot as plt

    steps = np.logspace(-20, 0, 81)
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 4.0), sharey=True)
    # Central is drawn wider, complex step dashed on top of it: for large h the two coincide.
    styles = {"forward": ("#b2182b", "-", 1.6), "central": ("#2166ac", "-", 3.0), "complex": ("#1b7837", "--", 1.6)}
    for ax, dtype in zip(axes, DTYPES):
        eps = np.finfo(DTYPES[dtype][0]).eps
        for method, (colour, ls, lw) in styles.items():
            errors = derivative_errors(lambda y: 5 * 1 + np.sin(y), np.cos(2.0), 2.0, steps, method, dtype)
            ax.loglog(steps, np.maximum(errors, 1e-18), color=colour, ls=ls, lw=lw, label=method)
        ax.axhline(eps, color="#333333", lw=1.0, ls=":")
        ax.text(1e-19, eps * 3, f"machine epsilon {eps:.1e}", fontsize=10, color="#222222")
        ax.set_title(dtype, fontsize=12)
        ax.set_xlabel("step h", fontsize=11)
        ax.tick_params(labelsize=11)
        ax.grid(True, color="#dddddd", lw=0.5)
        ax.set_ylim(1e-18, 10)
    axes[0].set_ylabel("|estimate − cos 2|", fontsize=11)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=3, fontsize=11, frameon=False, bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return fig

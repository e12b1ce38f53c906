"""The figure of docs/implicit-differentiation.md (drawn at build time, not shown as code): the
solution curves of z^3 + z - theta = 0 (with its tangent at theta = 2) and of
z^3 - z - theta = 0 (with its two folds, where dF/dz = 0)."""

from __future__ import annotations

import numpy as np

THETA0, Z0 = 2.0, 1.0  # the worked example: 1 + 1 - 2 = 0
SLOPE0 = 1 / (3 * Z0**2 + 1)  # dz*/dtheta there, by the implicit function theorem
Z_FOLD = 1 / np.sqrt(3)  # 3 z^2 - 1 = 0
FOLDS = [(-(2 / (3 * np.sqrt(3))), Z_FOLD), (2 / (3 * np.sqrt(3)), -Z_FOLD)]  # (theta, z)


def solution_curves(points: int = 201) -> dict[str, np.ndarray]:
    """Points (theta, z) with F(z, theta) = 0: theta is explicit in z for both equations."""
    z = np.linspace(-1.4, 1.4, points)
    return {"z": z, "theta_monotone": z**3 + z, "theta_fold": z**3 - z}


def solution_figure():
    """Two panels: a solution map with its tangent line, and a curve that folds."""
    import matplotlib.pyplot as plt

    c = solution_curves()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.2))
    left.plot(c["theta_monotone"], c["z"], color="#1f4e9c", lw=2, label="z*(θ)")
    t = np.linspace(THETA0 - 1.6, THETA0 + 1.6, 2)
    left.plot(t, Z0 + SLOPE0 * (t - THETA0), "--", color="#b2182b", label="tangent, slope 1/4")
    left.plot([THETA0], [Z0], "o", color="black")
    left.annotate("(θ, z) = (2, 1)", (THETA0, Z0), textcoords="offset points", xytext=(6, -14), fontsize=9)
    left.set_title("F(z, θ) = z³ + z − θ", fontsize=10)
    right.plot(c["theta_fold"], c["z"], color="#1f4e9c", lw=2, label="z³ − z = θ")
    for theta, z in FOLDS:
        right.plot([theta], [z], "o", color="#b2182b")
        right.axvline(theta, color="#b2182b", lw=0.8, ls=":")
    right.annotate("folds: ∂F/∂z = 0,\ntwo roots merge", (FOLDS[1][0], FOLDS[1][1]), textcoords="offset points",
                   xytext=(8, -4), fontsize=9)
    right.set_title("F(z, θ) = z³ − z − θ", fontsize=10)
    for ax, corner in ((left, "lower right"), (right, "upper left")):
        ax.set_xlabel("θ")
        ax.set_ylabel("z")
        ax.axhline(0, color="0.8", lw=0.6)
        ax.axvline(0, color="0.8", lw=0.6)
        ax.legend(fontsize=8, frameon=False, loc=corner)
    fig.tight_layout()
    return fig

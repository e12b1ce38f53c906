"""The figure of docs/jacobian-norms.md (drawn at build time, not shown as code)."""

from __future__ import annotations

import numpy as np

from snippets.shared.running_example import seed_jacobian

SIZES = [4, 16, 16, 3]
POINT = np.array([0.5, -1.0, 0.3, 2.0])


def mlp_jacobian(x: np.ndarray = POINT, seed: int = 3) -> np.ndarray:
    """The 3 x 4 input Jacobian W_3 D_2 W_2 D_1 W_1 of the page's MLP (weights drawn with seed)."""
    rng = np.random.default_rng(seed)
    Ws = [rng.standard_normal((m, n)) / np.sqrt(n) for n, m in zip(SIZES[:-1], SIZES[1:])]
    bs = [0.1 * rng.standard_normal(m) for m in SIZES[1:]]
    h, J = x, np.eye(x.size)
    for W, b in zip(Ws[:-1], bs[:-1]):
        h = np.tanh(W @ h + b)
        J = (1 - h**2)[:, None] * (W @ J)
    return Ws[-1] @ J


def power_history(J: np.ndarray, steps: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """tan of the angle between v_k and v_1, and the relative error of ||J v_k||, for k = 0..steps,
    starting from the page's random unit vector (the shown block's start)."""
    _, sigma, Vt = np.linalg.svd(J)
    v = np.random.default_rng(seed).standard_normal(J.shape[1])
    v /= np.linalg.norm(v)
    tangent, error = [], []
    for k in range(steps + 1):
        if k:
            w = J.T @ (J @ v)
            v = w / np.linalg.norm(w)
        cos = Vt[0] @ v
        tangent.append(np.linalg.norm(v - cos * Vt[0]) / abs(cos))  # accurate for small angles too
        error.append((sigma[0] - np.linalg.norm(J @ v)) / sigma[0])
    return np.array(tangent), np.array(error)


def norms_figure(steps: int = 12):
    """Left: the unit circle and its image under J_f(1, 2), an ellipse with semi-axes sigma_i u_i.
    Right: power iteration on the MLP's Jacobian, measured, against the bounds of the page."""
    import matplotlib.pyplot as plt

    J = seed_jacobian(np.array([1.0, 2.0]))
    U, sigma, Vt = np.linalg.svd(J)
    t = np.linspace(0, 2 * np.pi, 241)
    circle = np.stack([np.cos(t), np.sin(t)], axis=1)
    fig, axes = plt.subplots(1, 2, figsize=(9.6, 4.2), gridspec_kw={"width_ratios": [1, 1.15]})
    ax = axes[0]
    ax.plot(*circle.T, color="#777777", lw=1.4, ls=(0, (4, 3)), label="unit circle, ‖v‖ = 1")
    ax.plot(*(circle @ J.T).T, color="#2166ac", lw=2.2, label="its image J v")
    for k, colour in enumerate(("#b2182b", "#1b7837")):
        ax.annotate("", xy=sigma[k] * U[:, k], xytext=(0, 0),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2.0})
        ax.plot([], [], color=colour, lw=2.0, label=f"σ{'₁₂'[k]} u{'₁₂'[k]}, σ{'₁₂'[k]} = {sigma[k]:.3f}")
    ax.set_aspect("equal")
    ax.set_xlim(-8, 8)
    ax.set_ylim(-8, 8)
    ax.set_title("J_f(1, 2) maps the unit circle\nto an ellipse", fontsize=12)
    ax.legend(fontsize=10, loc="upper left")
    ax.tick_params(labelsize=11)

    J = mlp_jacobian()
    sigma = np.linalg.svd(J, compute_uv=False)
    rate = sigma[1] / sigma[0]
    tangent, error = power_history(J, steps)
    k = np.arange(steps + 1)
    ax = axes[1]
    ax.semilogy(k, tangent, "o", color="#2166ac", ms=5, label="tan ∠(v_k, v₁), measured")
    ax.semilogy(k, tangent[0] * rate ** (2 * k), color="#2166ac", lw=1.2, label="tan ∠(v₀, v₁) (σ₂/σ₁)^(2k)")
    keep = error > 0
    ax.semilogy(k[keep], error[keep], "s", color="#b2182b", ms=5, label="relative error of ‖J v_k‖")
    ax.semilogy(k, tangent[0] ** 2 * rate ** (4 * k), color="#b2182b", lw=1.2, ls=(0, (4, 3)),
                label="tan² ∠(v₀, v₁) (σ₂/σ₁)^(4k)")
    ax.set_xlabel("power step k (one JVP and one VJP each)", fontsize=12)
    ax.set_title(f"power iteration on the MLP's Jacobian,\nσ₂/σ₁ = {rate:.3f}", fontsize=12)
    ax.legend(fontsize=10, loc="lower left")
    ax.tick_params(labelsize=11)
    fig.tight_layout()
    return fig

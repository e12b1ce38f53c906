"""The interactive Jacobian explorer: its three functions, their Jacobians, and its HTML.

The figure itself is JavaScript (docs/javascripts/jacobian-explorer.js). This module is its
reference: the functions and Jacobians in NumPy, the largest linearization error on the
figure's grid, and :func:`explorer_html`, which returns the figure's container for a page
(docs/linear-map.md and docs/determinant.md embed it). The container holds

- a still image of the figure made here at build time (shown when JavaScript is off),
- a text summary with the numbers computed here,
- the sample data the browser tests compare the JavaScript against, as JSON in a
  ``<script type="application/json" class="jx-data">`` element: sample points p with f(p),
  J_f(p), det J_f(p) and the linearization error, all computed by this module.

The arithmetic below is written out entry by entry, in the same order as in the JavaScript,
so the two agree to rounding (no BLAS, no FMA differences). Every input check goes through
:mod:`snippets.shared.checks`, so an error names the argument and a list works like an array.
"""

from __future__ import annotations

import html
import json
import math

import numpy as np

from snippets.shared import checks
from snippets.shared.running_example import as_point, seed_f, seed_jacobian

#: The functions the reader can pick, in the order the figure lists them.
FUNCTIONS = ("seed", "polar", "layer")

#: The fixed weights and bias of the small neural-network layer (x, y) -> tanh(W (x, y) + b).
LAYER_W = np.array([[1.5, -1.0], [0.75, 1.25]])
LAYER_B = np.array([0.25, -0.5])

#: Where each function starts (the seed starts at the worked example (1, 2)).
DEFAULT_POINT = {"seed": (1.0, 2.0), "polar": (2.0, 0.5), "layer": (0.5, -0.5)}

#: The input window shown in the figure; p stays inside it.
VIEW = (-3.0, 3.0)
#: The grid radius h: slider range, step and start value.
RADIUS_MIN, RADIUS_MAX, RADIUS_STEP, RADIUS_DEFAULT = 0.05, 1.0, 0.05, 0.5
#: The grid has GRID_N lines in each direction; the error is measured at its GRID_N^2 nodes.
GRID_N = 7
#: Arrow keys move p by KEY_STEP (with Shift: KEY_STEP_FINE); a drag snaps p to SNAP.
KEY_STEP, KEY_STEP_FINE, SNAP = 0.1, 0.01, 0.01

LABELS = {
    "seed": "the seed example f(x, y) = (x²y, 5x + sin y)",
    "polar": "polar to Cartesian (r, θ) ↦ (r cos θ, r sin θ)",
    "layer": "a neural-network layer (x, y) ↦ tanh(W(x, y) + b)",
}
INPUT_NAMES = {"seed": ("x", "y"), "polar": ("r", "θ"), "layer": ("x", "y")}


def _function_name(arg: str, value) -> str:
    """``value`` if it names one of :data:`FUNCTIONS`, else an error naming the argument ``arg``."""
    if not isinstance(value, str):
        raise TypeError(f"{arg} must be a function name (str), got {type(value).__name__}")
    return checks.choice(arg, value, FUNCTIONS)


def explorer_f(name: str, p: np.ndarray) -> np.ndarray:
    """The value f(p) of the function ``name`` ("seed", "polar" or "layer") at p = (x, y)."""
    name = _function_name("name", name)
    x, y = as_point(p)
    if name == "seed":
        return seed_f((x, y))
    if name == "polar":
        return np.array([x * np.cos(y), x * np.sin(y)])
    (w00, w01), (w10, w11) = LAYER_W
    z0 = w00 * x + w01 * y + LAYER_B[0]
    z1 = w10 * x + w11 * y + LAYER_B[1]
    return np.array([np.tanh(z0), np.tanh(z1)])


def explorer_jacobian(name: str, p: np.ndarray) -> np.ndarray:
    """The 2 x 2 Jacobian J_f(p) of the function ``name`` at p = (x, y)."""
    name = _function_name("name", name)
    x, y = as_point(p)
    if name == "seed":
        return seed_jacobian((x, y))
    if name == "polar":
        return np.array([[np.cos(y), -x * np.sin(y)], [np.sin(y), x * np.cos(y)]])
    (w00, w01), (w10, w11) = LAYER_W
    z0 = w00 * x + w01 * y + LAYER_B[0]
    z1 = w10 * x + w11 * y + LAYER_B[1]
    # tanh'(z) = 1 / cosh(z)^2, written so: 1 - tanh(z)^2 cancels badly for large |z|
    c0, c1 = np.cosh(z0), np.cosh(z1)
    s0, s1 = 1.0 / (c0 * c0), 1.0 / (c1 * c1)
    return np.array([[s0 * w00, s0 * w01], [s1 * w10, s1 * w11]])


def det2(J: np.ndarray) -> float:
    """det J = ad - bc of a 2 x 2 matrix [[a, b], [c, d]]: the factor by which the linear map J
    scales areas (negative: it flips orientation)."""
    J = checks.finite_array("J", J, shape=(2, 2))
    return float(J[0, 0] * J[1, 1] - J[0, 1] * J[1, 0])


def grid_offsets(radius: float, n: int = GRID_N) -> list[float]:
    """The n offsets -h, ..., h of the grid lines along one axis (h = radius)."""
    radius = checks.positive("radius", radius)
    n = checks.count("n", n, 2)
    return [-radius + 2 * radius * i / (n - 1) for i in range(n)]


def linearization_error(name: str, p: np.ndarray, radius: float, n: int = GRID_N) -> float:
    """max |f(p + v) - (f(p) + J_f(p) v)| over the n x n grid nodes v in [-h, h]^2 (h = radius).

    For a twice-differentiable f this shrinks like h^2: the error divided by h^2 tends to
    max |v^T H v| / 2 over the unit grid, where H holds the second derivatives.
    """
    x, y = as_point(p)
    fp = explorer_f(name, (x, y))
    J = explorer_jacobian(name, (x, y))
    worst = 0.0
    offsets = grid_offsets(radius, n)
    for vx in offsets:
        for vy in offsets:
            fq = explorer_f(name, (x + vx, y + vy))
            e0 = (fq[0] - fp[0]) - (J[0, 0] * vx + J[0, 1] * vy)
            e1 = (fq[1] - fp[1]) - (J[1, 0] * vx + J[1, 1] * vy)
            worst = max(worst, math.hypot(e0, e1))
    return worst


def sample_points(name: str, count: int = 6, seed: int = 7) -> list[tuple[float, float]]:
    """The default point of ``name`` and ``count`` random points of the window (seeded)."""
    name = _function_name("name", name)
    count = checks.count("count", count, 1)
    rng = np.random.default_rng([checks.count("seed", seed, 0), FUNCTIONS.index(name)])
    pts = rng.uniform(VIEW[0], VIEW[1], size=(count, 2))
    return [DEFAULT_POINT[name]] + [(float(a), float(b)) for a, b in pts]


def sample_record(name: str, p, radius: float) -> dict:
    """What the figure shows at p: f(p), J_f(p), det J_f(p) and the error for this radius."""
    p = as_point(p)
    J = explorer_jacobian(name, p)
    return {
        "function": name,
        "p": p.tolist(),
        "f": explorer_f(name, p).tolist(),
        "J": J.tolist(),
        "det": det2(J),
        "radius": checks.positive("radius", radius),
        "error": linearization_error(name, p, radius),
    }


def explorer_data() -> dict:
    """Everything the JavaScript needs besides its formulas, and the samples to test them."""
    radii = [RADIUS_MIN, 0.25, RADIUS_DEFAULT, RADIUS_MAX]
    samples = [
        sample_record(name, p, radii[i % len(radii)])
        for name in FUNCTIONS
        for i, p in enumerate(sample_points(name))
    ]
    return {
        "functions": list(FUNCTIONS),
        "labels": LABELS,
        "inputNames": {k: list(v) for k, v in INPUT_NAMES.items()},
        "defaultPoint": {k: list(v) for k, v in DEFAULT_POINT.items()},
        "layer": {"W": LAYER_W.tolist(), "b": LAYER_B.tolist()},
        "view": list(VIEW),
        "radius": {"min": RADIUS_MIN, "max": RADIUS_MAX, "step": RADIUS_STEP, "default": RADIUS_DEFAULT},
        "gridN": GRID_N,
        "keyStep": KEY_STEP,
        "keyStepFine": KEY_STEP_FINE,
        "snap": SNAP,
        "samples": samples,
    }


def static_figure(name: str, p=None, radius: float = RADIUS_DEFAULT):
    """The still image of the figure at p, a matplotlib Figure (explorer_html embeds it as SVG):
    the grid of radius h around p, its image under f and under the linear map, the arrows h e_k
    and h J_f(p) e_k, and the square of radius h moved to f(p)."""
    import matplotlib.pyplot as plt

    name = _function_name("name", name)
    p = as_point(DEFAULT_POINT[name] if p is None else p)
    radius = checks.positive("radius", radius)
    fp = explorer_f(name, p)
    J = explorer_jacobian(name, p)
    offsets = grid_offsets(radius)
    fine = np.linspace(-radius, radius, 25)
    ink, light = "#222222", "#888888"
    curved, linear, col1, col2 = "#0072b2", "#b34700", "#007a5a", "#a8307a"

    fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=(7.2, 3.6))
    u, w = INPUT_NAMES[name]
    for c in offsets:
        ax_in.plot(p[0] + np.full_like(fine, c), p[1] + fine, color=ink, lw=0.8)
        ax_in.plot(p[0] + fine, p[1] + np.full_like(fine, c), color=ink, lw=0.8)
        for line in (np.stack([np.full_like(fine, c), fine], 1), np.stack([fine, np.full_like(fine, c)], 1)):
            image = np.array([explorer_f(name, p + v) for v in line])
            ax_out.plot(image[:, 0], image[:, 1], color=curved, lw=1.2)
            lin = fp + line @ J.T
            ax_out.plot(lin[:, 0], lin[:, 1], color=linear, lw=1.0, ls="--")
    for k, colour in ((0, col1), (1, col2)):
        e = np.eye(2)[k] * radius
        ax_in.annotate("", p + e, p, arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.6})
        ax_out.annotate("", fp + J @ e, fp, arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.6})
    square = fp + radius * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]])
    ax_out.plot(square[:, 0], square[:, 1], color=light, lw=1.0, ls=":")
    ax_in.plot(*p, "o", color=ink, ms=5)
    ax_out.plot(*fp, "o", color=ink, ms=5)
    ax_in.set_xlim(*VIEW)
    ax_in.set_ylim(*VIEW)
    ax_in.set_xlabel(u)
    ax_in.set_ylabel(w)
    ax_in.set_title("input plane: grid around p", fontsize=10)
    ax_out.set_xlabel("f₁")
    ax_out.set_ylabel("f₂")
    ax_out.set_title("output plane: f (solid), linear map (dashed)", fontsize=10)
    ax_in.set_aspect("equal", adjustable="box")
    ax_out.set_aspect("equal", adjustable="datalim")
    for ax in (ax_in, ax_out):
        ax.grid(True, color=light, lw=0.3)
    fig.tight_layout()
    return fig


def fmt(value: float, digits: int = 3) -> str:
    """A number as the figure shows it: fixed decimals, a real minus sign, no negative zero."""
    value = float(checks.finite_array("value", value, ndim=0))
    text = f"{value:.{checks.count('digits', digits, 0)}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


def summary_text(name: str, p, radius: float = RADIUS_DEFAULT) -> str:
    """The figure's sentence about p: J, det J, its meaning, and the linearization error."""
    rec = sample_record(_function_name("name", name), p, radius)
    (a, b), (c, d) = rec["J"]
    det = rec["det"]
    if det > 0:
        meaning = f"near p, f scales areas by {fmt(abs(det))} and keeps orientation"
    elif det < 0:
        meaning = f"near p, f scales areas by {fmt(abs(det))} and flips orientation"
    else:
        meaning = "near p, f squashes areas flat"
    u, w = INPUT_NAMES[name]
    return (
        f"At p = ({u}, {w}) = ({fmt(rec['p'][0], 2)}, {fmt(rec['p'][1], 2)}): "
        f"J_f(p) = [[{fmt(a)}, {fmt(b)}], [{fmt(c)}, {fmt(d)}]], det J_f(p) = {fmt(det)}, so {meaning}. "
        f"On the grid of radius h = {fmt(radius, 2)}, f and its linear map differ by at most "
        f"{rec['error']:.3g} (error / h² = {rec['error'] / radius**2:.3g})."
    )


def explorer_html(function: str = "seed", caption: str | None = None) -> str:
    """The figure's HTML container for a page, starting on ``function``.

    ``caption`` replaces the default caption (the best local linear map) where a page uses the
    figure for something else, such as the determinant.

    Without JavaScript the reader gets the still image and the summary sentence; with it,
    docs/javascripts/jacobian-explorer.js replaces them with the live figure.
    """
    from snippets.shared.figures import svg_figure

    name = _function_name("function", function)
    if caption is not None and (not isinstance(caption, str) or not caption.strip()):
        raise ValueError(f"caption must be a non-empty string or None, got {caption!r}")
    p = DEFAULT_POINT[name]
    alt = (
        f"Still image of the Jacobian explorer for {LABELS[name]} at p = ({p[0]:g}, {p[1]:g}). "
        f"First panel, the input plane: a square grid of radius {RADIUS_DEFAULT:g} around p. "
        "Second panel, the output plane: its curved image under f "
        "and the parallelogram grid of the linear map v ↦ f(p) + J_f(p) v, with the columns "
        "of J (times the radius) as arrows."
    )
    data = json.dumps(explorer_data(), ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # The accessible name says what the figure is for on this page: its caption's first sentence.
    topic = (caption or "The best local linear map.").split(". ")[0].rstrip(".")
    topic = topic[0].lower() + topic[1:]
    caption = caption or (
        "The Jacobian as the best local linear map. Pick a function and move the point p "
        "(drag it, tap, or focus it and use the arrow keys). The input plane: a square "
        "grid of radius h around p, with the arrows h e₁ and h e₂. The output plane "
        "(centred on f(p), zoomed to fit): the curved image of the grid under f (solid), its "
        "image under the linear map v ↦ f(p) + J_f(p) v (dashed parallelogram grid), the same "
        "square moved to f(p) for comparison (dotted), and the arrows h J_f(p) e₁ and "
        "h J_f(p) e₂, the columns of the Jacobian times h. Shrink h: the error shrinks like h²."
    )
    return (
        f'<figure class="jx" data-jx-function="{name}" '
        f'aria-label="Interactive Jacobian explorer: {html.escape(topic, quote=True)}">'
        f'<div class="jx-static">{svg_figure(static_figure(name), alt=alt)}'
        f'<p class="jx-static-text">{html.escape(summary_text(name, p))} '
        "This is a still image; turn on JavaScript to move p, change the function and the radius.</p>"
        "</div>"
        f'<script type="application/json" class="jx-data">{data}</script>'
        f"<figcaption>{html.escape(caption)}</figcaption>"
        "</figure>"
    )

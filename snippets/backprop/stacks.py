"""Deep stacks of layers for the "vanishing and exploding" section of docs/backprop.md: cotangent
norms, the singular values of the input-output Jacobian, and the sentences and figures made from
them (computed at build time, not shown).

The page's block applies each layer's VJP; this module multiplies by each layer's full Jacobian
matrix instead, an independent route to the same numbers (the tests compare the two).
"""

from __future__ import annotations

import numpy as np

from snippets.shared.checks import choice, count, positive

GRADIENT_SCALES = (0.25, 1.0, 4.0)  # vanishing, the Glorot scale, exploding
HE_SCALE = float(np.sqrt(2.0))  # He et al.: variance 2 / n_in for ReLU
# Singular values of a computed product below this fraction of the largest are round-off, not signal:
# the product's error (measured against extended precision in the tests) is about 2e-15 of it.
ROUNDOFF_FLOOR = 1e-13
ACTIVATIONS = {  # activation and its derivative, as functions of the pre-activation
    "tanh": (np.tanh, lambda a: 1 - np.tanh(a) ** 2),
    "relu": (lambda a: np.maximum(a, 0.0), lambda a: (a > 0).astype(float)),
}


def layer_stack(scale: float, depth: int = 50, width: int = 100, seed: int = 0, residual: bool = False,
                activation: str = "tanh", orthogonal: bool = False):
    """Weights W_1..W_depth, the activations h_0..h_depth and a unit cotangent at the top, drawn in
    the order of the page's blocks (same seed, same numbers).

    Weights: entries N(0, scale^2 / width), or scale times a random orthogonal matrix. Plain layers:
    h_k = act(W_k h_(k-1)); residual blocks: h_k = h_(k-1) + act(W_k h_(k-1)).
    """
    scale = positive("scale", scale)
    depth, width, seed = count("depth", depth, 1), count("width", width, 1), count("seed", seed, 0)
    act = ACTIVATIONS[choice("activation", activation, ACTIVATIONS)][0]
    for name, flag in (("residual", residual), ("orthogonal", orthogonal)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {type(flag).__name__}")
    rng = np.random.default_rng(seed)
    Ws = []
    for _ in range(depth):
        if orthogonal:  # the orthogonal factor Q of a Gaussian matrix's QR: a random orthogonal matrix
            Ws.append(scale * np.linalg.qr(rng.normal(size=(width, width)))[0])
        else:
            Ws.append(rng.normal(0, scale / np.sqrt(width), (width, width)))
    hs = [rng.normal(size=width)]
    for W in Ws:
        branch = act(W @ hs[-1])
        hs.append(hs[-1] + branch if residual else branch)
    u = rng.normal(size=width)
    return Ws, hs, u / np.linalg.norm(u)


def layer_jacobians(Ws, hs, residual: bool = False, activation: str = "tanh") -> list[np.ndarray]:
    """J_k = diag(act'(W_k h_(k-1))) W_k for each layer (plus I for a residual block), bottom first."""
    d_act = ACTIVATIONS[activation][1]
    Js = [d_act(W @ h_in)[:, None] * W for W, h_in in zip(Ws, hs)]
    return [np.eye(len(J)) + J for J in Js] if residual else Js


def cotangent_norms(scale: float, depth: int = 50, width: int = 100, seed: int = 0, residual: bool = False,
                    activation: str = "tanh"):
    """(norms, bounds): ||u|| after 0, 1, ..., depth layers of the backward pass u <- J_k^T u from the
    top of the stack, and the bound prod ||W_k||_2 over the layers passed (a bound for plain
    layers only, where ||J_k|| <= ||W_k||)."""
    Ws, hs, u = layer_stack(scale, depth, width, seed, residual, activation)
    norms, bounds = [1.0], [1.0]
    for W, J in zip(reversed(Ws), reversed(layer_jacobians(Ws, hs, residual, activation))):
        u = J.T @ u
        norms.append(float(np.linalg.norm(u)))
        bounds.append(bounds[-1] * float(np.linalg.norm(W, 2)))
    return np.array(norms), np.array(bounds)


def jacobian_singular_values(scale: float, orthogonal: bool = False, depth: int = 50, width: int = 100,
                             seed: int = 0) -> np.ndarray:
    """The singular values, largest first, of J_depth ... J_1, the Jacobian of a plain tanh stack's
    output with respect to its input."""
    Ws, hs, _ = layer_stack(scale, depth, width, seed, orthogonal=orthogonal)
    product = np.eye(width)
    for J in layer_jacobians(Ws, hs):
        product = J @ product
    return np.linalg.svd(product, compute_uv=False)


def spectra() -> dict[str, np.ndarray]:
    """The page's four 50-layer tanh stacks: Gaussian weights at each scale, orthogonal at scale 1."""
    found = {f"Gaussian, scale {s:g}": jacobian_singular_values(s) for s in GRADIENT_SCALES}
    found["orthogonal, scale 1"] = jacobian_singular_values(1.0, orthogonal=True)
    return found


def within_1000(sigma: np.ndarray) -> int:
    """How many singular values lie within a factor 1000 of the largest."""
    return int(np.sum(sigma >= 1e-3 * sigma[0]))


def spectrum_sentence() -> str:
    """The sentence under the spectrum figure, from the computed singular values."""
    s = spectra()
    counts = [f"{within_1000(s[f'Gaussian, scale {c:g}'])} at scale {c:g}" for c in GRADIENT_SCALES]
    ortho = s["orthogonal, scale 1"]
    return (f"Of the 100 singular values, {', '.join(counts[:-1])} and {counts[-1]} lie within a factor 1000 of "
            f"the largest. With orthogonal weights at scale 1, {within_1000(ortho)} do, and all 100 lie within a "
            f"factor {ortho[0] / ortho[-1]:.0f} of one another.")


def relu_sentence() -> str:
    """The ReLU stacks at scale 1 and at He's scale: the cotangent's norm after 50 layers."""
    plain, he = (cotangent_norms(s, activation="relu")[0][-1] for s in (1.0, HE_SCALE))
    return (f"In a ReLU stack of the same depth and width, a unit cotangent comes out of the 50 layers with "
            f"norm {plain:.1e} at scale 1, and with norm {he:.1f} at He's scale $\\sqrt 2$.")


def residual_sentence() -> str:
    """The residual stacks: the cotangent's norm range at scale 0.25, and where it ends at scale 4."""
    small, large = (cotangent_norms(s, residual=True)[0] for s in (0.25, 4.0))
    return (f"Here, at scale 0.25, the residual stack keeps the cotangent's norm between {small.min():.1f} and "
            f"{small.max():.1f} (dashed line); at scale 4 the same kind of blocks let it grow to "
            f"{large[-1]:.1e} after 50 layers (dotted line).")

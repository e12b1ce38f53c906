"""Cotangent norms in deep tanh stacks, for the figure and the sentence under the "vanishing" block
of docs/backprop.md (computed at build time, not shown).

The page's block applies each layer's VJP; this module multiplies by each layer's full Jacobian
matrix instead, an independent route to the same numbers (the tests compare the two).
"""

from __future__ import annotations

import numpy as np

from snippets.shared.checks import count, positive

GRADIENT_SCALES = (0.25, 1.0, 4.0)  # vanishing, the Glorot scale, exploding


def tanh_stack(scale: float, depth: int, width: int, seed: int, residual: bool):
    """Weights W_1..W_depth (entries N(0, scale^2 / width)), the activations h_0..h_depth and a
    unit cotangent at the top, drawn in the order of the page's blocks (same seed, same numbers).

    Plain layers: h_k = tanh(W_k h_(k-1)). Residual blocks: h_k = h_(k-1) + tanh(W_k h_(k-1)).
    """
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(0, scale / np.sqrt(width), (width, width)) for _ in range(depth)]
    hs = [rng.normal(size=width)]
    for W in Ws:
        branch = np.tanh(W @ hs[-1])
        hs.append(hs[-1] + branch if residual else branch)
    u = rng.normal(size=width)
    return Ws, hs, u / np.linalg.norm(u)


def cotangent_norms(scale: float, depth: int = 50, width: int = 100, seed: int = 0, residual: bool = False):
    """(norms, bounds): ||u|| after 0, 1, ..., depth layers of the backward pass u <- J_k^T u from the
    top of the stack, and the bound prod ||W_k||_2 over the layers passed (a bound for plain
    layers only, where ||J_k|| <= ||W_k||)."""
    scale = positive("scale", scale)
    depth, width, seed = count("depth", depth, 1), count("width", width, 1), count("seed", seed, 0)
    if not isinstance(residual, bool):
        raise TypeError(f"residual must be True or False, got {type(residual).__name__}")
    Ws, hs, u = tanh_stack(scale, depth, width, seed, residual)
    norms, bounds = [1.0], [1.0]
    for W, h_in in zip(reversed(Ws), reversed(hs[:-1])):
        J = (1 - np.tanh(W @ h_in) ** 2)[:, None] * W  # diag(tanh'(W h_in)) W
        if residual:
            J = np.eye(width) + J
        u = J.T @ u
        norms.append(float(np.linalg.norm(u)))
        bounds.append(bounds[-1] * float(np.linalg.norm(W, 2)))
    return np.array(norms), np.array(bounds)

"""A two-layer MLP in numpy, trained by backpropagation written as a chain of VJPs.

The model section is self-contained (a reader can copy it); the checks, the full-Jacobian
product and the training loop build on it. ``python -m snippets.mlp`` prints what the page
"Backpropagation is a chain of VJPs" shows. docs/notebooks/mlp_training.py trains the same
model; tests/test_mlp.py checks that the two agree.
"""

from __future__ import annotations

# --8<-- [start:model]
import numpy as np


def make_spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0):
    """Points on interleaved spiral arms in the plane, one arm per class (CS231n's toy data)."""
    rng = np.random.default_rng(seed)
    r = np.linspace(0.05, 1.0, n_per_class)
    X, labels = [], []
    for c in range(n_classes):
        theta = np.linspace(4.0 * c, 4.0 * (c + 1), n_per_class) + noise * rng.normal(size=n_per_class)
        X.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        labels.append(np.full(n_per_class, c))
    return np.concatenate(X), np.concatenate(labels)


def init_params(n_in=2, n_hidden=16, n_out=3, seed=0):
    """Weights W1 (n_hidden x n_in), W2 (n_out x n_hidden), scaled by 1/sqrt(fan-in); zero biases."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(size=(n_hidden, n_in)) / np.sqrt(n_in), "b1": np.zeros(n_hidden),
            "W2": rng.normal(size=(n_out, n_hidden)) / np.sqrt(n_hidden), "b2": np.zeros(n_out)}


def forward(params, X, labels):
    """Mean cross-entropy of softmax(W2 tanh(W1 x + b1) + b2) over the batch, and what backward needs."""
    H = np.tanh(X @ params["W1"].T + params["b1"])  # (B, n_hidden): rows are examples
    Z = H @ params["W2"].T + params["b2"]  # (B, n_out): logits
    Z = Z - Z.max(axis=1, keepdims=True)  # stable log-softmax
    log_S = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    loss = -log_S[np.arange(len(labels)), labels].mean()
    return loss, (X, H, np.exp(log_S), labels)  # stored for the backward pass


def backward(params, cache):
    """The gradient of the mean loss: one VJP per layer, from the loss back to the input."""
    X, H, S, labels = cache
    T = np.eye(S.shape[1])[labels]  # one-hot targets
    U = (S - T) / len(labels)  # softmax + cross-entropy VJP: (y_hat - t) / B per example
    grads = {"W2": U.T @ H, "b2": U.sum(axis=0)}  # linear layer: u h^T and u, summed over the batch
    U = U @ params["W2"]  # linear layer w.r.t. its input: W2^T u, per example
    U = U * (1 - H**2)  # tanh: elementwise, tanh' = 1 - h^2 from the stored output
    grads["W1"], grads["b1"] = U.T @ X, U.sum(axis=0)
    return grads
# --8<-- [end:model]


# The page shows the model without input checks, to keep it short; the module's public
# make_spirals and forward are the same functions with their inputs checked.
_make_spirals_unchecked, _forward_unchecked = make_spirals, forward


def make_spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0):  # noqa: F811
    """Points on interleaved spiral arms in the plane, one arm per class (CS231n's toy data)."""
    if not all(isinstance(k, (int, np.integer)) and k >= 1 for k in (n_per_class, n_classes)):
        raise ValueError(f"n_per_class and n_classes must be positive integers, got {n_per_class!r}, {n_classes!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return _make_spirals_unchecked(n_per_class, n_classes, noise, seed)


def check_batch(params, X, labels):
    """Raise a clear error unless X is a finite (B, n_in) batch and labels are B class indices."""
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    n_out, n_in = params["W2"].shape[0], params["W1"].shape[1]
    if X.ndim != 2 or X.shape[1] != n_in or X.shape[0] == 0:
        raise ValueError(f"X must have shape (B, {n_in}) with B >= 1, got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite (no nan or inf)")
    if labels.shape != (X.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be {X.shape[0]} integers, one per row of X, got {labels.shape} {labels.dtype}")
    if labels.min() < 0 or labels.max() >= n_out:
        raise ValueError(f"labels must lie in 0..{n_out - 1}, got {labels.min()}..{labels.max()}")
    return X, labels


def forward(params, X, labels):  # noqa: F811
    """Mean cross-entropy of softmax(W2 tanh(W1 x + b1) + b2) over the batch, and what backward needs."""
    return _forward_unchecked(params, *check_batch(params, X, labels))


PARAM_NAMES = ("W1", "b1", "W2", "b2")


def loss_and_grad(params, X, labels):
    """(loss, gradient dict) for the batch: one forward and one backward pass."""
    loss, cache = forward(params, X, labels)
    return loss, backward(params, cache)


def flatten(params) -> np.ndarray:
    """All parameters as one vector, in the order W1, b1, W2, b2 (matrices row by row)."""
    return np.concatenate([np.ravel(params[k]) for k in PARAM_NAMES])


def unflatten(theta: np.ndarray, like) -> dict:
    """The inverse of :func:`flatten`, with the shapes of ``like``."""
    theta = np.asarray(theta, dtype=float)
    sizes = [np.size(like[k]) for k in PARAM_NAMES]
    if theta.shape != (sum(sizes),):
        raise ValueError(f"theta must have shape ({sum(sizes)},) for these parameters, got {theta.shape}")
    out, start = {}, 0
    for k, size in zip(PARAM_NAMES, sizes):
        out[k] = theta[start : start + size].reshape(np.shape(like[k]))
        start += size
    return out


def gradient_by_jacobians(params, x, label) -> dict:
    """The gradient for ONE example, by multiplying full Jacobian matrices (for checking only).

    L(z) -> z = W2 h + b2 -> h = tanh(W1 x + b1): the row (1 x n_out) of the loss is multiplied by
    W2 (n_out x n_hidden), diag(1 - h^2), and the generalized Jacobian of W1 x + b1 with respect
    to vec(W1), I (x) x^T (n_hidden x n_hidden * n_in).
    """
    x = np.asarray(x, dtype=float)
    if x.shape != (params["W1"].shape[1],) or not np.all(np.isfinite(x)):
        raise ValueError(f"x must be one finite input of shape ({params['W1'].shape[1]},), got {x.shape}")
    n_out, n_hidden = params["W2"].shape
    h = np.tanh(params["W1"] @ x + params["b1"])
    z = params["W2"] @ h + params["b2"]
    s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    J_L = (s - np.eye(n_out)[label])[None, :]  # 1 x n_out
    J_z_h = params["W2"]  # n_out x n_hidden
    J_h_a = np.diag(1 - h**2)  # n_hidden x n_hidden
    J_a_W1 = np.kron(np.eye(n_hidden), x[None, :])  # n_hidden x (n_hidden * n_in)
    J_z_W2 = np.kron(np.eye(n_out), h[None, :])  # n_out x (n_out * n_hidden)
    return {
        "W1": (J_L @ J_z_h @ J_h_a @ J_a_W1).reshape(params["W1"].shape),
        "b1": (J_L @ J_z_h @ J_h_a).ravel(),
        "W2": (J_L @ J_z_W2).reshape(params["W2"].shape),
        "b2": J_L.ravel(),
    }


def train(params, X, labels, lr=0.8, steps=500):
    """Full-batch gradient descent; returns (trained params, loss before each step and at the end)."""
    if not (isinstance(steps, (int, np.integer)) and steps >= 0):
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_grad(params, X, labels)
        losses.append(loss)
        for k in PARAM_NAMES:
            params[k] -= lr * grads[k]
    losses.append(forward(params, X, labels)[0])
    return params, np.array(losses)


def accuracy(params, X, labels) -> float:
    """Fraction of rows of X whose largest logit is at the true label."""
    X, labels = check_batch(params, X, labels)
    Z = np.tanh(X @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]
    return float(np.mean(Z.argmax(axis=1) == labels))


def memory_counts(B: int, n_in: int, n_hidden: int, n_out: int) -> dict[str, int]:
    """Float counts: what backprop stores for a 2-layer MLP, against Jacobians it never forms."""
    for name, v in (("B", B), ("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return {
        "stored": B * (n_in + n_hidden + n_out),  # X, H and the softmax output
        "params": n_hidden * n_in + n_hidden + n_out * n_hidden + n_out,
        "tanh_batched_jacobian": (B * n_hidden) ** 2,  # (B n_h) x (B n_h), block diagonal
        "logits_wrt_W1": B * n_out * n_hidden * n_in,  # (B n_o) x (n_h n_i)
    }


def memory_table_markdown() -> str:
    """The page's table: this page's MLP and an MNIST-sized one (784 -> 4096 -> 10) at B = 256
    and at B = 4096."""
    small, big, batch = memory_counts(300, 2, 16, 3), memory_counts(256, 784, 4096, 10), memory_counts(4096, 784, 4096, 10)
    names = {
        "stored": "stored by the forward pass ($X$, $H$, $\\hat Y$)",
        "params": "parameters (and so the gradient)",
        "tanh_batched_jacobian": "full batched Jacobian of the tanh layer",
        "logits_wrt_W1": "full Jacobian of the logits with respect to $W_1$",
    }
    lines = ["| numbers (float64: 8 bytes each) | this page: $B = 300$, 2-16-3 | $B = 256$, 784-4096-10 "
             "| $B = 4096$, 784-4096-10 |",
             "| --- | ---: | ---: | ---: |"]
    lines += [f"| {names[k]} | {small[k]:,} | {big[k]:,} | {batch[k]:,} |" for k in names]
    return "\n".join(lines)


# ---- vanishing and exploding gradients in a deep tanh stack --------------------------------
def tanh_stack(scale: float, depth: int = 50, width: int = 100, seed: int = 0, residual: bool = False):
    """Random weights W_1..W_depth (entries N(0, scale^2 / width)), activations h_0..h_depth, and a
    unit cotangent u at the output, drawn in the order of the page's block (same seed, same numbers).

    Plain: h_k = tanh(W_k h_(k-1)). Residual: h_k = h_(k-1) + tanh(W_k h_(k-1)).
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)) \
            or not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    for name, v in (("depth", depth), ("width", width)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(0, scale / np.sqrt(width), (width, width)) for _ in range(depth)]
    hs = [rng.normal(size=width)]
    for W in Ws:
        hs.append(hs[-1] + np.tanh(W @ hs[-1]) if residual else np.tanh(W @ hs[-1]))
    u = rng.normal(size=width)
    return Ws, hs, u / np.linalg.norm(u)


def layer_jacobian(W, h_in, residual: bool = False) -> np.ndarray:
    """Jacobian of h_in -> tanh(W h_in) (+ h_in if residual): diag(1 - h^2) W, or I + diag(1 - h^2) W."""
    W, h_in = np.asarray(W, dtype=float), np.asarray(h_in, dtype=float)
    if W.ndim != 2 or h_in.shape != (W.shape[1],):
        raise ValueError(f"W must be 2-D and h_in must have shape ({W.shape[-1] if W.ndim else '?'},), "
                         f"got W {W.shape} and h_in {h_in.shape}")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(h_in))):
        raise ValueError("W and h_in must be finite (no nan or inf)")
    J_f = (1 - np.tanh(W @ h_in) ** 2)[:, None] * W
    return np.eye(W.shape[0], W.shape[1]) + J_f if residual else J_f


def cotangent_norms(scale: float, depth: int = 50, width: int = 100, seed: int = 0, residual: bool = False):
    """(norms, bounds): ||u_k|| for k = depth, depth - 1, ..., 0 (index i: i layers below the output),
    the backward pass u_(k-1) = J_k^T u_k through the stack of :func:`tanh_stack`, and the bound
    prod ||W_j||_2 over the layers passed (the bound holds for the plain stack only)."""
    Ws, hs, u = tanh_stack(scale, depth, width, seed, residual)
    norms, bounds = [1.0], [1.0]
    for k in range(depth, 0, -1):
        a = np.tanh(Ws[k - 1] @ hs[k - 1])  # the branch output (equal to h_k in the plain stack)
        v = Ws[k - 1].T @ (u * (1 - a**2))
        u = u + v if residual else v
        norms.append(float(np.linalg.norm(u)))
        bounds.append(bounds[-1] * float(np.linalg.norm(Ws[k - 1], 2)))
    return np.array(norms), np.array(bounds)


GRADIENT_SCALES = (0.25, 1.0, 4.0)


def gradient_norms_figure():
    """||u|| against the number of layers it has passed back through, log axis, for the three
    weight scales of the page, and the residual stack at the smallest scale."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    styles = {0.25: ("#b03a2e", "v"), 1.0: ("#1e7b34", "s"), 4.0: ("#1f4e9c", "^")}
    for scale in GRADIENT_SCALES:
        norms = cotangent_norms(scale)[0]
        color, marker = styles[scale]
        ax.semilogy(np.arange(len(norms)), norms, color=color, marker=marker, markevery=5, ms=4, lw=1.4,
                    label=f"tanh, scale {scale:g}")
    ax.semilogy(np.arange(51), cotangent_norms(0.25, residual=True)[0], color="black", ls="--", lw=1.4,
                label="residual, scale 0.25")
    ax.set_xlabel("layers the cotangent has passed back through")
    ax.set_ylabel(r"$\|\mathbf{u}\|$ (log scale)")
    ax.set_xlim(0, 50)
    ax.grid(True, which="major", color="0.85", lw=0.6)
    ax.legend(fontsize=8, loc="lower left", framealpha=0)
    return fig


def pipeline_figure():
    """The MLP as a chain: values flow right (forward), VJPs flow left (backward)."""
    import matplotlib.pyplot as plt

    stages = ["x", "W1 x + b1", "tanh", "W2 h + b2", "softmax +\ncross-entropy", "L"]
    forward_labels = ["x", "a", "h", "z", "L"]
    backward_labels = [r"$W_1^\top u_a$" + "\n" + r"($\nabla_{W_1} L = u_a x^\top$)",
                       r"$u_a = u_h \odot (1 - h^2)$",
                       r"$u_h = W_2^\top u_z$" + "\n" + r"($\nabla_{W_2} L = u_z h^\top$)",
                       r"$u_z = \hat{y} - t$", "1"]
    fig, ax = plt.subplots(figsize=(8.4, 2.4))
    xs = np.arange(len(stages)) * 1.8
    for x0, name in zip(xs, stages):
        ax.text(x0, 0, name, ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.4", fc="none", ec="black", lw=1.1))
    for i in range(len(stages) - 1):
        ax.annotate("", xy=(xs[i + 1] - 0.45, 0.35), xytext=(xs[i] + 0.45, 0.35),
                    arrowprops=dict(arrowstyle="-|>", color="0.2"))
        ax.text((xs[i] + xs[i + 1]) / 2, 0.5, forward_labels[i], ha="center", fontsize=9)
        ax.annotate("", xy=(xs[i] + 0.45, -0.35), xytext=(xs[i + 1] - 0.45, -0.35),
                    arrowprops=dict(arrowstyle="-|>", color="#b03a2e"))
        ax.text((xs[i] + xs[i + 1]) / 2, -0.52, backward_labels[i], ha="center", va="top", fontsize=8, color="#b03a2e")
    ax.text(xs[0] - 0.8, 0.5, "forward", fontsize=8, ha="right")
    ax.text(xs[0] - 0.8, -0.62, "backward", fontsize=8, ha="right", color="#b03a2e")
    ax.set_xlim(xs[0] - 1.8, xs[-1] + 0.6)
    ax.set_ylim(-1.05, 0.8)
    ax.axis("off")
    return fig


def spirals_figure():
    """The training data: three spiral arms, one marker per class."""
    import matplotlib.pyplot as plt

    X, labels = make_spirals()
    fig, ax = plt.subplots(figsize=(3.6, 3.4))
    for c, (marker, color) in enumerate(zip("o^s", ["#1f4e9c", "#b03a2e", "#1e7b34"])):
        ax.scatter(*X[labels == c].T, s=9, marker=marker, color=color, label=f"class {c}")
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(fontsize=8, loc="upper right", framealpha=0)
    return fig


if __name__ == "__main__":
    # --8<-- [start:worked-example]
    import numpy as np

    # The tiny network of the worked example: 1 input, 1 hidden unit, 2 classes, true class 0.
    x, t = np.array([1.0]), np.array([1.0, 0.0])
    W1, b1 = np.array([[0.0]]), np.array([0.0])
    W2, b2 = np.array([[1.0], [-1.0]]), np.array([0.0, 0.0])

    a = W1 @ x + b1  # forward, storing what the backward pass needs
    h = np.tanh(a)
    z = W2 @ h + b2
    y_hat = np.exp(z) / np.exp(z).sum()
    L = -t @ np.log(y_hat)

    u_z = y_hat - t  # 1. softmax + cross-entropy
    grad_W2, grad_b2, u_h = np.outer(u_z, h), u_z, W2.T @ u_z  # 2. second linear layer
    u_a = u_h * (1 - h**2)  # 3. tanh
    grad_W1, grad_b1 = np.outer(u_a, x), u_a  # 4. first linear layer
    print("L =", L, " log 2 =", np.log(2))
    print("u_z =", u_z, " grad W2 =", grad_W2.ravel() + 0.0, " u_h =", u_h, " u_a =", u_a)  # + 0.0: no "-0."
    print("grad W1 =", grad_W1.ravel(), " grad b1 =", grad_b1)
    # --8<-- [end:worked-example]

    # --8<-- [start:check]
    X, labels = make_spirals()  # 300 points in the plane, 3 classes
    params = init_params()  # 2 -> 16 (tanh) -> 3 (softmax)
    loss, cache = forward(params, X, labels)
    grads = backward(params, cache)
    print(f"loss {loss:.4f} (log 3 = {np.log(3):.4f}: chance level)")
    print("gradient shapes:", {k: g.shape for k, g in grads.items()})

    # Gradient check: central differences of the loss, one parameter at a time.
    h, worst = 1e-6, 0.0
    for k in params:
        for idx in np.ndindex(params[k].shape):
            plus = {n: p.copy() for n, p in params.items()}
            minus = {n: p.copy() for n, p in params.items()}
            plus[k][idx] += h
            minus[k][idx] -= h
            numeric = (forward(plus, X, labels)[0] - forward(minus, X, labels)[0]) / (2 * h)
            worst = max(worst, abs(numeric - grads[k][idx]))
    print(f"gradient check: largest |backprop - central difference| = {worst:.1e}")
    # --8<-- [end:check]

    # --8<-- [start:jacobian-product]
    x, label = X[7], labels[7]  # one example
    n_out, n_hidden = params["W2"].shape

    # Full Jacobians of each stage, multiplied left to right (the chain rule, as matrices).
    h = np.tanh(params["W1"] @ x + params["b1"])
    z = params["W2"] @ h + params["b2"]
    s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    J_L = (s - np.eye(n_out)[label])[None, :]  # 1 x 3:   the loss w.r.t. the logits
    J_z_h = params["W2"]  # 3 x 16:                           the logits w.r.t. h
    J_h_a = np.diag(1 - h**2)  # 16 x 16:                     tanh
    J_a_W1 = np.kron(np.eye(n_hidden), x[None, :])  # 16 x 32: W1 x + b1 w.r.t. vec(W1)
    product = J_L @ J_z_h @ J_h_a @ J_a_W1  # 1 x 32

    by_vjps = backward(params, forward(params, X[7:8], labels[7:8])[1])["W1"]  # a batch of one
    print("shapes:", J_L.shape, J_z_h.shape, J_h_a.shape, J_a_W1.shape, "->", product.shape)
    print("largest |Jacobian product - chain of VJPs|:", f"{np.max(np.abs(product.reshape(n_hidden, -1) - by_vjps)):.1e}")
    # --8<-- [end:jacobian-product]

    # --8<-- [start:batch]
    # A layer R^2 -> R^4 like the model's first one (init_params with 4 hidden units), on a
    # batch of 3 examples, one from each spiral arm.
    rng = np.random.default_rng(0)
    small = init_params(n_hidden=4)
    W, b = small["W1"], small["b1"]
    X3 = make_spirals()[0][[0, 100, 200]]
    B, m, n = 3, 4, 2


    def layer(X):  # (B, n) -> (B, m): each row is processed on its own
        return np.tanh(X @ W.T + b)


    # The Jacobian of the whole batched map, by central differences: shape (B, m, B, n).
    eps = 1e-6
    J = np.zeros((B, m, B, n))
    for c in range(B):
        for j in range(n):
            E = np.zeros_like(X3)
            E[c, j] = eps
            J[:, :, c, j] = (layer(X3 + E) - layer(X3 - E)) / (2 * eps)
    print("batched Jacobian shape:", J.shape)
    print("largest |entry| of each block (output example b, input example c):")
    print(np.abs(J).max(axis=(1, 3)).round(4))

    # Backprop never forms it: one batched VJP is a VJP per example, done together.
    U = rng.normal(size=(B, m))  # one cotangent row per example
    vjp = (U * (1 - layer(X3) ** 2)) @ W  # (B, n)
    print("batched VJP == sum over b of U[b] . J[b, :, c, :]:",
          np.allclose(vjp, np.einsum("bm,bmcn->cn", U, J), atol=1e-8))
    # --8<-- [end:batch]

    # --8<-- [start:exercise-input]
    X, labels = make_spirals()
    params = init_params()
    loss, (X_, H, S, labels_) = forward(params, X, labels)

    # One more VJP, through W1, gives the gradient w.r.t. the inputs.
    U = (S - np.eye(3)[labels]) / len(labels)
    grad_X = ((U @ params["W2"]) * (1 - H**2)) @ params["W1"]  # (300, 2)

    h = 1e-6
    E = np.zeros_like(X)
    E[5, 1] = h  # nudge x_2 of example 5
    numeric = (forward(params, X + E, labels)[0] - forward(params, X - E, labels)[0]) / (2 * h)
    print("dL/dX[5, 1] by VJP:", f"{grad_X[5, 1]:.10f}", " by central difference:", f"{numeric:.10f}")
    # --8<-- [end:exercise-input]

    # --8<-- [start:exercise-sum]
    X, labels = make_spirals()
    params = init_params()
    B = len(X)
    grads = backward(params, forward(params, X, labels)[1])  # of the MEAN loss


    def summed_loss(p):  # the sum of the per-example losses -log y_hat[label]
        S = forward(p, X, labels)[1][2]
        return -np.log(S[np.arange(B), labels]).sum()


    h = 1e-6
    plus = {k: v.copy() for k, v in params.items()}
    minus = {k: v.copy() for k, v in params.items()}
    plus["W2"][0, 0] += h
    minus["W2"][0, 0] -= h
    print("batch size B =", B)
    print("d(sum)/dW2[0, 0], central difference:", f"{(summed_loss(plus) - summed_loss(minus)) / (2 * h):.8f}")
    print("B * d(mean)/dW2[0, 0], backprop:     ", f"{B * grads['W2'][0, 0]:.8f}")
    # --8<-- [end:exercise-sum]

    # --8<-- [start:exercise-count]
    n = sum(p.size for p in init_params().values())  # every weight and bias of the model
    print(f"parameters: {n} -> forward mode: {n} passes; reverse mode: 1 sweep")
    # --8<-- [end:exercise-count]

    # --8<-- [start:vanishing]
    import numpy as np

    depth, width = 50, 100  # 50 layers h_k = tanh(W_k h_(k-1)), 100 units each
    for scale in (0.25, 1.0, 4.0):  # entries of W_k drawn from N(0, scale^2 / width)
        rng = np.random.default_rng(0)
        Ws = [rng.normal(0, scale / np.sqrt(width), (width, width)) for _ in range(depth)]
        hs = [rng.normal(size=width)]  # h_0, the input
        for W in Ws:
            hs.append(np.tanh(W @ hs[-1]))
        u = rng.normal(size=width)
        u /= np.linalg.norm(u)  # a unit cotangent arriving at the output h_50

        norms, bound = [], 1.0
        for k in range(depth, 0, -1):
            u = Ws[k - 1].T @ (u * (1 - hs[k] ** 2))  # the VJP of layer k: J_k^T u
            bound *= np.linalg.norm(Ws[k - 1], 2)  # ||J_k|| <= ||diag(1 - h_k^2)|| ||W_k|| <= ||W_k||
            assert np.linalg.norm(u) <= bound
            norms.append(np.linalg.norm(u))
        print(f"scale {scale:<4}: ||u|| after 10, 20, 30, 40, 50 layers:",
              "  ".join(f"{v:.1e}" for v in norms[9::10]), f" | bound after 50: {bound:.1e}")
    # --8<-- [end:vanishing]

    # --8<-- [start:exercise-residual]
    import numpy as np

    depth, width, scale = 50, 100, 0.25  # the stack that vanished above, same weights
    rng = np.random.default_rng(0)
    Ws = [rng.normal(0, scale / np.sqrt(width), (width, width)) for _ in range(depth)]
    h0 = rng.normal(size=width)
    u_top = rng.normal(size=width)
    u_top /= np.linalg.norm(u_top)


    def block_jacobian(W, h, residual):  # of h -> h + tanh(W h) (residual) or h -> tanh(W h)
        J_f = (1 - np.tanh(W @ h) ** 2)[:, None] * W  # diag(1 - tanh^2(W h)) W
        return np.eye(len(h)) + J_f if residual else J_f


    # The residual block's Jacobian against central differences, at the input h0.
    f = lambda h: h + np.tanh(Ws[0] @ h)  # noqa: E731
    eps = 1e-6
    J_fd = np.column_stack([(f(h0 + eps * e) - f(h0 - eps * e)) / (2 * eps) for e in np.eye(width)])
    print(f"largest |(I + J_f) - central differences|: {np.max(np.abs(block_jacobian(Ws[0], h0, True) - J_fd)):.1e}")

    for residual in (False, True):
        hs = [h0]
        for W in Ws:  # forward
            hs.append(hs[-1] + np.tanh(W @ hs[-1]) if residual else np.tanh(W @ hs[-1]))
        u, lowest = u_top, 1.0
        for k in range(depth, 0, -1):  # backward: u <- J_k^T u
            J = block_jacobian(Ws[k - 1], hs[k - 1], residual)
            lowest = min(lowest, np.linalg.svd(J, compute_uv=False).min())
            u = J.T @ u
        print(f"{'residual' if residual else 'plain   '}: ||u|| after {depth} layers = {np.linalg.norm(u):.1e},"
              f" smallest singular value of any J_k = {lowest:.2f}")
    # --8<-- [end:exercise-residual]

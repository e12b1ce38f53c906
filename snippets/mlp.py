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

"""The training run that docs/backprop.md reports in prose (computed at build time, not shown).

The page shows the model in ``model.py``; a hidden block may not run that file (it prints), so
this module carries its own compact copy of the same network, with its inputs checked. The
tests keep the two in agreement: same data, same parameters, same losses after training.
"""

from __future__ import annotations

import numpy as np

from snippets.shared.checks import count, finite_array, labels as checked_labels, positive

PARAM_NAMES = ("W1", "b1", "W2", "b2")


def make_spirals() -> tuple[np.ndarray, np.ndarray]:
    """The page's 300 training points on three spiral arms (100 per class, noise 0.2, seed 0)."""
    rng = np.random.default_rng(0)
    r = np.linspace(0.05, 1.0, 100)
    theta = [np.linspace(4.0 * c, 4.0 * (c + 1), 100) + 0.2 * rng.normal(size=100) for c in range(3)]
    X = np.concatenate([np.column_stack([r * np.sin(t), r * np.cos(t)]) for t in theta])
    return X, np.repeat(np.arange(3), 100)


def init_params() -> dict[str, np.ndarray]:
    """The page's 2-16-3 network at seed 0: normal weights over sqrt(fan-in), zero biases."""
    rng = np.random.default_rng(0)
    return {"W1": rng.normal(size=(16, 2)) / np.sqrt(2), "b1": np.zeros(16),
            "W2": rng.normal(size=(3, 16)) / np.sqrt(16), "b2": np.zeros(3)}


def checked_batch(params, X, labels) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Parameters of one consistent 2-layer MLP, a finite (B, n_in) batch and B labels in range,
    as float arrays; otherwise an error naming the argument."""
    if not isinstance(params, dict) or set(params) != set(PARAM_NAMES):
        raise TypeError(f"params must be a dict with the keys {', '.join(PARAM_NAMES)}")
    W1 = finite_array("params['W1']", params["W1"], ndim=2)
    n_hidden, n_in = W1.shape
    b1 = finite_array("params['b1']", params["b1"], shape=(n_hidden,))
    W2 = finite_array("params['W2']", params["W2"], shape=(None, n_hidden))
    b2 = finite_array("params['b2']", params["b2"], shape=(W2.shape[0],))
    X = finite_array("X", X, shape=(None, n_in))
    y = checked_labels("labels", labels, n_classes=W2.shape[0], size=X.shape[0])
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, X, y


def loss_and_grad(params, X, labels) -> tuple[float, dict[str, np.ndarray]]:
    """The mean cross-entropy of softmax(W2 tanh(W1 x + b1) + b2) over the batch, and its
    gradient with respect to each parameter (one VJP per layer)."""
    p, X, y = checked_batch(params, X, labels)
    H = np.tanh(X @ p["W1"].T + p["b1"])
    Z = H @ p["W2"].T + p["b2"]
    Z = Z - Z.max(axis=1, keepdims=True)  # softmax is unchanged by a shift; exp cannot overflow
    log_S = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    U = (np.exp(log_S) - np.eye(Z.shape[1])[y]) / len(y)
    grads = {"W2": U.T @ H, "b2": U.sum(axis=0)}
    U = (U @ p["W2"]) * (1 - H**2)
    grads["W1"], grads["b1"] = U.T @ X, U.sum(axis=0)
    return float(-log_S[np.arange(len(y)), y].mean()), grads


def train(params, X, labels, lr: float = 0.8, steps: int = 500) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Full-batch gradient descent; returns (trained params, the loss before each step and at the end)."""
    lr, steps = positive("lr", lr), count("steps", steps, minimum=0)
    params, X, labels = checked_batch(params, X, labels)
    params = {k: v.copy() for k, v in params.items()}  # the caller's arrays stay as they were
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_grad(params, X, labels)
        losses.append(loss)
        for k in PARAM_NAMES:
            params[k] -= lr * grads[k]
    losses.append(loss_and_grad(params, X, labels)[0])
    return params, np.array(losses)


def accuracy(params, X, labels) -> float:
    """The fraction of rows of X whose largest logit is at the true label."""
    p, X, y = checked_batch(params, X, labels)
    Z = np.tanh(X @ p["W1"].T + p["b1"]) @ p["W2"].T + p["b2"]
    return float(np.mean(Z.argmax(axis=1) == y))

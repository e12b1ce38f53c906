# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Training an MLP with VJPs
#
# The two-layer network of the page [Backpropagation is a chain of VJPs](../../backprop/), trained for 500
# steps of full-batch gradient descent. The gradient comes from a backward pass written as
# one vector-Jacobian product per layer; no Jacobian matrix is ever formed. This notebook is
# executed every time the site is built, so every output below is real. It needs only
# `numpy` and `matplotlib`: download it with the link above and run it in Jupyter (with
# Jupytext) or as a plain script. The data are generated, nothing is downloaded.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

# %% [markdown]
# ## The data: three interleaved spirals
#
# 100 points per class on three spiral arms in the plane (the toy problem of Stanford's CS231n
# notes): not linearly separable, so the hidden layer has work to do.

# %%
def make_spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0):
    rng = np.random.default_rng(seed)
    r = np.linspace(0.05, 1.0, n_per_class)
    X, labels = [], []
    for c in range(n_classes):
        theta = np.linspace(4.0 * c, 4.0 * (c + 1), n_per_class) + noise * rng.normal(size=n_per_class)
        X.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        labels.append(np.full(n_per_class, c))
    return np.concatenate(X), np.concatenate(labels)


X, labels = make_spirals()
print("X:", X.shape, " labels:", np.bincount(labels))

# %% [markdown]
# ## The model and its backward pass
#
# $\hat{\mathbf{y}} = \operatorname{softmax}(W_2 \tanh(W_1 \mathbf{x} + \mathbf{b}_1) + \mathbf{b}_2)$,
# with the mean cross-entropy over the batch as the loss. The backward pass applies, from the
# loss back to the input, the VJP of each layer:
#
# - softmax + cross-entropy: $(\hat{\mathbf{y}} - \mathbf{t}) / B$ per example;
# - a linear layer: $\mathbf{u}\mathbf{x}^\top$ for the weights, where $\mathbf{x}$ is the
#   layer's input ($\mathbf{h}$ for the second layer), $\mathbf{u}$ for the bias, and
#   $W^\top \mathbf{u}$ for the input;
# - tanh: elementwise multiplication by $1 - \mathbf{h}^2$.

# %%
def init_params(n_in=2, n_hidden=16, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(size=(n_hidden, n_in)) / np.sqrt(n_in), "b1": np.zeros(n_hidden),
            "W2": rng.normal(size=(n_out, n_hidden)) / np.sqrt(n_hidden), "b2": np.zeros(n_out)}


def forward(params, X, labels):
    H = np.tanh(X @ params["W1"].T + params["b1"])  # (B, 16)
    Z = H @ params["W2"].T + params["b2"]  # (B, 3) logits
    Z = Z - Z.max(axis=1, keepdims=True)
    log_S = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    loss = -log_S[np.arange(len(labels)), labels].mean()
    return loss, (X, H, np.exp(log_S), labels)


def backward(params, cache):
    X, H, S, labels = cache
    U = (S - np.eye(S.shape[1])[labels]) / len(labels)  # softmax + cross-entropy
    grads = {"W2": U.T @ H, "b2": U.sum(axis=0)}  # linear layer 2: weights and bias
    U = (U @ params["W2"]) * (1 - H**2)  # linear layer 2 w.r.t. its input, then tanh
    grads["W1"], grads["b1"] = U.T @ X, U.sum(axis=0)  # linear layer 1
    return grads


# %% [markdown]
# ## A gradient check before training
#
# Central differences of the loss, one parameter at a time, against the backward pass:

# %%
params0 = init_params()
loss0, cache0 = forward(params0, X, labels)
grads0 = backward(params0, cache0)
h, worst = 1e-6, 0.0
for k in params0:
    for idx in np.ndindex(params0[k].shape):
        plus = {n: p.copy() for n, p in params0.items()}
        minus = {n: p.copy() for n, p in params0.items()}
        plus[k][idx] += h
        minus[k][idx] -= h
        numeric = (forward(plus, X, labels)[0] - forward(minus, X, labels)[0]) / (2 * h)
        worst = max(worst, abs(numeric - grads0[k][idx]))
print(f"initial loss {loss0:.4f}; largest |backprop - central difference| = {worst:.1e}")
assert worst < 1e-7

# %% [markdown]
# ## Training
#
# Full-batch gradient descent, $\boldsymbol\theta \leftarrow \boldsymbol\theta - \eta \nabla L$,
# with learning rate $\eta = 0.8$, for 500 steps.

# %%
lr, steps = 0.8, 500
params = {k: v.copy() for k, v in params0.items()}
losses = []
for step in range(steps):
    loss, cache = forward(params, X, labels)
    grads = backward(params, cache)
    losses.append(loss)
    for k in params:
        params[k] -= lr * grads[k]
losses.append(forward(params, X, labels)[0])
losses = np.array(losses)

H = np.tanh(X @ params["W1"].T + params["b1"])
train_accuracy = np.mean((H @ params["W2"].T + params["b2"]).argmax(axis=1) == labels)
print(f"loss: {losses[0]:.4f} -> {losses[-1]:.4f} after {steps} steps; training accuracy {train_accuracy:.1%}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
ax1.plot(losses, color="#1f4e9c")
ax1.set_xlabel("step")
ax1.set_ylabel("mean cross-entropy")
ax1.set_yscale("log")
ax1.set_title("training loss")

grid = np.linspace(-1.1, 1.1, 200)
G1, G2 = np.meshgrid(grid, grid)
P = np.column_stack([G1.ravel(), G2.ravel()])
regions = (np.tanh(P @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]).argmax(axis=1)
ax2.contourf(G1, G2, regions.reshape(G1.shape), levels=[-0.5, 0.5, 1.5, 2.5], colors=["#c6d4ee", "#f0c9c4", "#c8e6cf"])
for c, (marker, color) in enumerate(zip("o^s", ["#1f4e9c", "#b03a2e", "#1e7b34"])):
    ax2.scatter(*X[labels == c].T, s=9, marker=marker, color=color)
ax2.set_aspect("equal")
ax2.set_xlabel("$x_1$")
ax2.set_ylabel("$x_2$")
ax2.set_title("decision regions after training")
plt.tight_layout()
plt.show()

# %% [markdown]
# Left: the mean cross-entropy on a log scale, falling at every step, from about $\log 3$
# (guessing) to the value printed above. Right: the class the trained network predicts at each
# point of the plane (shaded), with the training points on top; the boundaries follow the
# spiral arms, which no linear classifier could do.

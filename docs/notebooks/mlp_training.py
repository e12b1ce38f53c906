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
# The two-layer network of the page
# [Backpropagation is a chain of VJPs](../../backprop/), trained by full-batch
# gradient descent and watched through its Jacobians: the gradient of each layer's
# weights (one vector-Jacobian product per layer), the Jacobian of the network's output
# with respect to its input, and what the learning rate does to the run.
#
# It needs only `numpy` and `matplotlib`; the data are generated, nothing is downloaded.
# Every output below was produced when the site was built. Run it in Jupyter (the
# `.ipynb` file) or as a plain Python script (the `.py` file), which prints every number
# shown here.

# %%
# %matplotlib inline
# %config InlineBackend.figure_formats = ["svg"]
import matplotlib.pyplot as plt
import numpy as np

plt.rcParams["svg.fonttype"] = "none"  # figure text stays text: small and sharp
plt.rcParams["axes.formatter.min_exponent"] = 3  # log axes: 0.01, not 10^-2

# %% [markdown]
# ## The data: three interleaved spirals
#
# 100 points per class on three spiral arms in the plane (the toy problem of Stanford's
# CS231n notes): no straight line separates the classes, so the hidden layer has work
# to do.

# %%
def make_spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0):
    rng = np.random.default_rng(seed)
    r = np.linspace(0.05, 1.0, n_per_class)
    X, labels = [], []
    for c in range(n_classes):
        theta = np.linspace(4.0 * c, 4.0 * (c + 1), n_per_class)
        theta += noise * rng.normal(size=n_per_class)
        X.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        labels.append(np.full(n_per_class, c))
    return np.concatenate(X), np.concatenate(labels)


X, labels = make_spirals()
print("X:", X.shape, " labels:", np.bincount(labels))

# %% [markdown]
# ## The model and its backward pass
#
# $\hat{\mathbf{y}} = \operatorname{softmax}(W_2 \mathbf{h} + \mathbf{b}_2)$ with
# $\mathbf{h} = \tanh(W_1 \mathbf{x} + \mathbf{b}_1)$, and the mean cross-entropy over
# the batch as the loss $L$. The backward pass applies, from the loss back to the
# input, the VJP of each layer:
#
# - softmax + cross-entropy: $(\hat{\mathbf{y}} - \mathbf{t}) / B$ per example, where
#   $\mathbf{t}$ is the one-hot label and $B$ the batch size;
# - a linear layer with input $\mathbf{a}$ ($\mathbf{x}$, or $\mathbf{h}$ for the
#   second): $\mathbf{u}\mathbf{a}^\top$ for the weights, $\mathbf{u}$ for the bias and
#   $W^\top \mathbf{u}$ for the input, where $\mathbf{u}$ is the incoming vector;
# - tanh: elementwise multiplication by $1 - \mathbf{h}^2$.

# %%
def init_params(n_in=2, n_hidden=16, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(size=(n_hidden, n_in)) / np.sqrt(n_in),
            "b1": np.zeros(n_hidden),
            "W2": rng.normal(size=(n_out, n_hidden)) / np.sqrt(n_hidden),
            "b2": np.zeros(n_out)}


def forward(params, X, labels):
    H = np.tanh(X @ params["W1"].T + params["b1"])  # (B, 16)
    Z = H @ params["W2"].T + params["b2"]  # (B, 3) logits
    Z = Z - Z.max(axis=1, keepdims=True)
    log_S = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    loss = -log_S[np.arange(len(labels)), labels].mean()
    return loss, (X, H, np.exp(log_S), labels)


def backward(params, cache):
    X, H, S, labels = cache
    U = (S - np.eye(S.shape[1])[labels]) / len(X)  # softmax + cross-entropy
    grads = {"W2": U.T @ H, "b2": U.sum(axis=0)}  # linear layer 2
    U = (U @ params["W2"]) * (1 - H**2)  # layer 2 w.r.t. its input, then tanh
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
        diff = forward(plus, X, labels)[0] - forward(minus, X, labels)[0]
        worst = max(worst, abs(diff / (2 * h) - grads0[k][idx]))
print(f"initial loss {loss0:.4f}; "
      f"largest |backprop - central difference| = {worst:.1e}")
assert worst < 1e-7

# %% [markdown]
# ## Training, one gradient per layer
#
# Full-batch gradient descent, $\boldsymbol\theta \leftarrow \boldsymbol\theta - \eta
# \nabla L$, for 500 steps. Each step also records the size (Frobenius norm) of the
# gradient of each weight matrix: the VJP that reaches that layer.

# %%
def train(params, lr, steps):
    """Gradient descent on all of X. Returns the final parameters, the loss
    before each step and after the last, and each weight gradient's norm."""
    params = {k: v.copy() for k, v in params.items()}
    losses, grad_norms = [], {"W1": [], "W2": []}
    for step in range(steps):
        loss, cache = forward(params, X, labels)
        grads = backward(params, cache)
        losses.append(loss)
        for k in grad_norms:
            grad_norms[k].append(np.linalg.norm(grads[k]))
        for k in params:
            params[k] -= lr * grads[k]
    losses.append(forward(params, X, labels)[0])
    norms = {k: np.array(v) for k, v in grad_norms.items()}
    return params, np.array(losses), norms


lr, steps = 0.8, 500
params, losses, grad_norms = train(params0, lr, steps)
H = np.tanh(X @ params["W1"].T + params["b1"])
logits = H @ params["W2"].T + params["b2"]
train_accuracy = np.mean(logits.argmax(axis=1) == labels)
print(f"eta = {lr}: loss {losses[0]:.4f} -> {losses[-1]:.4f} "
      f"after {steps} steps; training accuracy {train_accuracy:.1%}")
shown_steps = [0, 50, 150, steps - 1]
for k, norms in grad_norms.items():
    print(f"|dL/d{k}| at steps {shown_steps}:", np.round(norms[shown_steps], 4))

# %% [markdown]
# ## Three learning rates
#
# The same 500 steps from the same start, with $\eta$ four times smaller and almost
# four times larger:

# %%
runs = {0.2: train(params0, 0.2, steps)[1], lr: losses,
        3.0: train(params0, 3.0, steps)[1]}
rises = {eta: int(np.sum(np.diff(run) > 0)) for eta, run in runs.items()}
for eta, run in runs.items():
    print(f"eta = {eta}: final loss {run[-1]:.4f}, highest {run.max():.2f}; "
          f"the loss rose on {rises[eta]} of {steps} steps")

# %% [markdown]
# ## The plateau
#
# With $\eta = 0.8$ the loss stalls between about steps 20 and 100. Measured at step 50
# and at the end: the loss; the loss with tanh replaced by the identity (which makes
# the network the linear classifier
# $\mathbf{x} \mapsto W_2 (W_1 \mathbf{x} + \mathbf{b}_1) + \mathbf{b}_2$); the mean
# slope of tanh at the hidden units (1 at 0); and the lowest loss any linear classifier
# reaches on these data:

# %%
def mean_cross_entropy(Z):
    """The mean of -log softmax(z)[label] over the rows z of the logits Z."""
    Z = Z - Z.max(axis=1, keepdims=True)
    picked = Z[np.arange(len(Z)), labels]
    return np.mean(np.log(np.exp(Z).sum(axis=1)) - picked)


def best_linear_loss(steps=500, lr=5.0):
    """Softmax regression (logits W x + b) by gradient descent: its loss is
    convex in (W, b), so this is the lowest loss of any linear classifier."""
    W, b = np.zeros((3, 2)), np.zeros(3)
    for _ in range(steps):
        S = np.exp(X @ W.T + b)
        U = (S / S.sum(axis=1, keepdims=True) - np.eye(3)[labels]) / len(X)
        W, b = W - lr * U.T @ X, b - lr * U.sum(axis=0)
    return mean_cross_entropy(X @ W.T + b)


plateau = {}
for step, p in ((50, train(params0, lr, 50)[0]), (steps, params)):
    A = X @ p["W1"].T + p["b1"]  # hidden pre-activations
    as_linear = mean_cross_entropy(A @ p["W2"].T + p["b2"])  # tanh(a) -> a
    plateau[step] = (losses[step], as_linear, np.mean(1 - np.tanh(A) ** 2))
    print(f"step {step}: loss {losses[step]:.4f}; with tanh -> identity "
          f"{as_linear:.4f}; mean tanh' {plateau[step][2]:.2f}")
best_linear = best_linear_loss()
print(f"lowest loss of a linear classifier: {best_linear:.4f}")

# %% [markdown]
# So the plateau is the best a linear classifier can do: while the hidden
# pre-activations are small, tanh is nearly the identity, the network is nearly linear
# (at step 50, removing tanh hardly changes its loss), its gradients are small (right
# panel below), and the loss falls again only once hidden units work in the curved part
# of tanh (at step 500, removing tanh makes the network worse than guessing).

# %% alt="Two line charts against the training step, both with a logarithmic vertical axis. Left: the training loss for the learning rates 0.2, 0.8 and 3.0, and a dashed line at the loss of the best linear classifier; the curves flatten near that line before falling further, the curve for 3.0 jumps up several times, and the curve for 0.2 has only just passed below the line at step 500. Right: the gradient norms of W1 and W2 for learning rate 0.8, which drop steeply over the first steps, stay low during the plateau, rise as the loss falls again, and decrease towards the end."
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
for (eta, run), style in zip(runs.items(), [":", "-", "--"]):
    ax1.plot(run, style, label=f"η = {eta}")
ax1.axhline(best_linear, color="0.4", lw=0.8, ls="-.", label="best linear")
ax1.set(xlabel="step", ylabel="mean cross-entropy", yscale="log",
        title="training loss")
ax1.legend()
for k, norms in grad_norms.items():
    ax2.plot(norms, label=f"|dL/d{k}|")
ax2.set(xlabel="step", ylabel="Frobenius norm", yscale="log",
        title=f"gradient of each layer (η = {lr})")
ax2.legend()
plt.show()

# %% [markdown]
# ## Where the prediction is sensitive to the input
#
# The Jacobian of the predicted probabilities $\hat{\mathbf{y}}$ with respect to the
# input $\mathbf{x}$ is a $3 \times 2$ matrix; by the chain rule it is a product of
# three Jacobians,
# $(\operatorname{diag}(\hat{\mathbf{y}}) - \hat{\mathbf{y}}\hat{\mathbf{y}}^\top)
# \, W_2 \, \operatorname{diag}(1 - \mathbf{h}^2) \, W_1$. Its largest singular value
# $\|\partial\hat{\mathbf{y}}/\partial\mathbf{x}\|_2$ bounds how far a small step
# $\boldsymbol\delta$ of the input moves the prediction:
# $\|\hat{\mathbf{y}}(\mathbf{x} + \boldsymbol\delta) - \hat{\mathbf{y}}(\mathbf{x})\|
# \approx \|J\boldsymbol\delta\| \le \|J\|_2 \|\boldsymbol\delta\|$.

# %%
def probabilities(params, P):
    """y_hat = softmax(W2 h + b2) and h = tanh(W1 x + b1), per row x of P."""
    H = np.tanh(P @ params["W1"].T + params["b1"])
    Z = H @ params["W2"].T + params["b2"]
    Y = np.exp(Z - Z.max(axis=1, keepdims=True))
    return Y / Y.sum(axis=1, keepdims=True), H


def input_jacobian(params, P):
    """d y_hat / d x at each row x of P, shape (N, 3, 2), by the chain rule:
    (diag(y_hat) - y_hat y_hat^T) W2 diag(1 - h^2) W1."""
    Y, H = probabilities(params, P)
    J_softmax = Y[:, :, None] * np.eye(3) - Y[:, :, None] * Y[:, None, :]
    return J_softmax @ params["W2"] @ ((1 - H**2)[:, :, None] * params["W1"])


# A check by central differences, at five training points.
points, h = X[::60], 1e-6
J_fd = np.stack([(probabilities(params, points + e)[0]
                  - probabilities(params, points - e)[0]) / (2 * h)
                 for e in h * np.eye(2)], axis=2)
jacobian_error = np.max(np.abs(J_fd - input_jacobian(params, points)))
print(f"largest |chain rule - central difference|: {jacobian_error:.1e}")

grid = np.linspace(-1.1, 1.1, 41)
G1, G2 = np.meshgrid(grid, grid)
P = np.column_stack([G1.ravel(), G2.ravel()])
J_grid = input_jacobian(params, P)
sensitivity = np.linalg.norm(J_grid, ord=2, axis=(1, 2)).reshape(G1.shape)
Y = probabilities(params, P)[0]
regions = Y.argmax(axis=1).reshape(G1.shape)
# On a decision boundary: a neighbouring grid point is predicted another class.
boundary = np.zeros(G1.shape, bool)
boundary[1:] |= regions[1:] != regions[:-1]
boundary[:, 1:] |= regions[:, 1:] != regions[:, :-1]
on, off = np.median(sensitivity[boundary]), np.median(sensitivity[~boundary])
print(f"|d y_hat / d x|_2: largest {sensitivity.max():.2f}")
print(f"median {on:.2f} on the decision boundaries, {off:.2f} elsewhere")

# %% alt="Heat map of the largest singular value of the Jacobian of the predicted probabilities with respect to the input, over the square from -1.1 to 1.1 in both coordinates, with the decision boundaries drawn as white lines and a third of the training points as white markers, one shape per class: the value is high in narrow bands that follow the spiral-shaped boundaries and near zero inside each class's region."
fig, ax = plt.subplots(figsize=(5.2, 4.2))
image = ax.imshow(sensitivity, extent=(-1.1, 1.1, -1.1, 1.1), origin="lower",
                  interpolation="none")
fig.colorbar(image, ax=ax, label="‖∂ŷ/∂x‖₂")
for c in range(3):  # class c's boundary: y_hat_c equals the largest other y_hat
    margin = Y[:, c] - np.delete(Y, c, axis=1).max(axis=1)
    ax.contour(G1, G2, margin.reshape(G1.shape), levels=[0], colors="white",
               linewidths=0.8)
for c, marker in enumerate("o^s"):
    ax.scatter(*X[labels == c][::3].T, s=10, marker=marker, color="white",
               edgecolors="black", linewidths=0.4)
ax.set(xlabel="x₁", ylabel="x₂", title="sensitivity of the trained network")
plt.show()

# %% [markdown]
# Inside each class's region the prediction hardly moves when the input moves; along
# the decision boundaries a small step of $\mathbf{x}$ changes $\hat{\mathbf{y}}$ a
# lot. The boundaries follow the spiral arms, which no linear classifier could do.

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
# --8<-- [end:model]


# --8<-- [start:jacobian_product]
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
# --8<-- [end:jacobian_product]


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


# --8<-- [start:exercise_input]
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
# --8<-- [end:exercise_input]


# --8<-- [start:exercise_sum]
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
# --8<-- [end:exercise_sum]


# --8<-- [start:exercise_relu]
def forward_relu(params, X, labels):
    """forward() with ReLU in place of tanh; it stores the output H = max(A, 0)."""
    H = np.maximum(X @ params["W1"].T + params["b1"], 0.0)
    Z = H @ params["W2"].T + params["b2"]
    Z = Z - Z.max(axis=1, keepdims=True)
    log_S = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return -log_S[np.arange(len(labels)), labels].mean(), (X, H, np.exp(log_S), labels)


def backward_relu(params, cache):
    """backward() with one line changed: the activation's VJP."""
    X, H, S, labels = cache
    U = (S - np.eye(S.shape[1])[labels]) / len(labels)
    grads = {"W2": U.T @ H, "b2": U.sum(axis=0)}
    U = (U @ params["W2"]) * (H > 0)  # ReLU: J = diag(1 where a > 0, else 0), and a > 0 exactly where h > 0
    grads["W1"], grads["b1"] = U.T @ X, U.sum(axis=0)
    return grads


X, labels = make_spirals()
params = init_params()
grads_relu = backward_relu(params, forward_relu(params, X, labels)[1])
h, worst_relu = 1e-6, 0.0
for k in params:
    for idx in np.ndindex(params[k].shape):
        up = {n: p.copy() for n, p in params.items()}
        down = {n: p.copy() for n, p in params.items()}
        up[k][idx] += h
        down[k][idx] -= h
        slope = (forward_relu(up, X, labels)[0] - forward_relu(down, X, labels)[0]) / (2 * h)
        worst_relu = max(worst_relu, abs(slope - grads_relu[k][idx]))
print(f"ReLU gradient check: largest |backprop - central difference| = {worst_relu:.1e}")
# --8<-- [end:exercise_relu]

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

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

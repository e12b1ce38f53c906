"""The chain rule as a product of Jacobians, on a composition built from the seed example.

f(x, y) = (x^2 y, 5x + sin y) is the seed example (R^2 -> R^2); g(u, v) = (u v, u - v, v^2)
maps R^2 -> R^3, so g o f: R^2 -> R^3 has a 3 x 2 Jacobian J_g(f(x)) J_f(x).
``python -m snippets.chain_rule`` prints what the page "The chain rule is a product of
Jacobians" shows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from snippets.shared.running_example import as_point, seed_f, seed_jacobian


def outer_g(u: np.ndarray) -> np.ndarray:
    """g(u, v) = (u v, u - v, v^2), a map from R^2 to R^3."""
    pu, pv = as_point(u)
    return np.array([pu * pv, pu - pv, pv**2])


def outer_g_jacobian(u: np.ndarray) -> np.ndarray:
    """J_g(u, v) = [[v, u], [1, -1], [0, 2v]], a 3 x 2 matrix."""
    pu, pv = as_point(u)
    return np.array([[pv, pu], [1.0, -1.0], [0.0, 2 * pv]])


def composed(p: np.ndarray) -> np.ndarray:
    """(g o f)(p): first the seed f, then g."""
    return outer_g(seed_f(p))


def composed_jacobian(p: np.ndarray) -> np.ndarray:
    """J_{g o f}(p) = J_g(f(p)) J_f(p): a 3 x 2 times 2 x 2 product, a 3 x 2 matrix."""
    return chain_jacobians([seed_jacobian(p), outer_g_jacobian(seed_f(p))])


def chain_jacobians(jacobians: Sequence[np.ndarray]) -> np.ndarray:
    """Jacobian of a composition from its stages' Jacobians, listed in the order applied.

    For stages f_1 (applied first), ..., f_k (applied last) with Jacobians J_1, ..., J_k
    evaluated at the points each stage sees, return J_k ... J_2 J_1. Shapes are checked:
    stage i maps R^{n_i} -> R^{m_i}, so m_i must equal n_{i+1}.
    """
    if isinstance(jacobians, (np.ndarray, str, bytes)) or not isinstance(jacobians, Sequence):
        raise TypeError(f"expected a list of Jacobian matrices, got {type(jacobians).__name__}")
    if len(jacobians) == 0:
        raise ValueError("expected at least one Jacobian, got an empty list")
    mats = []
    for i, J in enumerate(jacobians):
        if callable(J) or isinstance(J, (str, bytes)):
            raise TypeError(f"Jacobian {i} is a {type(J).__name__}, not a matrix")
        J = np.asarray(J, dtype=float)
        if J.ndim != 2:
            raise ValueError(f"Jacobian {i} must be a 2-D matrix, got shape {J.shape}")
        if not np.all(np.isfinite(J)):
            raise ValueError(f"Jacobian {i} has non-finite entries")
        if mats and mats[-1].shape[0] != J.shape[1]:
            raise ValueError(
                f"stage {i - 1} outputs R^{mats[-1].shape[0]} but stage {i} takes R^{J.shape[1]}: "
                f"shapes {mats[-1].shape} and {J.shape} do not chain"
            )
        mats.append(J)
    product = mats[0]
    for J in mats[1:]:
        product = J @ product  # the later stage multiplies from the left
    return product


def composed_sympy():
    """(g o f)(x, y) as a 3 x 1 sympy column vector in the seed's symbols x, y."""
    import sympy as sp

    from snippets.shared.running_example import seed_f_sympy

    u, v = seed_f_sympy()
    return sp.Matrix([u * v, u - v, v**2])


def graph_figure():
    """The computational graph of the seed f, each edge labelled with its local derivative."""
    import matplotlib.pyplot as plt

    nodes = {
        "x": (0.0, 1.0), "y": (0.0, -1.0), "a = x²": (1.6, 1.6), "b = 5x": (1.6, 0.35),
        "c = sin y": (1.6, -1.3), "f1 = a y": (3.4, 1.0), "f2 = b + c": (3.4, -0.6),
    }
    # (tail, head, local derivative, where the label sits along the edge): the edges y -> f1
    # and b -> f2 cross near (2.0, 0.15), so their labels sit well away from the crossing.
    edges = [
        ("x", "a = x²", "2x", 0.5), ("x", "b = 5x", "5", 0.5), ("y", "c = sin y", "cos y", 0.5),
        ("a = x²", "f1 = a y", "y", 0.5), ("y", "f1 = a y", "a", 0.3), ("b = 5x", "f2 = b + c", "1", 0.7),
        ("c = sin y", "f2 = b + c", "1", 0.5),
    ]
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    for src, dst, label, t in edges:
        (x0, y0), (x1, y1) = nodes[src], nodes[dst]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color="0.25", shrinkA=22, shrinkB=26, lw=1.2))
        # beside the edge: shifted along its normal, to the upper side, clear of the line
        dx, dy = x1 - x0, y1 - y0
        nx, ny = -dy / np.hypot(dx, dy), dx / np.hypot(dx, dy)
        if ny < 0:
            nx, ny = -nx, -ny
        ax.text(x0 + t * dx + 0.14 * nx, y0 + t * dy + 0.14 * ny, label, ha="center", va="center", fontsize=10,
                color="#1f4e9c", style="italic")
    for name, (px, py) in nodes.items():
        ax.text(px, py, name, ha="center", va="center", fontsize=10,
                bbox=dict(boxstyle="round,pad=0.35", fc="none", ec="black", lw=1.1))
    ax.set_xlim(-0.5, 4.0)
    ax.set_ylim(-1.8, 2.0)
    ax.axis("off")
    return fig


if __name__ == "__main__":
    # --8<-- [start:sympy-chain]
    import sympy as sp

    x, y, u, v = sp.symbols("x y u v")
    f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])  # f: R^2 -> R^2, the seed example
    g = sp.Matrix([u * v, u - v, v**2])  # g: R^2 -> R^3

    J_f = f.jacobian([x, y])  # 2 x 2
    J_g = g.jacobian([u, v])  # 3 x 2, still in the symbols u, v
    J_g_at_f = J_g.subs({u: f[0], v: f[1]})  # evaluated at the point f(x, y)

    composition = g.subs({u: f[0], v: f[1]})  # g(f(x, y)), written out
    J_direct = composition.jacobian([x, y])  # differentiate the composition directly

    print("shapes: J_g", J_g.shape, "times J_f", J_f.shape, "gives", (J_g_at_f * J_f).shape)
    print("J_g(f(x)) J_f(x) == J_(g o f)(x):", sp.simplify(J_g_at_f * J_f - J_direct) == sp.zeros(3, 2))
    print("at (x, y) = (1, 0):", J_direct.subs({x: 1, y: 0}))
    # --8<-- [end:sympy-chain]

    # --8<-- [start:numeric-chain]
    import numpy as np


    def f(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    def J_f(p):
        x, y = p
        return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


    def g(q):
        u, v = q
        return np.array([u * v, u - v, v**2])


    def J_g(q):
        u, v = q
        return np.array([[v, u], [1.0, -1.0], [0.0, 2 * v]])


    def central_difference(func, p, h=1e-6):
        cols = [(func(p + h * e) - func(p - h * e)) / (2 * h) for e in np.eye(p.size)]
        return np.stack(cols, axis=1)


    rng = np.random.default_rng(0)
    worst = 0.0
    for p in rng.uniform(-2, 2, size=(100, 2)):
        chain = J_g(f(p)) @ J_f(p)  # outer Jacobian at the inner output, times inner Jacobian
        numeric = central_difference(lambda q: g(f(q)), p)
        # mixed relative error: relative for large entries, absolute for entries near zero
        worst = max(worst, np.max(np.abs(chain - numeric) / (1 + np.abs(chain))))
    print("J_g(f(p)) @ J_f(p) at p = (1, 0):")
    print(J_g(f(np.array([1.0, 0.0]))) @ J_f(np.array([1.0, 0.0])))
    print(f"largest |difference| / (1 + |entry|) from central differences over 100 points: {worst:.1e}")
    # --8<-- [end:numeric-chain]

    # --8<-- [start:shapes]
    import numpy as np

    rng = np.random.default_rng(0)
    # Three stages R^4 -> R^5 -> R^3 -> R^1, each represented by its Jacobian at some point.
    J1 = rng.normal(size=(5, 4))  # first stage:  R^4 -> R^5
    J2 = rng.normal(size=(3, 5))  # second stage: R^5 -> R^3
    J3 = rng.normal(size=(1, 3))  # last stage:   R^3 -> R^1 (a scalar loss)

    print("J3 @ J2 @ J1 has shape", (J3 @ J2 @ J1).shape)  # 1 x 4: one row, a transposed gradient
    try:
        J1 @ J2 @ J3  # the order of application, written left to right: wrong
    except ValueError as err:
        print("J1 @ J2 @ J3 fails:", err)
    # --8<-- [end:shapes]

    # --8<-- [start:paths]
    import sympy as sp

    x, y = sp.symbols("x y")
    # The graph of f1 = x^2 y: x -> a = x^2 -> f1 = a * y, and y -> f1.
    a = sp.Symbol("a")
    da_dx = sp.diff(x**2, x)  # edge x -> a
    df1_da = sp.diff(a * y, a)  # edge a -> f1
    df1_dy = sp.diff(a * y, y).subs(a, x**2)  # edge y -> f1
    # One path from x to f1, one from y: multiply along each path, add over paths.
    print("df1/dx along x -> a -> f1:", (df1_da * da_dx).subs(a, x**2))
    print("df1/dy along y -> f1:     ", df1_dy)
    print("agrees with diff:", sp.Matrix([x**2 * y]).jacobian([x, y]) == sp.Matrix([[2 * x * y, x**2]]))
    # --8<-- [end:paths]

    # --8<-- [start:exercise-self]
    import numpy as np


    def f(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    def J_f(p):
        x, y = p
        return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


    p = np.array([1.0, 0.0])
    print("f(p) =", f(p))
    print("J_(f o f)(p) = J_f(f(p)) @ J_f(p) =")
    print(J_f(f(p)) @ J_f(p))
    # --8<-- [end:exercise-self]

    # --8<-- [start:exercise-linear]
    import numpy as np

    rng = np.random.default_rng(1)
    A = rng.normal(size=(3, 2))  # f(x) = A x: R^2 -> R^3
    B = rng.normal(size=(4, 3))  # g(z) = B z: R^3 -> R^4
    x = rng.normal(size=2)

    h = 1e-6
    numeric = np.stack([(B @ (A @ (x + h * e)) - B @ (A @ (x - h * e))) / (2 * h) for e in np.eye(2)], axis=1)
    print("J_(g o f) has shape", numeric.shape)
    print("max |numeric - B A| =", f"{np.max(np.abs(numeric - B @ A)):.1e}")
    # --8<-- [end:exercise-linear]

    # --8<-- [start:exercise-shapes]
    import numpy as np

    # Jacobians of the three stages, in the order they are applied (zeros: only shapes matter).
    J1 = np.zeros((256, 784))  # R^784 -> R^256
    J2 = np.zeros((10, 256))  # R^256 -> R^10
    J3 = np.zeros((1, 10))  # R^10 -> R (the loss)
    print("J3 @ J2 @ J1 has shape", (J3 @ J2 @ J1).shape)
    # --8<-- [end:exercise-shapes]

"""Notation and layouts: the numerator layout, the denominator layout, and Jacobian shapes.

Reusable functions sit at the top: the shape of a Jacobian in either layout, a finite-difference
Jacobian of an array-valued function of an array (shape ``f(x).shape + x.shape``, the numerator
layout generalised to arrays), and helpers for the naive batched Jacobian of shape (B, m, B, n).
The examples of the page "Notation and layouts" sit in the ``__main__`` block at the end;
``python -m snippets.notation`` prints what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Integral

import numpy as np

from snippets.shared.finite_differences import numerical_jacobian

LAYOUTS = ("numerator", "denominator")


def jacobian_shape(in_shape: Sequence[int], out_shape: Sequence[int], layout: str = "numerator") -> tuple[int, ...]:
    """Shape of the Jacobian of a map from arrays of ``in_shape`` to arrays of ``out_shape``.

    Numerator layout (this site, PyTorch, JAX): ``out_shape + in_shape``.
    Denominator layout: ``in_shape + out_shape``.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    shapes = []
    for name, shape in (("in_shape", in_shape), ("out_shape", out_shape)):
        if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence):
            raise TypeError(f"{name} must be a tuple of non-negative integers, got {type(shape).__name__}")
        if not all(isinstance(d, Integral) and not isinstance(d, bool) and d >= 0 for d in shape):
            raise ValueError(f"{name} must hold non-negative integers, got {tuple(shape)!r}")
        shapes.append(tuple(int(d) for d in shape))
    in_shape, out_shape = shapes
    return out_shape + in_shape if layout == "numerator" else in_shape + out_shape


def tensor_jacobian(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, h: float | None = None) -> np.ndarray:
    """Central-difference Jacobian of an array function: entry [i..., j...] = d f(x)[i...] / d x[j...].

    The result has shape ``f(x).shape + x.shape`` (numerator layout for arrays). A scalar
    function of a scalar gives a 0-d array; a batched function of a (B, n) array that returns
    (B, m) gives the naive (B, m, B, n) Jacobian.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if callable(x) or isinstance(x, (str, bytes)):
        raise TypeError(f"x must be an array of numbers, got {type(x).__name__}")
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        raise ValueError(f"x must not be empty, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite (no nan or inf)")
    out_shape = np.shape(f(x))

    def flat_f(v: np.ndarray) -> np.ndarray:
        return np.ravel(f(v.reshape(x.shape)))

    J = numerical_jacobian(flat_f, x.ravel(), method="central", h=h)
    return J.reshape(out_shape + x.shape)


def _check_batched(J: np.ndarray) -> np.ndarray:
    J = np.asarray(J, dtype=float)
    if J.ndim != 4 or J.shape[0] != J.shape[2]:
        raise ValueError(f"expected a naive batched Jacobian of shape (B, m, B, n), got shape {J.shape}")
    return J


def batch_diagonal(J: np.ndarray) -> np.ndarray:
    """The per-example Jacobians (B, m, n) inside a naive batched Jacobian (B, m, B, n): J[b, :, b, :]."""
    J = _check_batched(J)
    B = J.shape[0]
    return np.stack([J[b, :, b, :] for b in range(B)])


def off_diagonal_max(J: np.ndarray) -> float:
    """Largest |entry| of a naive batched Jacobian (B, m, B, n) outside its B diagonal blocks."""
    J = _check_batched(J)
    B = J.shape[0]
    mask = ~np.eye(B, dtype=bool)[:, None, :, None]  # True where example b != example c
    return float(np.max(np.abs(J) * mask, initial=0.0))


def layout_table(B: int = 3) -> list[dict[str, object]]:
    """The rows of the page's table of shapes.

    For each kind of map: the Jacobian's shape as a matrix (a scalar counted as a length-1
    vector) in the numerator and the denominator layout, and the shape of the array that
    ``tensor_jacobian`` measures (``f(x).shape + x.shape``, where a scalar has shape ``()``).
    """
    if not isinstance(B, Integral) or isinstance(B, bool) or B < 2:
        raise ValueError(f"B must be an integer >= 2, got {B!r}")
    rng = np.random.default_rng(0)

    def g(v: np.ndarray) -> np.ndarray:  # R^3 -> R^2
        return np.array([v[0] * v[1] * v[2], v[0] + v[1]])

    def batched_g(X: np.ndarray) -> np.ndarray:  # (B, 3) -> (B, 2)
        return np.stack([g(row) for row in X])

    cases = [
        ("scalar to scalar", "$\\sin x$", np.sin, rng.uniform(-1, 1, size=())),
        ("vector to scalar", "$x^2 y$", lambda v: v[0] ** 2 * v[1], rng.uniform(-1, 1, size=2)),
        ("vector to vector", "$(xyz,\\ x + y)$", g, rng.uniform(-1, 1, size=3)),
        (f"batch of {B} vectors, naive", "$(xyz,\\ x + y)$ per row", batched_g, rng.uniform(-1, 1, size=(B, 3))),
    ]
    rows = []
    for kind, example, func, x in cases:
        out_shape = np.shape(func(x))
        J = tensor_jacobian(func, x)
        if x.ndim <= 1:  # matrix calculus: a scalar is a 1-vector
            in_mat, out_mat = x.shape or (1,), out_shape or (1,)
        else:  # a batch: the shape of the whole array
            in_mat, out_mat = x.shape, out_shape
        rows.append(
            {
                "kind": kind,
                "example": example,
                "numerator": jacobian_shape(in_mat, out_mat, "numerator"),
                "denominator": jacobian_shape(in_mat, out_mat, "denominator"),
                "array": J.shape,
                "expected_array": jacobian_shape(x.shape, out_shape, "numerator"),
            }
        )
        if x.ndim == 2:
            per_example = batch_diagonal(J)
            n, m = x.shape[1], out_shape[1]
            rows.append(
                {
                    "kind": f"batch of {B} vectors, per example",
                    "example": example,
                    "numerator": (B,) + jacobian_shape((n,), (m,), "numerator"),
                    "denominator": (B,) + jacobian_shape((n,), (m,), "denominator"),
                    "array": per_example.shape,
                    "expected_array": (B, m, n),
                }
            )
    return rows


def _shape_text(shape: tuple[int, ...], matrix: bool) -> str:
    if matrix and len(shape) == 2:
        return f"${shape[0]} \\times {shape[1]}$"
    return "`()` (a scalar)" if shape == () else f"`{shape}`"


def shape_table_markdown(B: int = 3) -> str:
    """The page's table of shapes as Markdown; every shape in it comes from ``layout_table``."""
    lines = [
        "| Map | Example | Numerator layout (this site) | Denominator layout | Array that code returns, measured |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in layout_table(B):
        matrix = len(row["numerator"]) == 2
        lines.append(
            f"| {row['kind']} | {row['example']} | {_shape_text(row['numerator'], matrix)} "
            f"| {_shape_text(row['denominator'], matrix)} | {_shape_text(row['array'], False)} |"
        )
    return "\n".join(lines)


def rosetta_table_markdown() -> str:
    """The page's "Rosetta stone": the same derivatives in both layouts, the example's matrices from sympy."""
    import sympy as sp

    from snippets.shared.running_example import seed_f_sympy, seed_symbols

    x, y = seed_symbols()
    numerator = seed_f_sympy().jacobian([x, y])
    denominator = sp.Matrix(sp.derive_by_array(list(seed_f_sympy()), [x, y]))
    num_tex = sp.latex(numerator, mat_delim="[")
    den_tex = sp.latex(denominator, mat_delim="[")
    rows = [
        ("", "**Numerator layout** (this site)", "**Denominator layout**"),
        ("Derivative of $\\vf: \\R^n \\to \\R^m$", "$m \\times n$: one row per output",
         "$n \\times m$: one row per input"),
        ("Entry $(i, j)$", "$\\partial f_i / \\partial x_j$", "$\\partial f_j / \\partial x_i$"),
        ("Running example $\\vf(x, y) = (x^2 y,\\ 5x + \\sin y)$", f"${num_tex}$", f"${den_tex}$"),
        ("Scalar $g: \\R^n \\to \\R$", "$\\nabla g^\\top$, a $1 \\times n$ row",
         "$\\nabla g$, an $n \\times 1$ column"),
        ("Linear map $\\vf(\\vx) = A\\vx$, $A$ of size $m \\times n$", "$A$", "$A^\\top$"),
        ("Chain rule for $\\vz = \\mathbf{k}(\\vy)$, $\\vy = \\vg(\\vx)$",
         "$\\J_{\\mathbf{k} \\circ \\vg}(\\vx) = \\J_\\mathbf{k}(\\vg(\\vx))\\, \\J_\\vg(\\vx)$: outer factor first",
         "$\\frac{\\partial \\vz}{\\partial \\vx} = \\frac{\\partial \\vy}{\\partial \\vx} \\frac{\\partial \\vz}{\\partial \\vy}$: inner factor first"),
        ("First-order change", "$\\vf(\\vx + \\vh) \\approx \\vf(\\vx) + \\J_\\vf(\\vx)\\, \\vh$",
         "$\\vf(\\vx + \\vh) \\approx \\vf(\\vx) + \\big(\\frac{\\partial \\vf}{\\partial \\vx}\\big)^\\top \\vh$"),
        ("In SymPy", "`Matrix.jacobian`", "`derive_by_array`"),
    ]
    lines = [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines.insert(1, "| --- | --- | --- |")
    return "\n".join(lines)


def batched_jacobian_figure(B: int = 3, seed: int = 0):
    """A matplotlib figure of the naive batched Jacobian of the running example, drawn as a
    (B*m) x (B*n) matrix with one block per pair of examples: only the diagonal blocks are nonzero."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from snippets.shared.running_example import seed_f

    X = np.random.default_rng(seed).uniform(-2, 2, size=(B, 2))
    J = tensor_jacobian(lambda X: np.stack([seed_f(row) for row in X]), X)
    Bm, Bn = J.shape[0] * J.shape[1], J.shape[2] * J.shape[3]
    M = J.reshape(Bm, Bn)
    m, n = J.shape[1], J.shape[3]
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    for r in range(Bm):
        for c in range(Bn):
            on_diagonal = r // m == c // n
            ax.add_patch(Rectangle((c, r), 1, 1, facecolor="#c9d3f0" if on_diagonal else "none", edgecolor="#999999", lw=0.5))
            value = M[r, c]
            ax.text(c + 0.5, r + 0.5, "0" if abs(value) < 1e-8 else f"{value:.2f}", ha="center", va="center",
                    fontsize=8, color="#111111" if on_diagonal else "#777777")
    for k in range(B + 1):  # block boundaries
        ax.plot([0, Bn], [k * m, k * m], color="#222222", lw=1.4)
        ax.plot([k * n, k * n], [0, Bm], color="#222222", lw=1.4)
    ax.set_xlim(0, Bn)
    ax.set_ylim(Bm, 0)
    ax.set_aspect("equal")
    ax.set_xticks([k * n + n / 2 for k in range(B)], [f"input of\nexample {k + 1}" for k in range(B)], fontsize=8)
    ax.set_yticks([k * m + m / 2 for k in range(B)], [f"output of\nexample {k + 1}" for k in range(B)], fontsize=8)
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    for side in ax.spines.values():
        side.set_visible(False)
    return fig


if __name__ == "__main__":
    # --8<-- [start:gradient-row]
    import sympy as sp

    x, y = sp.symbols("x y")
    g = x**2 * y  # a scalar function of (x, y): the first component of the running example

    grad_g = sp.Matrix([g.diff(x), g.diff(y)])  # the gradient: a column, 2 x 1
    J_g = sp.Matrix([g]).jacobian([x, y])  # the Jacobian of a scalar function: a row, 1 x 2

    print("gradient:", grad_g, "shape", grad_g.shape)
    print("Jacobian:", J_g, "shape", J_g.shape)
    print("Jacobian == gradient^T:", J_g == grad_g.T)
    # --8<-- [end:gradient-row]

    # --8<-- [start:two-layouts]
    import sympy as sp

    x, y = sp.symbols("x y")
    f = [x**2 * y, 5 * x + sp.sin(y)]

    numerator = sp.Matrix(f).jacobian([x, y])  # entry (i, j) = d f_i / d x_j
    denominator = sp.derive_by_array(f, [x, y])  # entry (j, i) = d f_i / d x_j

    print("numerator layout (Matrix.jacobian):  ", numerator.tolist())
    print("denominator layout (derive_by_array):", denominator.tolist())
    print("denominator == numerator^T:", sp.Matrix(denominator) == numerator.T)
    # --8<-- [end:two-layouts]

    # --8<-- [start:shapes]
    import numpy as np


    def jacobian_fd(f, x, h=1e-5):
        """Central differences; the result has shape f(x).shape + x.shape (numerator layout)."""
        x = np.asarray(x, dtype=float)
        out_shape = np.shape(f(x))
        J = np.zeros(out_shape + x.shape)
        for j in np.ndindex(x.shape):  # one input entry at a time
            step = np.zeros_like(x)
            step[j] = h
            J[(...,) + j] = (f(x + step) - f(x - step)) / (2 * h)
        return J


    def f(v):  # the running example, R^2 -> R^2
        return np.array([v[0] ** 2 * v[1], 5 * v[0] + np.sin(v[1])])


    print("scalar -> scalar, sin x:      ", jacobian_fd(np.sin, 0.5).shape)
    print("vector -> scalar, x^2 y:      ", jacobian_fd(lambda v: v[0] ** 2 * v[1], [1.0, 2.0]).shape)
    print("vector -> vector, (xyz, x+y): ", jacobian_fd(lambda v: np.array([v[0] * v[1] * v[2], v[0] + v[1]]),
                                                        [1.0, 2.0, 3.0]).shape)
    X = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]])  # a batch of B = 3 points, shape (3, 2)
    batched_f = lambda X: np.stack([f(row) for row in X])  # (3, 2) -> (3, 2)
    print("batch (3, 2) -> (3, 2):       ", jacobian_fd(batched_f, X).shape)
    # --8<-- [end:shapes]

    # --8<-- [start:batched]
    import numpy as np


    def f(v):  # the running example on one point (x, y)
        return np.array([v[0] ** 2 * v[1], 5 * v[0] + np.sin(v[1])])


    def J_exact(v):
        return np.array([[2 * v[0] * v[1], v[0] ** 2], [5.0, np.cos(v[1])]])


    def batched_f(X):  # a batch (B, 2) -> (B, 2), one example per row
        return np.stack([f(row) for row in X])


    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(3, 2))  # B = 3 examples
    B, n = X.shape
    m = batched_f(X).shape[1]

    h = 1e-6  # central differences, one input entry X[c, j] at a time
    J = np.zeros((B, m, B, n))
    for c in range(B):
        for j in range(n):
            step = np.zeros_like(X)
            step[c, j] = h
            J[:, :, c, j] = (batched_f(X + step) - batched_f(X - step)) / (2 * h)

    off_diagonal = max(np.max(np.abs(J[b, :, c, :])) for b in range(B) for c in range(B) if b != c)
    per_example = np.stack([J[b, :, b, :] for b in range(B)])  # shape (B, m, n)
    error = np.max(np.abs(per_example - np.stack([J_exact(row) for row in X])))
    print("naive batched Jacobian:", J.shape, "=", J.size, "entries")
    print("largest |entry| outside the diagonal blocks:", off_diagonal)
    print("per-example Jacobians:", per_example.shape, "=", per_example.size, "entries")
    print(f"largest |diagonal block - exact J_f(x_b)|: {error:.1e}")
    # --8<-- [end:batched]

    # --8<-- [start:exercise-linear-layer]
    import sympy as sp

    W = sp.Matrix(4, 3, lambda i, j: sp.Symbol(f"w{i + 1}{j + 1}"))  # weights, 4 x 3
    b = sp.Matrix(4, 1, lambda i, j: sp.Symbol(f"b{i + 1}"))  # bias, 4 x 1
    xs = sp.symbols("x1:4")  # the input (x1, x2, x3)
    layer = W * sp.Matrix(xs) + b  # R^3 -> R^4

    numerator = layer.jacobian(xs)
    denominator = sp.Matrix(sp.derive_by_array(list(layer), xs))
    print("numerator layout:  ", numerator.shape, " equals W:  ", numerator == W)
    print("denominator layout:", denominator.shape, " equals W^T:", denominator == W.T)
    # --8<-- [end:exercise-linear-layer]

    # --8<-- [start:exercise-batch-count]
    B, n, m = 32, 10, 5  # batch size, input and output sizes of one example
    naive = B * m * B * n  # entries of the (B, m, B, n) Jacobian
    per_example = B * m * n  # entries of the (B, m, n) stack
    print("naive (B, m, B, n) entries:  ", naive)
    print("per-example (B, m, n) entries:", per_example)
    print("fraction that can be nonzero: ", per_example / naive, "= 1/B =", 1 / B)
    # --8<-- [end:exercise-batch-count]

    # --8<-- [start:exercise-chain-order]
    import numpy as np

    rng = np.random.default_rng(1)
    A = rng.normal(size=(3, 2))  # y = g(x) = A x: R^2 -> R^3, so J_g = A
    C = rng.normal(size=(4, 3))  # z = k(y) = C y: R^3 -> R^4, so J_k = C

    # Numerator layout: J_{k o g}(x) = J_k(g(x)) J_g(x), the outer map's Jacobian on the left.
    numerator = C @ A  # 4 x 2
    # Denominator layout: dz/dx = (dy/dx)(dz/dy) with dy/dx = A^T and dz/dy = C^T.
    denominator = A.T @ C.T  # 2 x 4
    print("numerator  J_k J_g shape:", numerator.shape)
    print("denominator (dy/dx)(dz/dy) shape:", denominator.shape)
    print("denominator == numerator^T:", np.allclose(denominator, numerator.T))
    # --8<-- [end:exercise-chain-order]

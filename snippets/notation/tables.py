"""The tables of docs/notation.md, made while the page is built (not shown as code).

The shape table measures every shape by computing the Jacobian (``tensor_jacobian``); the
"Rosetta stone" takes the running example's matrices in both layouts from SymPy; each row of
the identity cheat-sheet carries SymPy builders for its function and both derivatives, which
the page's test compares with SymPy's own Jacobian and ``derive_by_array``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from snippets.shared.checks import count, finite_array, function
from snippets.shared.finite_differences import numerical_jacobian


def tensor_jacobian(f: Callable[[np.ndarray], np.ndarray], x) -> np.ndarray:
    """The central-difference Jacobian of an array function of an array, of shape f(x).shape + x.shape.

    Entry [i..., j...] is d f(x)[i...] / d x[j...]: the numerator layout for arrays. A scalar
    function of a scalar gives a 0-d array; a batched (B, n) -> (B, m) function gives the naive
    (B, m, B, n) Jacobian. The differences themselves are the shared ``numerical_jacobian``,
    on the flattened input and output.
    """
    function("f", f)  # checked here: numerical_jacobian only sees the flattening wrapper
    x = finite_array("x", x, ndim=None)
    J = numerical_jacobian(lambda v: np.ravel(f(v.reshape(x.shape))), x.ravel())
    return J.reshape(np.shape(f(x)) + x.shape)


def layout_table(B: int = 3) -> list[dict[str, object]]:
    """The rows of the page's table of shapes, for a batch of ``B`` examples.

    Each row: the kind of map, its example, the Jacobian's shape as a matrix (a scalar counted
    as a length-1 vector) in the numerator and the denominator layout, and the shape of the
    array that ``tensor_jacobian`` returns (``f(x).shape + x.shape``, a scalar having shape ``()``),
    with that array and the point ``x`` it was measured at (so its values can be checked too).
    """
    B = count("B", B, minimum=2)
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
        J = tensor_jacobian(func, x)
        out_shape = np.shape(func(x))
        # Matrix calculus counts a scalar as a 1-vector; a batch keeps its array shapes.
        in_mat, out_mat = (x.shape or (1,), out_shape or (1,)) if x.ndim <= 1 else (x.shape, out_shape)
        rows.append({"kind": kind, "example": example, "numerator": out_mat + in_mat,
                     "denominator": in_mat + out_mat, "array": J.shape, "x": x, "jacobian": J})
        if x.ndim == 2:  # the batch: its per-example Jacobians are the diagonal blocks J[b, :, b, :]
            per_example = np.stack([J[b, :, b, :] for b in range(B)])
            n, m = x.shape[1], out_shape[1]
            rows.append({"kind": f"batch of {B} vectors, per example", "example": example,
                         "numerator": (B, m, n), "denominator": (B, n, m), "array": per_example.shape,
                         "x": x, "jacobian": per_example})
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
    """The page's "Rosetta stone": the same derivatives in both layouts, the example's matrices from SymPy."""
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


def identities():
    """The rows of the page's cheat-sheet: (f, numerator, denominator) as TeX, and as SymPy
    builders on the symbols of ``identity_symbols`` (a test differentiates each f with SymPy
    in both layouts and compares)."""
    import sympy as sp

    def sigma(v):  # an elementwise function sigma, applied entry by entry
        return v.applyfunc(sp.Function("sigma"))

    def sigma_prime(v):
        return sp.diag(*[sp.Function("sigma")(t).diff(t) for t in v])

    ones = lambda n: sp.ones(n, 1)  # noqa: E731
    return [
        ("$A\\vx$", "$A$", "$A^\\top$", lambda x, A, S, a, g: (A * x, A, A.T)),
        ("$\\va^\\top \\vx$", "$\\va^\\top$", "$\\va$", lambda x, A, S, a, g: (a.T * x, a.T, a)),
        ("$\\vx^\\top S \\vx$, $S$ square", "$\\vx^\\top (S + S^\\top)$", "$(S + S^\\top)\\,\\vx$",
         lambda x, A, S, a, g: (x.T * S * x, x.T * (S + S.T), (S + S.T) * x)),
        ("$\\lVert \\vx \\rVert^2 = \\vx^\\top \\vx$", "$2\\vx^\\top$", "$2\\vx$",
         lambda x, A, S, a, g: (x.T * x, 2 * x.T, 2 * x)),
        ("$\\mathbf{1}^\\top \\vx = \\sum_i x_i$", "$\\mathbf{1}^\\top$", "$\\mathbf{1}$",
         lambda x, A, S, a, g: (ones(len(x)).T * x, ones(len(x)).T, ones(len(x)))),
        ("$\\sigma(\\vx)$, elementwise", "$\\operatorname{diag}(\\sigma'(\\vx))$",
         "$\\operatorname{diag}(\\sigma'(\\vx))$", lambda x, A, S, a, g: (sigma(x), sigma_prime(x), sigma_prime(x))),
        ("$A\\,\\vg(\\vx)$, $A$ constant", "$A\\, \\J_\\vg(\\vx)$",
         "$(\\partial \\vg / \\partial \\vx)\\, A^\\top$",
         lambda x, A, S, a, g: (A * g, A * g.jacobian(x), sp.Matrix(sp.derive_by_array(list(g), list(x))) * A.T)),
    ]


def identity_symbols():
    """(x, A, S, a, g): x in R^3, a constant 2 x 3 matrix A, a square S, a vector a, and a
    non-linear g: R^3 -> R^3 of x, all SymPy objects (the cheat-sheet's builders take these)."""
    import sympy as sp

    x = sp.Matrix(sp.symbols("x1:4"))
    A = sp.Matrix(2, 3, lambda i, j: sp.Symbol(f"A{i}{j}"))
    S = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"S{i}{j}"))
    a = sp.Matrix(sp.symbols("a1:4"))
    g = sp.Matrix([x[0] * x[1], sp.sin(x[2]), x[0] + x[2] ** 2])
    return x, A, S, a, g


def identity_table_markdown() -> str:
    """The cheat-sheet as Markdown: one row per identity of ``identities``."""
    lines = ["| $f(\\vx)$ | Numerator layout (this site) | Denominator layout |", "| --- | --- | --- |"]
    lines += [f"| {f} | {num} | {den} |" for f, num, den, _ in identities()]
    return "\n".join(lines)

"""docs/notation.md: the numerator and denominator layouts, Jacobian shapes in code, the batched Jacobian.

Every claim of the page is checked on the objects its examples make (snippets/notation/): the
gradient and the Jacobian row and the two layouts against SymPy, the shown `jacobian_fd` as a
function (scalars, vectors, matrices, batches) against SymPy and closed forms, the batched
Jacobian's blocks against the exact Jacobians, each exercise's answer, and the page's tables
and figure (snippets/notation/tables.py, figures.py) against the shapes and values they claim,
and every identity of the cheat-sheet, in both layouts, against SymPy.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from snippets.notation.figures import batched_jacobian_figure, batched_jacobian_matrix
from snippets.notation.tables import identities, identity_symbols, identity_table_markdown, layout_table
from snippets.notation.tables import rosetta_table_markdown, shape_table_markdown, tensor_jacobian
from snippets.shared.figures import svg_figure
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_jacobian, seed_symbols
from tests.conftest import ROOT

PAGE = "notation"
PAGE_TEXT = (ROOT / "docs" / "notation.md").read_text(encoding="utf-8")
# Central differences, h = 1e-5, 1e-6 or 6e-6: h^2 |f'''| / 6 + eps |f| / h < 3e-9 for |x| <= 2, far below 1e-7.
FD_TOL = 1e-7

coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)
_xyz = sp.symbols("x y z")
_G = sp.Matrix([_xyz[0] * _xyz[1] * _xyz[2], _xyz[0] + _xyz[1]])  # the page's g: R^3 -> R^2
G_JACOBIAN = sp.lambdify([_xyz], _G.jacobian(_xyz), "numpy")  # J_g at a point (x, y, z), as a float array


def square_jacobian(X: np.ndarray) -> np.ndarray:
    """The Jacobian of F(X) = X @ X: dF[i,k]/dX[a,b] = delta_ia X[b,k] + X[i,a] delta_kb."""
    I = np.eye(len(X))
    return np.einsum("ia,bk->ikab", I, X) + np.einsum("ia,kb->ikab", X, I)


def assert_block_diagonal(J: np.ndarray, X: np.ndarray, jacobian=seed_jacobian) -> np.ndarray:
    """Naive (B, m, B, n) J at the rows of X: diagonal blocks (returned) exact Jacobians, all others 0 (0 / 2h)."""
    B = len(X)
    assert J.shape[0] == J.shape[2] == B and not np.any(J * (1 - np.eye(B))[:, None, :, None])
    diagonal = np.stack([J[b, :, b, :] for b in range(B)])
    np.testing.assert_allclose(diagonal, np.stack([jacobian(x) for x in X]), atol=FD_TOL, rtol=0)
    return diagonal


def test_gradient_column_jacobian_row_and_two_layouts_are_transposes(example):
    """In the listings, the Rosetta table and the worked example; the table's formulas name their maps."""
    x, y = seed_symbols()
    ns = example(PAGE, "gradient_row")
    assert ns["g"] == x**2 * y
    assert ns["grad_g"] == sp.Matrix([2 * x * y, x**2]) and ns["J_g"] == sp.Matrix([[2 * x * y, x**2]])
    ns = example(PAGE, "two_layouts")
    J = sp.Matrix([[2 * x * y, x**2], [5, sp.cos(y)]])
    assert ns["numerator"] == J and sp.Matrix(ns["denominator"]) == J.T  # one row per output, one per input
    table = rosetta_table_markdown()
    assert f"${sp.latex(J, mat_delim='[')}$ | ${sp.latex(J.T, mat_delim='[')}$" in table
    assert "`Matrix.jacobian` | `derive_by_array`" in table
    assert all(line.count("|") == 4 for line in table.splitlines())  # no stray pipes inside math
    at_123 = {_xyz[0]: 1, _xyz[1]: 2, _xyz[2]: 3}
    assert _G.jacobian(_xyz).subs(at_123) == sp.Matrix([[6, 3, 2], [1, 1, 0]])
    assert sp.Matrix(sp.derive_by_array(list(_G), _xyz)).subs(at_123) == sp.Matrix([[6, 1], [3, 1], [2, 0]])
    for text in (table, PAGE_TEXT):
        assert "\\J_\\vz(\\vy)" not in text and "\\J_\\vy(\\vx)" not in text and "\\J_{\\vz}(\\vx)" not in text
    assert "\\J_{\\mathbf{k} \\circ \\vg}(\\vx) = \\J_\\mathbf{k}(\\vg(\\vx))\\, \\J_\\vg(\\vx)" in table
    assert "\\J_{\\mathbf{k} \\circ \\vg}(\\vx)" in PAGE_TEXT.split("**3.**")[1]
    section = PAGE_TEXT.split("## A worked example by hand")[1].split("## ")[0]
    displays = re.findall(r"\$\$(.*?)\$\$", section, re.S)
    assert len(displays) == 2 and all(d.count("\\begin{bmatrix}") == 1 for d in displays)
    assert "\\bigg|_{(1, 2, 3)}" in displays[1]


def test_cheat_sheet_identities_hold_in_both_layouts():
    """Each row's numerator form is SymPy's Jacobian, its denominator form SymPy's derive_by_array."""
    x, A, S, a, g = identity_symbols()
    rows = identities()
    for f_tex, num_tex, den_tex, build in rows:
        f, numerator, denominator = build(x, A, S, a, g)
        flat = list(f)  # a 1 x 1 matrix is the scalar f
        jac = sp.Matrix(flat).jacobian(x)
        den = sp.Matrix(sp.derive_by_array(flat[0] if len(flat) == 1 else flat, list(x)))
        assert sp.simplify(jac - numerator) == sp.zeros(*jac.shape), f_tex
        assert sp.simplify(den - denominator) == sp.zeros(*den.shape), f_tex
        assert f"| {f_tex} | {num_tex} | {den_tex} |" in identity_table_markdown()
    # The "transpose both sides" example of the text is the last row; only the reversed, transposed form fits.
    assert rows[-1][0] == "$A\\,\\vg(\\vx)$, $A$ constant" and "\\frac{\\partial \\vg}{\\partial \\vx}\\, A^\\top" in PAGE_TEXT
    assert len(identity_table_markdown().splitlines()) == 2 + len(rows) == 9


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate, coordinate, st.integers(min_value=1, max_value=4))
def test_shown_jacobian_fd_and_batched_functions_on_scalars_vectors_matrices_and_batches(example, px, py, pz, B):
    """jacobian_fd has shape f(x).shape + x.shape and the right values; batches are block diagonal unless coupled."""
    ns, shown = example(PAGE, "shapes"), example(PAGE, "batched")
    jacobian_fd, p = ns["jacobian_fd"], [px, py]  # a list works like an array
    assert (d := jacobian_fd(np.sin, px)).shape == () and abs(float(d) - np.cos(px)) < FD_TOL  # scalar: a 0-d array
    # assert_allclose also checks the shapes: (n,) for vector -> scalar, (2, 3) for g, (2, 2, 2, 2) for X @ X.
    np.testing.assert_allclose(jacobian_fd(lambda v: v[0] ** 2 * v[1], p), [2 * px * py, px**2], atol=FD_TOL, rtol=0)
    np.testing.assert_allclose(ns["g"](np.array([px, py, pz])), [px * py * pz, px + py], rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(jacobian_fd(ns["g"], [px, py, pz]), G_JACOBIAN([px, py, pz]), atol=FD_TOL, rtol=0)
    M = np.array([[px, py], [pz, 1.0]])
    for jac in (jacobian_fd, tensor_jacobian):  # the table's tensor_jacobian too; a list works like an array
        np.testing.assert_allclose(jac(lambda A: A @ A, M.tolist()), square_jacobian(M), atol=FD_TOL, rtol=0)
    for f, exact in ((shown["f"], seed_f), (shown["J_exact"], seed_jacobian)):
        np.testing.assert_allclose(f(np.array(p)), exact(p), rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(jacobian_fd(shown["f"], p), seed_jacobian(p), atol=FD_TOL, rtol=0)
    X = np.array([[px, py], [-py, pz], [pz, px], [1.0, -1.0]])[:B]
    np.testing.assert_allclose(shown["batched_f"](X), np.stack([seed_f(q) for q in X]), rtol=1e-15, atol=1e-15)
    assert_block_diagonal(jacobian_fd(shown["batched_f"], X), X)
    # Subtracting the batch mean couples the examples: d(X - mean X)[b, i] / dX[c, j] = (delta_bc - 1/B) delta_ij.
    coupled = np.einsum("bc,ij->bicj", np.eye(B) - 1 / B, np.eye(2))
    np.testing.assert_allclose(jacobian_fd(lambda A: A - A.mean(axis=0), X), coupled, atol=FD_TOL)


def test_shown_batches_have_the_naive_shape_the_page_quotes_and_the_exact_diagonal_blocks(example):
    ns = example(PAGE, "shapes")
    X, J = ns["X"], ns["jacobian_fd"](ns["batched_g"], ns["X"])
    assert X.shape == (3, 3) and len(np.unique(X, axis=0)) == 3
    np.testing.assert_allclose(ns["batched_g"](X), [[a * b * c, a + b] for a, b, c in X], rtol=1e-15)
    assert_block_diagonal(J, X, G_JACOBIAN)
    B = int(re.search(r"shape_table_markdown\(B=(\d+)\)", PAGE_TEXT).group(1))  # the page uses one batch size
    naive = (B, 2, B, 3)  # the table's g: R^3 -> R^2, batched: the code measures the table's shape
    assert J.shape == naive and B == 3 and naive in [r["array"] for r in layout_table(B)]
    assert f"`{naive}`" in PAGE_TEXT.split("!!! question")[1].split("\n\n")[0]  # the question quotes the table
    assert f"`{naive}`" in shape_table_markdown(B)
    ns = example(PAGE, "batched")  # the numerical check
    X, J = ns["X"], ns["J"]
    assert X.shape == (3, 2) and (ns["B"], ns["m"], ns["n"]) == (3, 2, 2)
    assert len(np.unique(X, axis=0)) == 3 and np.all(np.abs(X) <= 2)  # three different examples
    np.testing.assert_array_equal(ns["per_example"], assert_block_diagonal(J, X))
    assert ns["off_diagonal"] == 0.0  # the page: "exactly zero, not just small"
    exact = np.stack([seed_jacobian(p) for p in X])
    assert ns["error"] == pytest.approx(np.max(np.abs(ns["per_example"] - exact)), rel=1e-12)
    assert 0 < ns["error"] < 1e-6  # the page: "far below 1e-6"


def test_tables_and_figure_show_the_measured_shapes_and_jacobians_of_their_examples():
    rows = layout_table(B=4)
    assert [(r["kind"], r["numerator"], r["denominator"], r["array"]) for r in rows] == [
        ("scalar to scalar", (1, 1), (1, 1), ()), ("vector to scalar", (1, 2), (2, 1), (2,)),
        ("vector to vector", (2, 3), (3, 2), (2, 3)),
        ("batch of 4 vectors, naive", (4, 2, 4, 3), (4, 3, 4, 2), (4, 2, 4, 3)),
        ("batch of 4 vectors, per example", (4, 2, 3), (4, 3, 2), (4, 2, 3))]
    scalar, vector, g, naive, per_example = rows
    assert abs(float(scalar["jacobian"]) - np.cos(scalar["x"])) < FD_TOL  # sin x, then x^2 y, then g
    np.testing.assert_allclose(vector["jacobian"], [2 * np.prod(vector["x"]), vector["x"][0] ** 2], atol=FD_TOL)
    np.testing.assert_allclose(g["jacobian"], G_JACOBIAN(g["x"]), atol=FD_TOL)
    np.testing.assert_equal(per_example["jacobian"], assert_block_diagonal(naive["jacobian"], naive["x"], G_JACOBIAN))
    assert len(lines := shape_table_markdown(B=4).splitlines()) == 2 + len(rows)
    assert "| vector to vector | $(xyz,\\ x + y)$ | $2 \\times 3$ | $3 \\times 2$ | `(2, 3)` |" in lines
    assert "| scalar to scalar | $\\sin x$ | $1 \\times 1$ | $1 \\times 1$ | `()` (a scalar) |" in lines
    assert "`(4, 2, 4, 3)` | `(4, 3, 4, 2)` | `(4, 2, 4, 3)` |" in lines[-2] and "`(4, 2, 3)`" in lines[-1]
    # The figure: the block-diagonal matrix of exact Jacobians, drawn cell by cell, as accessible SVG.
    X, M = batched_jacobian_matrix(B=3, seed=0)
    assert X.shape == (3, 2) and M.shape == (6, 6) and len(np.unique(X, axis=0)) == 3 and np.all(np.abs(X) <= 2)
    assert_block_diagonal(M.reshape(3, 2, 3, 2), X)  # the alt text: "a 6 by 6 grid ... 3 by 3 blocks of size 2 by 2"
    ax = (fig := batched_jacobian_figure(B=3, seed=0)).axes[0]
    cells = {(t.get_position()[1] - 0.5, t.get_position()[0] - 0.5): t.get_text() for t in ax.texts}
    assert cells == {(r, c): "0" if r // 2 != c // 2 else f"{M[r, c]:.2f}" for r in range(6) for c in range(6)}
    shaded = {(p.get_y(), p.get_x()) for p in ax.patches if p.get_facecolor()[3] > 0}
    assert shaded == {(r, c) for r in range(6) for c in range(6) if r // 2 == c // 2}
    # Block boundaries every 2 rows and columns, and one tick label per example, at block centres.
    boundaries = {(tuple(line.get_xdata()), tuple(line.get_ydata())) for line in ax.lines}
    assert boundaries == {((0, 6), (2 * k, 2 * k)) for k in range(4)} | {((2 * k, 2 * k), (0, 6)) for k in range(4)}
    assert list(ax.get_xticks()) == list(ax.get_yticks()) == [1.0, 3.0, 5.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"input of\nexample {k}" for k in (1, 2, 3)]
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"output of\nexample {k}" for k in (1, 2, 3)]
    assert svg_figure(fig, alt="the grid").startswith('<figure class="jfig"><svg role="img" aria-label="the grid"')


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: tensor_jacobian("sin", [1.0]), TypeError, "f must be callable, got str"),
    (lambda: tensor_jacobian(np.sin, "1.0"), TypeError, "x must be an array of numbers, got str"),
    (lambda: tensor_jacobian(np.sin, np.array([])), ValueError, "x must not be empty"),
    (lambda: tensor_jacobian(np.sin, [[1.0, np.inf]]), ValueError, "x must be finite"),
    (lambda: tensor_jacobian(lambda v: v / 0.0, [1.0]), ValueError, "non-finite"),
    (lambda: layout_table(1), ValueError, "B must be an integer >= 2"),
    (lambda: layout_table(2.5), TypeError, "B must be an integer, got float"),
    (lambda: layout_table(True), TypeError, "B must be an integer, got bool"),
    (lambda: batched_jacobian_matrix(B=0), ValueError, "B must be an integer >= 1"),
    (lambda: batched_jacobian_matrix(seed=-1), ValueError, "seed must be an integer >= 0"),
])
def test_tables_and_figure_reject_bad_input_naming_it(call, error, message):
    with np.errstate(all="ignore"), pytest.raises(error, match=message):
        call()


def test_exercises_linear_layer_chain_order_and_batch_count(example):
    ns = example(PAGE, "exercise_linear_layer")
    W, b, xs = ns["W"], ns["b"], ns["xs"]
    # The symbols are named with 1-based indices, as W_ij and b_i in the solution.
    assert W.shape == (4, 3) and [str(W[0, 0]), str(W[3, 2]), str(b[0]), str(b[3])] == ["w11", "w43", "b1", "b4"]
    assert ns["layer"] == W * sp.Matrix(xs) + b and ns["numerator"] == W and ns["denominator"] == W.T
    ns = example(PAGE, "exercise_chain_order")
    A, C = ns["A"], ns["C"]
    assert A.shape == (3, 2) and C.shape == (4, 3)
    J = numerical_jacobian(lambda v: C @ (A @ v), np.random.default_rng(4).normal(size=2))  # linear: exact to round-off
    np.testing.assert_allclose(ns["numerator"], J, atol=FD_TOL)  # 4 x 2
    np.testing.assert_allclose(ns["denominator"], J.T, atol=FD_TOL)  # 2 x 4
    # For any A and C: J = C A in the numerator layout, A^T C^T in the denominator layout.
    As, Cs = (sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{s}{i}{j}")) for s, r, c in (("a", 3, 2), ("c", 4, 3)))
    z = Cs * (As * sp.Matrix(ts := sp.symbols("t0:2")))
    assert sp.expand(z.jacobian(ts) - Cs * As) == sp.zeros(4, 2)
    assert sp.expand(sp.Matrix(sp.derive_by_array(list(z), ts)) - As.T * Cs.T) == sp.zeros(2, 4)
    ns = example(PAGE, "exercise_batch_count")
    entries, size_text = ns["jacobian_entries"], ns["size_text"]
    for B, m, n in ((2, 3, 4), (5, 1, 2)):  # the formula against the size of an actual naive batched Jacobian
        naive = tensor_jacobian(lambda X: X @ np.ones((n, m)), np.zeros((B, n)))
        assert entries(B, m, n) == (naive.size, np.stack([naive[k, :, k, :] for k in range(B)]).size)
    assert (ns["B"], ns["m"], ns["n"]) == (64, 4096, 4096) and ns["vjp"] == 64 * 4096
    assert (ns["naive"], ns["per_example"]) == (64**2 * 4096**2, 64 * 4096**2) and ns["fraction"] == 1 / 64
    assert [size_text(k) for k in (ns["naive"], ns["per_example"], ns["vjp"])] == ["256 GiB", "4 GiB", "1 MiB"]
    assert [size_text(k) for k in (10, 256, 384, 2**40 // 4)] == ["40 bytes", "1 KiB", "1.5 KiB", "1 TiB"]

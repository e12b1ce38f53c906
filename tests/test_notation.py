"""docs/notation.md: the numerator and denominator layouts, Jacobian shapes in code, the batched Jacobian.

Every claim of the page is checked on the objects its examples make (snippets/notation/): the
gradient and the Jacobian row and the two layouts against SymPy, the shown `jacobian_fd` as a
function (scalars, vectors, matrices, batches) against SymPy and closed forms, the batched
Jacobian's blocks against the exact Jacobians, each exercise's answer, and the page's tables
and figure (snippets/notation/tables.py, figures.py) against the shapes and values they claim.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.notation.figures import batched_jacobian_figure, batched_jacobian_matrix
from snippets.notation.tables import layout_table, rosetta_table_markdown, shape_table_markdown, tensor_jacobian
from snippets.shared.figures import svg_figure
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols
from tests.conftest import ROOT

PAGE = "notation"
# Central differences (h = 1e-5 in the shown jacobian_fd, 1e-6 in the shown batched block,
# 6e-6 in tensor_jacobian): truncation ~ h^2 |f'''| / 6 < 1e-10 and round-off ~ eps |f| / h
# <= 2e-16 * 10 / 1e-6 = 2e-9 for |x| <= 2, so 1e-7 has a wide margin yet catches any wrong
# entry (entries of the examples differ by far more).
FD_TOL = 1e-7

coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)


def g_numpy(v):
    """g(x, y, z) = (xyz, x + y): R^3 -> R^2, the page's worked example and table row."""
    return np.array([v[0] * v[1] * v[2], v[0] + v[1]])


_xyz = sp.symbols("x y z")
_G_JACOBIAN = sp.lambdify(_xyz, sp.Matrix([_xyz[0] * _xyz[1] * _xyz[2], _xyz[0] + _xyz[1]]).jacobian(_xyz), "numpy")


def g_jacobian(point) -> np.ndarray:
    """J_g at a point, from SymPy."""
    return np.asarray(_G_JACOBIAN(*point), float)


def square_jacobian(X: np.ndarray) -> np.ndarray:
    """The Jacobian of F(X) = X @ X: dF[i,k]/dX[a,b] = delta_ia X[b,k] + X[i,a] delta_kb."""
    I = np.eye(len(X))
    return np.einsum("ia,bk->ikab", I, X) + np.einsum("ia,kb->ikab", X, I)


def batched(func):
    return lambda X: np.stack([func(row) for row in X])


def assert_block_diagonal(J: np.ndarray, X: np.ndarray, jacobian=seed_jacobian) -> None:
    """J is the naive (B, m, B, n) Jacobian of a per-example map at the rows of X: diagonal
    blocks within FD_TOL of the exact Jacobians, every other block exactly zero (another
    example's input leaves the output bit-for-bit unchanged, so the quotient is 0 / 2h)."""
    B = len(X)
    assert J.shape[0] == J.shape[2] == B
    for b in range(B):
        for c in range(B):
            if b == c:
                np.testing.assert_allclose(J[b, :, b, :], jacobian(X[b]), atol=FD_TOL, rtol=0)
            else:
                assert np.all(J[b, :, c, :] == 0.0)


def page_text() -> str:
    return (ROOT / "docs" / "notation.md").read_text(encoding="utf-8")


# --- the convention: gradient column vs Jacobian row ---------------------------------------


def test_gradient_is_a_column_and_the_jacobian_its_transposed_row(example):
    ns = example(PAGE, "gradient_row")
    x, y = seed_symbols()
    assert ns["g"] == seed_f_sympy()[0]
    assert ns["grad_g"] == sp.Matrix([2 * x * y, x**2]) and ns["grad_g"].shape == (2, 1)
    assert ns["J_g"] == sp.Matrix([[2 * x * y, x**2]]) and ns["J_g"].shape == (1, 2)
    assert ns["J_g"] == ns["grad_g"].T
    grad_num = sp.lambdify((x, y), ns["grad_g"], "numpy")
    for p in np.random.default_rng(2).uniform(-2, 2, size=(20, 2)):  # numerically: a 1 x n row
        J_fd = numerical_jacobian(lambda v: v[0] ** 2 * v[1], p)
        assert J_fd.shape == (1, 2)
        np.testing.assert_allclose(J_fd, np.asarray(grad_num(*p), float).T, atol=FD_TOL, rtol=0)


# --- the two layouts ----------------------------------------------------------------------


def test_two_layouts_of_the_running_example_are_transposes(example):
    ns = example(PAGE, "two_layouts")
    x, y = seed_symbols()
    assert ns["numerator"] == sp.Matrix([[2 * x * y, x**2], [5, sp.cos(y)]])  # one row per output
    assert sp.Matrix(ns["denominator"]) == sp.Matrix([[2 * x * y, 5], [x**2, sp.cos(y)]])  # one row per input
    assert sp.Matrix(ns["denominator"]) == ns["numerator"].T


def test_worked_example_g_at_1_2_3_in_both_layouts():
    x, y, z = sp.symbols("x y z")
    g = sp.Matrix([x * y * z, x + y])
    J = g.jacobian([x, y, z])
    assert J.subs({x: 1, y: 2, z: 3}) == sp.Matrix([[6, 3, 2], [1, 1, 0]])
    den = sp.Matrix(sp.derive_by_array(list(g), [x, y, z]))
    assert den.shape == (3, 2) and den == J.T
    np.testing.assert_allclose(numerical_jacobian(g_numpy, [1.0, 2.0, 3.0]), [[6, 3, 2], [1, 1, 0]], atol=FD_TOL)


def test_rosetta_table_shows_sympys_matrices_in_both_layouts():
    table = rosetta_table_markdown()
    x, y = seed_symbols()
    J = seed_f_sympy().jacobian([x, y])
    assert f"${sp.latex(J, mat_delim='[')}$ | ${sp.latex(J.T, mat_delim='[')}$" in table
    assert "`Matrix.jacobian` | `derive_by_array`" in table
    assert all(line.count("|") == 4 for line in table.splitlines())  # no stray pipes inside math


def test_chain_rule_is_written_with_named_maps():
    table = rosetta_table_markdown()
    page = page_text()
    for text in (table, page):
        assert "\\J_\\vz(\\vy)" not in text and "\\J_\\vy(\\vx)" not in text and "\\J_{\\vz}(\\vx)" not in text
    assert "\\J_{\\mathbf{k} \\circ \\vg}(\\vx) = \\J_\\mathbf{k}(\\vg(\\vx))\\, \\J_\\vg(\\vx)" in table
    assert "\\J_{\\mathbf{k} \\circ \\vg}(\\vx)" in page.split("**3.**")[1]


def test_worked_example_displays_hold_one_matrix_each_and_name_the_point():
    section = page_text().split("## A worked example by hand")[1].split("## ")[0]
    displays = re.findall(r"\$\$(.*?)\$\$", section, re.S)
    assert len(displays) == 2
    assert all(d.count("\\begin{bmatrix}") == 1 for d in displays)
    assert "\\bigg|_{(1, 2, 3)}" in displays[1]


# --- shapes in code: the shown jacobian_fd ------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate, coordinate)
def test_shown_jacobian_fd_of_scalar_vector_and_non_square_maps(example, px, py, pz):
    ns = example(PAGE, "shapes")
    jacobian_fd, p = ns["jacobian_fd"], [px, py]  # a list works like an array
    d = jacobian_fd(np.sin, px)  # scalar -> scalar: a 0-d array
    assert d.shape == () and abs(float(d) - np.cos(px)) < FD_TOL
    grad = jacobian_fd(lambda v: v[0] ** 2 * v[1], p)  # vector -> scalar: shape (n,)
    assert grad.shape == (2,)
    np.testing.assert_allclose(grad, [2 * px * py, px**2], atol=FD_TOL, rtol=0)
    np.testing.assert_allclose(ns["f"](np.array(p)), seed_f(p), rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(jacobian_fd(ns["f"], p), seed_jacobian(p), atol=FD_TOL, rtol=0)
    J = jacobian_fd(g_numpy, [px, py, pz])  # numerator layout: outputs first, (2, 3)
    assert J.shape == (2, 3)
    np.testing.assert_allclose(J, g_jacobian([px, py, pz]), atol=FD_TOL, rtol=0)


def test_shown_jacobian_fd_of_a_matrix_function(example):
    X = np.array([[1.0, 2.0], [-0.5, 0.3]])
    J = example(PAGE, "shapes")["jacobian_fd"](lambda M: M @ M, X)
    assert J.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(J, square_jacobian(X), atol=FD_TOL)


def test_shown_batch_has_the_naive_shape_and_the_exact_diagonal_blocks(example):
    ns = example(PAGE, "shapes")
    X = ns["X"]
    np.testing.assert_allclose(ns["batched_f"](X), np.stack([seed_f(p) for p in X]), rtol=1e-15)
    J = ns["jacobian_fd"](ns["batched_f"], X)
    assert J.shape == (3, 2, 3, 2)
    assert_block_diagonal(J, X)


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1, max_value=4), st.integers(min_value=0, max_value=2**32 - 1))
def test_naive_batched_jacobian_is_block_diagonal_for_any_batch(example, B, seed):
    X = np.random.default_rng(seed).uniform(-2, 2, size=(B, 2))
    assert_block_diagonal(example(PAGE, "shapes")["jacobian_fd"](batched(seed_f), X), X)


def test_a_map_that_mixes_examples_is_not_block_diagonal(example):
    # Subtracting the batch mean couples the examples: d(X - mean X)[b, i] / dX[c, j] = (delta_bc - 1/B) delta_ij.
    X = np.random.default_rng(6).normal(size=(3, 2))
    J = example(PAGE, "shapes")["jacobian_fd"](lambda X: X - X.mean(axis=0), X)
    np.testing.assert_allclose(J, np.einsum("bc,ij->bicj", np.eye(3) - 1 / 3, np.eye(2)), atol=FD_TOL)


def test_page_uses_one_batch_size_and_the_question_quotes_the_table(example):
    page = page_text()
    B = int(re.search(r"shape_table_markdown\(B=(\d+)\)", page).group(1))
    ns = example(PAGE, "shapes")
    assert ns["X"].shape[0] == B == 3
    shown = ns["jacobian_fd"](ns["batched_f"], ns["X"]).shape
    naive = (B, 2, B, 3)  # the table's g: R^3 -> R^2, batched
    assert f"`{shown}` rather than the table's `{naive}`" in page.replace("\n", " ")
    question = page.split("!!! question")[1].split("\n\n")[0]
    assert f"`{naive}`" in question and naive in [r["array"] for r in layout_table(B)]
    assert f"`{naive}`" in shape_table_markdown(B)


# --- the tables: tensor_jacobian, layout_table, shape_table_markdown ----------------------


def test_tensor_jacobian_of_scalar_matrix_and_batched_functions():
    d = tensor_jacobian(np.sin, 0.5)
    assert d.shape == () and abs(float(d) - np.cos(0.5)) < FD_TOL
    X = np.array([[1.0, 2.0], [-0.5, 0.3]])
    np.testing.assert_allclose(tensor_jacobian(lambda M: M @ M, X), square_jacobian(X), atol=FD_TOL)
    Xb = np.random.default_rng(5).uniform(-1, 1, size=(3, 3))
    J = tensor_jacobian(batched(g_numpy), Xb.tolist())  # a list works like an array
    assert J.shape == (3, 2, 3, 3)
    assert_block_diagonal(J, Xb, g_jacobian)


@pytest.mark.parametrize(
    ("f", "x", "error", "message"),
    [
        ("sin", [1.0], TypeError, "f must be callable, got str"),
        (np.sin, np.sin, TypeError, "x must be an array of numbers"),
        (np.sin, "1.0", TypeError, "x must be an array of numbers, got str"),
        (np.sin, np.array([]), ValueError, "x must not be empty"),
        (np.sin, [np.nan, 1.0], ValueError, "x must be finite"),
        (np.sin, [[1.0, np.inf]], ValueError, "x must be finite"),
        (lambda v: v / 0.0, [1.0], ValueError, "non-finite"),
    ],
)
def test_tensor_jacobian_rejects_bad_input_naming_it(f, x, error, message):
    with np.errstate(all="ignore"), pytest.raises(error, match=message):
        tensor_jacobian(f, x)


def test_layout_table_shapes_for_a_batch_of_4():
    rows = {r["kind"]: (r["numerator"], r["denominator"], r["array"]) for r in layout_table(B=4)}
    assert rows == {
        "scalar to scalar": ((1, 1), (1, 1), ()),
        "vector to scalar": ((1, 2), (2, 1), (2,)),
        "vector to vector": ((2, 3), (3, 2), (2, 3)),
        "batch of 4 vectors, naive": ((4, 2, 4, 3), (4, 3, 4, 2), (4, 2, 4, 3)),
        "batch of 4 vectors, per example": ((4, 2, 3), (4, 3, 2), (4, 2, 3)),
    }


def test_layout_table_measures_the_jacobians_of_its_examples():
    scalar, vector, g, naive, per_example = layout_table(B=3)
    assert abs(float(scalar["jacobian"]) - np.cos(scalar["x"])) < FD_TOL  # sin x
    (px, py) = vector["x"]
    np.testing.assert_allclose(vector["jacobian"], [2 * px * py, px**2], atol=FD_TOL)  # x^2 y
    np.testing.assert_allclose(g["jacobian"], g_jacobian(g["x"]), atol=FD_TOL)
    assert_block_diagonal(naive["jacobian"], naive["x"], g_jacobian)
    np.testing.assert_allclose(per_example["jacobian"], np.stack([g_jacobian(p) for p in naive["x"]]), atol=FD_TOL)


@pytest.mark.parametrize(("B", "error"), [(1, ValueError), (2.5, TypeError), (True, TypeError)])
def test_layout_table_rejects_a_bad_batch_size_naming_it(B, error):
    with pytest.raises(error, match="B must be an integer"):
        layout_table(B)


def test_shape_table_markdown_lists_every_row():
    table = shape_table_markdown(B=4)
    lines = table.splitlines()
    assert len(lines) == 2 + len(layout_table(B=4))
    assert "| vector to vector | $(xyz,\\ x + y)$ | $2 \\times 3$ | $3 \\times 2$ | `(2, 3)` |" in lines
    assert "| scalar to scalar | $\\sin x$ | $1 \\times 1$ | $1 \\times 1$ | `()` (a scalar) |" in lines
    assert "`(4, 2, 4, 3)` | `(4, 3, 4, 2)` | `(4, 2, 4, 3)` |" in table and "`(4, 2, 3)`" in table


# --- the figure and the numerical check of the batched Jacobian ---------------------------


def test_figure_matrix_is_block_diagonal_with_the_exact_jacobians():
    X, M = batched_jacobian_matrix(B=3, seed=0)
    assert X.shape == (3, 2) and len(np.unique(X, axis=0)) == 3 and np.all(np.abs(X) <= 2)
    assert M.shape == (6, 6)  # the alt text: "a 6 by 6 grid ... 3 by 3 blocks of size 2 by 2"
    assert_block_diagonal(M.reshape(3, 2, 3, 2), X)


def test_figure_draws_each_entry_in_its_cell_and_shades_only_the_diagonal_blocks():
    import matplotlib.pyplot as plt

    _, M = batched_jacobian_matrix(B=3, seed=0)
    fig = batched_jacobian_figure(B=3, seed=0)
    ax = fig.axes[0]
    cells = {(t.get_position()[1] - 0.5, t.get_position()[0] - 0.5): t.get_text() for t in ax.texts}
    assert cells == {(r, c): "0" if r // 2 != c // 2 else f"{M[r, c]:.2f}" for r in range(6) for c in range(6)}
    shaded = {(p.get_y(), p.get_x()) for p in ax.patches if p.get_facecolor()[3] > 0}
    assert shaded == {(r, c) for r in range(6) for c in range(6) if r // 2 == c // 2}
    # Block boundaries every 2 rows and columns, and one tick label per example, at block centres.
    boundaries = sorted({(tuple(line.get_xdata()), tuple(line.get_ydata())) for line in ax.lines})
    assert boundaries == sorted({((0, 6), (2 * k, 2 * k)) for k in range(4)} | {((2 * k, 2 * k), (0, 6)) for k in range(4)})
    assert list(ax.get_xticks()) == list(ax.get_yticks()) == [1.0, 3.0, 5.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"input of\nexample {k}" for k in (1, 2, 3)]
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"output of\nexample {k}" for k in (1, 2, 3)]
    plt.close(fig)


def test_figure_is_accessible_svg_and_rejects_a_bad_batch_size():
    html = svg_figure(batched_jacobian_figure(), alt="a 6 by 6 grid")
    assert html.startswith('<figure class="jfig"><svg role="img" aria-label="a 6 by 6 grid"')
    with pytest.raises(ValueError, match="B must be an integer >= 1"):
        batched_jacobian_matrix(B=0)
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        batched_jacobian_matrix(seed=-1)


def test_shown_batched_jacobian_blocks_and_errors(example):
    ns = example(PAGE, "batched")
    X = ns["X"]
    assert X.shape == (3, 2) and (ns["B"], ns["m"], ns["n"]) == (3, 2, 2)
    assert len(np.unique(X, axis=0)) == 3 and np.all(np.abs(X) <= 2)  # three different examples
    assert ns["J"].shape == (3, 2, 3, 2)
    assert_block_diagonal(ns["J"], X)
    assert ns["off_diagonal"] == 0.0  # the page: "exactly zero, not just small"
    exact = np.stack([seed_jacobian(p) for p in X])
    np.testing.assert_allclose(ns["per_example"], exact, atol=FD_TOL, rtol=0)
    assert ns["error"] == pytest.approx(np.max(np.abs(ns["per_example"] - exact)), rel=1e-12)
    assert 0 < ns["error"] < 1e-6  # the page: "far below 1e-6"


@settings(max_examples=30, deadline=None)
@given(coordinate, coordinate)
def test_shown_batched_block_functions_match_the_running_example(example, px, py):
    ns = example(PAGE, "batched")
    p = np.array([px, py])
    np.testing.assert_allclose(ns["f"](p), seed_f(p), rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(ns["J_exact"](p), seed_jacobian(p), rtol=1e-15, atol=1e-15)
    P = np.stack([p, -p, p[::-1]])
    np.testing.assert_allclose(ns["batched_f"](P), np.stack([seed_f(q) for q in P]), rtol=1e-15, atol=1e-15)


# --- exercises -----------------------------------------------------------------------------


def test_exercise_linear_layer_jacobian_is_w_and_its_transpose(example):
    ns = example(PAGE, "exercise_linear_layer")
    W, b, xs = ns["W"], ns["b"], ns["xs"]
    # The symbols are named with 1-based indices, as W_ij and b_i in the solution.
    assert [str(W[0, 0]), str(W[3, 2]), str(b[0]), str(b[3])] == ["w11", "w43", "b1", "b4"]
    assert ns["numerator"].shape == (4, 3) and ns["numerator"] == W
    assert ns["denominator"].shape == (3, 4) and ns["denominator"] == W.T
    # With numbers in place of the symbols: the layer is W x + b, and its Jacobian is W.
    rng = np.random.default_rng(3)
    Wn, bn, x0 = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=3)
    values = {**dict(zip(W, Wn.ravel())), **dict(zip(b, bn)), **dict(zip(xs, x0))}
    np.testing.assert_allclose(np.array(ns["layer"].subs(values), float).ravel(), Wn @ x0 + bn, rtol=1e-12)
    np.testing.assert_allclose(numerical_jacobian(lambda v: Wn @ v + bn, x0), Wn, atol=FD_TOL)


def test_exercise_batch_count(example):
    ns = example(PAGE, "exercise_batch_count")
    B, n, m = ns["B"], ns["n"], ns["m"]
    assert (B, n, m) == (32, 10, 5)
    # Count the entries of an actual naive batched Jacobian of a map R^10 -> R^5.
    naive = tensor_jacobian(batched(lambda v: np.ones((m, n)) @ v), np.zeros((B, n)))
    assert ns["naive"] == naive.size == 51200
    assert ns["per_example"] == np.stack([naive[k, :, k, :] for k in range(B)]).size == 1600
    assert ns["per_example"] / ns["naive"] == 1 / B


def test_exercise_chain_order_reverses_between_layouts(example):
    ns = example(PAGE, "exercise_chain_order")
    A, C = ns["A"], ns["C"]
    assert A.shape == (3, 2) and C.shape == (4, 3)
    J = numerical_jacobian(lambda v: C @ (A @ v), np.random.default_rng(4).normal(size=2))  # linear: exact up to round-off
    assert ns["numerator"].shape == (4, 2) and ns["denominator"].shape == (2, 4)
    np.testing.assert_allclose(ns["numerator"], J, atol=FD_TOL)
    np.testing.assert_allclose(ns["denominator"], J.T, atol=FD_TOL)


def test_chain_rule_order_symbolically():
    A = sp.Matrix(3, 2, lambda i, j: sp.Symbol(f"a{i}{j}"))
    C = sp.Matrix(4, 3, lambda i, j: sp.Symbol(f"c{i}{j}"))
    xs = sp.symbols("x0:2")
    z = C * (A * sp.Matrix(xs))
    assert sp.expand(z.jacobian(xs) - C * A) == sp.zeros(4, 2)
    assert sp.expand(sp.Matrix(sp.derive_by_array(list(z), xs)) - A.T * C.T) == sp.zeros(2, 4)

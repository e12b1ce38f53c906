"""snippets/notation.py: layouts, Jacobian shapes and the naive batched Jacobian (docs/notation.md)."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.notation import (
    batch_diagonal,
    jacobian_shape,
    layout_table,
    off_diagonal_max,
    rosetta_table_markdown,
    shape_table_markdown,
    tensor_jacobian,
)
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols
from tests.conftest import ROOT

# tensor_jacobian uses central differences with h = 6e-6: truncation ~ h^2 |f'''| / 6 ~ 1e-10
# and round-off ~ 1e-16 |f| / h ~ 1e-10 for |x| <= 2, so 1e-7 has a wide margin yet catches
# any wrong entry (entries of the examples differ by far more).
FD_TOL = 1e-7

coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)


def g_numpy(v):
    return np.array([v[0] * v[1] * v[2], v[0] + v[1]])


def batched(func):
    return lambda X: np.stack([func(row) for row in X])


# --- the convention: gradient column vs Jacobian row ---------------------------------------


def test_gradient_is_the_transposed_jacobian_row_symbolically_and_numerically():
    x, y = seed_symbols()
    g = x**2 * y
    grad = sp.Matrix([g.diff(x), g.diff(y)])
    J = sp.Matrix([g]).jacobian([x, y])
    assert grad.shape == (2, 1) and J.shape == (1, 2)
    assert J == grad.T
    grad_num = sp.lambdify((x, y), grad, "numpy")
    rng = np.random.default_rng(2)
    for p in rng.uniform(-2, 2, size=(20, 2)):
        J_fd = numerical_jacobian(lambda v: v[0] ** 2 * v[1], p)
        assert J_fd.shape == (1, 2)
        np.testing.assert_allclose(J_fd, np.asarray(grad_num(*p), float).T, atol=FD_TOL, rtol=0)


# --- the two layouts ----------------------------------------------------------------------


def test_denominator_layout_is_the_transpose_for_the_seed_and_for_g():
    x, y = seed_symbols()
    f = seed_f_sympy()
    assert sp.Matrix(sp.derive_by_array(list(f), [x, y])) == f.jacobian([x, y]).T
    z = sp.Symbol("z")
    g = sp.Matrix([x * y * z, x + y])
    den = sp.Matrix(sp.derive_by_array(list(g), [x, y, z]))
    assert den.shape == (3, 2) and den == g.jacobian([x, y, z]).T


def test_worked_example_g_at_1_2_3():
    # docs/notation.md works J_g(1, 2, 3) = [[6, 3, 2], [1, 1, 0]] by hand.
    x, y = seed_symbols()
    z = sp.Symbol("z")
    J = sp.Matrix([x * y * z, x + y]).jacobian([x, y, z]).subs({x: 1, y: 2, z: 3})
    assert J == sp.Matrix([[6, 3, 2], [1, 1, 0]])
    np.testing.assert_allclose(numerical_jacobian(g_numpy, [1.0, 2.0, 3.0]), np.array(J, float), atol=FD_TOL)


def test_linear_layer_exercise():
    W = sp.Matrix(4, 3, lambda i, j: sp.Symbol(f"w{i}{j}"))
    b = sp.Matrix(4, 1, lambda i, j: sp.Symbol(f"b{i}"))
    xs = sp.symbols("x0:3")
    layer = W * sp.Matrix(xs) + b
    assert layer.jacobian(xs) == W
    assert sp.Matrix(sp.derive_by_array(list(layer), xs)) == W.T
    Wn = np.random.default_rng(3).normal(size=(4, 3))
    bn = np.arange(4.0)
    J = numerical_jacobian(lambda v: Wn @ v + bn, np.array([0.3, -1.0, 2.0]))
    np.testing.assert_allclose(J, Wn, atol=FD_TOL)


def test_chain_rule_order_reverses_between_layouts():
    A = sp.Matrix(3, 2, lambda i, j: sp.Symbol(f"a{i}{j}"))
    C = sp.Matrix(4, 3, lambda i, j: sp.Symbol(f"c{i}{j}"))
    xs = sp.symbols("x0:2")
    z = C * (A * sp.Matrix(xs))
    numerator = z.jacobian(xs)
    denominator = sp.Matrix(sp.derive_by_array(list(z), xs))
    assert sp.expand(numerator - C * A) == sp.zeros(4, 2)
    assert sp.expand(denominator - A.T * C.T) == sp.zeros(2, 4)
    # numerically, with random matrices
    rng = np.random.default_rng(4)
    An, Cn = rng.normal(size=(3, 2)), rng.normal(size=(4, 3))
    J = numerical_jacobian(lambda v: Cn @ (An @ v), rng.normal(size=2))
    np.testing.assert_allclose(J, Cn @ An, atol=FD_TOL)
    np.testing.assert_allclose((An.T @ Cn.T).T, J, atol=FD_TOL)


def test_rosetta_table_shows_sympys_matrices_in_both_layouts():
    table = rosetta_table_markdown()
    x, y = seed_symbols()
    J = seed_f_sympy().jacobian([x, y])
    assert sp.latex(J, mat_delim="[") in table
    assert sp.latex(J.T, mat_delim="[") in table
    assert "`Matrix.jacobian` | `derive_by_array`" in table
    assert all(line.count("|") == 4 for line in table.splitlines())  # no stray pipes inside math


# --- shapes -------------------------------------------------------------------------------


def test_jacobian_shape_rules():
    assert jacobian_shape((3,), (2,)) == (2, 3)
    assert jacobian_shape((3,), (2,), "denominator") == (3, 2)
    assert jacobian_shape((), ()) == ()
    assert jacobian_shape((4, 3), (4, 2)) == (4, 2, 4, 3)
    assert jacobian_shape((4, 3), (4, 2), "denominator") == (4, 3, 4, 2)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (((3,), (2,), "rows"), ValueError, "layout must be one of"),
        (("3", (2,)), TypeError, "in_shape must be a tuple .* got str"),
        (((3,), 2), TypeError, "out_shape must be a tuple .* got int"),
        (((-1,), (2,)), ValueError, "in_shape must hold non-negative integers"),
        (((3,), (2.5,)), ValueError, "out_shape must hold non-negative integers"),
    ],
)
def test_jacobian_shape_rejects_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        jacobian_shape(*args)


def test_layout_table_shapes_are_measured_and_consistent():
    rows = layout_table(B=4)
    assert [r["array"] for r in rows] == [r["expected_array"] for r in rows]
    for r in rows:
        if len(r["numerator"]) == 2:  # matrix rows: the denominator layout is the transpose shape
            assert r["denominator"] == r["numerator"][::-1]
    kinds = {r["kind"]: r for r in rows}
    assert kinds["scalar to scalar"]["array"] == ()
    assert kinds["vector to scalar"]["numerator"] == (1, 2)
    assert kinds["vector to scalar"]["array"] == (2,)
    assert kinds["batch of 4 vectors, naive"]["array"] == (4, 2, 4, 3)
    assert kinds["batch of 4 vectors, per example"]["array"] == (4, 2, 3)
    with pytest.raises(ValueError, match="B must be an integer >= 2"):
        layout_table(B=1)


def test_shape_table_markdown_lists_every_row():
    table = shape_table_markdown(B=4)
    assert "`(4, 2, 4, 3)`" in table and "`(4, 3, 4, 2)`" in table and "`(4, 2, 3)`" in table
    assert len(table.splitlines()) == 2 + len(layout_table(B=4))


@settings(max_examples=50, deadline=None)
@given(coordinate, coordinate)
def test_tensor_jacobian_matches_sympy_on_the_seed(px, py):
    x, y = seed_symbols()
    J_sym = np.array(seed_f_sympy().jacobian([x, y]).subs({x: px, y: py}).evalf(), dtype=float)
    np.testing.assert_allclose(tensor_jacobian(seed_f, np.array([px, py])), J_sym, atol=FD_TOL, rtol=0)


def test_tensor_jacobian_of_scalar_and_matrix_functions():
    d = tensor_jacobian(np.sin, 0.5)
    assert d.shape == () and abs(float(d) - np.cos(0.5)) < FD_TOL
    # f(X) = X @ X for a 2x2 matrix X: dF[i,k]/dX[a,b] = delta_ia X[b,k] + X[i,a] delta_kb
    X = np.array([[1.0, 2.0], [-0.5, 0.3]])
    J = tensor_jacobian(lambda M: M @ M, X)
    assert J.shape == (2, 2, 2, 2)
    I = np.eye(2)
    expected = np.einsum("ia,bk->ikab", I, X) + np.einsum("ia,kb->ikab", X, I)
    np.testing.assert_allclose(J, expected, atol=FD_TOL)


@pytest.mark.parametrize(
    ("f", "x", "error", "message"),
    [
        ("sin", [1.0], TypeError, "f must be callable, got str"),
        (np.sin, np.sin, TypeError, "x must be an array of numbers"),
        (np.sin, "1.0", TypeError, "x must be an array of numbers, got str"),
        (np.sin, np.array([]), ValueError, "x must not be empty"),
        (np.sin, [np.nan, 1.0], ValueError, "finite"),
        (lambda v: v / 0.0, [1.0], ValueError, "non-finite"),
    ],
)
def test_tensor_jacobian_rejects_bad_input(f, x, error, message):
    with np.errstate(all="ignore"), pytest.raises(error, match=message):
        tensor_jacobian(f, x)


# --- the batched Jacobian -----------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=4), st.integers(min_value=0, max_value=2**32 - 1))
def test_naive_batched_jacobian_is_block_diagonal_with_the_per_example_jacobians(B, seed):
    X = np.random.default_rng(seed).uniform(-2, 2, size=(B, 2))
    J = tensor_jacobian(batched(seed_f), X)
    assert J.shape == (B, 2, B, 2)
    assert off_diagonal_max(J) == 0.0  # other examples' inputs leave the output bit-for-bit equal
    per_example = batch_diagonal(J)
    assert per_example.shape == (B, 2, 2)
    np.testing.assert_allclose(per_example, np.stack([seed_jacobian(p) for p in X]), atol=FD_TOL, rtol=0)


def test_batched_jacobian_of_a_non_square_map():
    X = np.random.default_rng(5).uniform(-1, 1, size=(3, 3))
    J = tensor_jacobian(batched(g_numpy), X)
    assert J.shape == (3, 2, 3, 3)
    x, y = seed_symbols()
    z = sp.Symbol("z")
    Jg = sp.lambdify((x, y, z), sp.Matrix([x * y * z, x + y]).jacobian([x, y, z]), "numpy")
    np.testing.assert_allclose(batch_diagonal(J), np.stack([np.asarray(Jg(*p), float) for p in X]), atol=FD_TOL)


def test_off_diagonal_max_sees_coupling_between_examples():
    # A batched map that mixes examples (subtracting the batch mean) is not block diagonal.
    X = np.random.default_rng(6).normal(size=(3, 2))
    J = tensor_jacobian(lambda X: X - X.mean(axis=0), X)
    assert abs(off_diagonal_max(J) - 1 / 3) < FD_TOL


@pytest.mark.parametrize("shape", [(2, 2, 2), (2, 2, 3, 2), (4,)])
def test_batch_helpers_reject_wrong_shapes(shape):
    for func in (batch_diagonal, off_diagonal_max):
        with pytest.raises(ValueError, match=r"shape \(B, m, B, n\)"):
            func(np.zeros(shape))


def test_batch_count_exercise():
    B, n, m = 32, 10, 5
    naive = tensor_jacobian(batched(lambda v: np.ones((m, n)) @ v), np.zeros((B, n)))
    assert naive.size == B * m * B * n
    assert batch_diagonal(naive).size == B * m * n
    assert batch_diagonal(naive).size / naive.size == 1 / B


# --- the page's examples -------------------------------------------------------------------


def test_page_examples_run_and_agree():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.notation"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "Jacobian == gradient^T: True" in out
    assert "denominator == numerator^T: True" in out
    assert "batch (3, 2) -> (3, 2):        (3, 2, 3, 2)" in out
    assert "largest |entry| outside the diagonal blocks: 0.0" in out
    error = float(re.search(r"diagonal block - exact J_f\(x_b\)\|: (\S+)", out).group(1))
    assert error < 1e-6
    assert "equals W:   True" in out and "equals W^T: True" in out
    assert f"naive (B, m, B, n) entries:   {32 * 5 * 32 * 10}" in out
    assert out.count("True") == 5 and "False" not in out


# --- the page's wording and numbers (review items 16, 28, 29) ---------------------------------


def _page() -> str:
    return (ROOT / "docs" / "notation.md").read_text(encoding="utf-8")


def test_page_uses_one_batch_size_and_the_question_quotes_the_table():
    page = _page()
    B = int(re.search(r"shape_table_markdown\(B=(\d+)\)", page).group(1))
    snippet = (ROOT / "snippets" / "notation.py").read_text(encoding="utf-8")
    shapes_section = snippet.split("[start:shapes]")[1].split("[end:shapes]")[0]
    assert f"a batch of B = {B} points" in shapes_section
    assert "batch (3, 2) -> (3, 2)" in shapes_section and B == 3
    naive = jacobian_shape((B, 3), (B, 2))  # the table's g: R^3 -> R^2, batched
    question = page.split('!!! question')[1].split("\n\n")[0]
    assert f"`{naive}`" in question and naive in [r["array"] for r in layout_table(B)]
    assert f"`{naive}`" in shape_table_markdown(B)


def test_chain_rule_is_written_with_named_maps():
    table = rosetta_table_markdown()
    page = _page()
    for text in (table, page):
        assert "\\J_\\vz(\\vy)" not in text and "\\J_\\vy(\\vx)" not in text and "\\J_{\\vz}(\\vx)" not in text
    assert "\\J_{\\mathbf{k} \\circ \\vg}(\\vx) = \\J_\\mathbf{k}(\\vg(\\vx))\\, \\J_\\vg(\\vx)" in table
    assert "\\J_{\\mathbf{k} \\circ \\vg}(\\vx)" in page.split("**3.**")[1]


def test_worked_example_displays_hold_one_matrix_each_and_name_the_point():
    section = _page().split("## A worked example by hand")[1].split("## ")[0]
    displays = re.findall(r"\$\$(.*?)\$\$", section, re.S)
    assert len(displays) == 2
    assert all(d.count("\\begin{bmatrix}") == 1 for d in displays)
    assert "\\bigg|_{(1, 2, 3)}" in displays[1]

"""snippets/layers.py: each layer's Jacobian (sympy), and its efficient VJP against the full
Jacobian and against finite differences."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from snippets.layers import (
    generalized_jacobian_bytes,
    linear,
    linear_jacobian_W,
    linear_vjp,
    log_softmax,
    mse,
    mse_grad,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
    softmax_jacobian,
    softmax_vjp,
    structure_figure,
    tanh_jacobian,
    tanh_vjp,
)
from snippets.numerical import numerical_jacobian
from tests.conftest import ROOT

# Central differences (default h = 6e-6) on these smooth functions with entries of size <= ~10:
# truncation ~ h^2 |f'''| ~ 1e-9, round-off ~ 1e-16 / h ~ 2e-11; 1e-7 absolute is a safe bound
# that any wrong term (all of size >= 1e-3 at these points) would exceed.
FD_ATOL = 1e-7

finite = st.floats(min_value=-4, max_value=4, allow_nan=False, allow_infinity=False)


def vec(n_min=1, n_max=6):
    return st.integers(n_min, n_max).flatmap(lambda n: arrays(np.float64, n, elements=finite))


# ---- symbolic checks ------------------------------------------------------------------------
def test_linear_jacobians_symbolically():
    m, n = 2, 3
    W = sp.Matrix(m, n, sp.symbols(f"w0:{m * n}"))
    x = sp.Matrix(sp.symbols(f"x0:{n}"))
    b = sp.Matrix(sp.symbols(f"b0:{m}"))
    y = W * x + b
    assert y.jacobian(list(x)) == W
    assert y.jacobian(list(b)) == sp.eye(m)
    vecW = list(W)  # sympy flattens row by row, like numpy's ravel
    J_W = y.jacobian(vecW)
    assert J_W == sp.kronecker_product(sp.eye(m), x.T)
    u = sp.Matrix(sp.symbols(f"u0:{m}"))
    assert sp.Matrix(m, n, list(u.T * J_W)) == u * x.T  # the VJP is the outer product u x^T


def test_tanh_and_softmax_jacobians_symbolically():
    z = sp.symbols("z0:3")
    tanh = sp.Matrix([sp.tanh(zi) for zi in z])
    assert sp.simplify(tanh.jacobian(z) - sp.diag(*[1 - sp.tanh(zi) ** 2 for zi in z])) == sp.zeros(3, 3)
    e = [sp.exp(zi) for zi in z]
    s = sp.Matrix([ei / sum(e) for ei in e])
    J = s.jacobian(z)
    assert sp.simplify(J - (sp.diag(*s) - s * s.T)) == sp.zeros(3, 3)
    assert sp.simplify(J * sp.ones(3, 1)) == sp.zeros(3, 1)


def test_cross_entropy_and_mse_gradients_symbolically():
    z = sp.symbols("z0:3")
    t = sp.symbols("t0:3", nonnegative=True)
    e = [sp.exp(zi) for zi in z]
    s = [ei / sum(e) for ei in e]
    L = -sum(ti * sp.log(si) for ti, si in zip(t, s))
    grad = [sp.diff(L, zi) for zi in z]
    # general targets: (sum t) s - t; with sum t = 1: s - t
    for g, si, ti in zip(grad, s, t):
        assert sp.simplify(g - (sum(t) * si - ti)) == 0
        assert sp.simplify(g.subs(t[2], 1 - t[0] - t[1]) - (si - ti).subs(t[2], 1 - t[0] - t[1])) == 0
    y = sp.symbols("y0:4")
    tt = sp.symbols("s0:4")
    L2 = sum((yi - ti) ** 2 for yi, ti in zip(y, tt)) / 4
    assert [sp.expand(sp.diff(L2, yi)) for yi in y] == [sp.expand(2 * (yi - ti) / 4) for yi, ti in zip(y, tt)]


def test_numpy_softmax_matches_sympy():
    z = sp.symbols("z0:4")
    e = [sp.exp(zi) for zi in z]
    s = sp.Matrix([ei / sum(e) for ei in e])
    J_num = sp.lambdify([z], s.jacobian(z), "numpy")
    for p in np.random.default_rng(4).normal(size=(20, 4)) * 3:
        np.testing.assert_allclose(softmax_jacobian(p), np.asarray(J_num(p), float), rtol=1e-12, atol=1e-14)


# ---- VJPs against the full Jacobian and against finite differences ---------------------------
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_linear_vjps(m, n, seed):
    rng = np.random.default_rng(seed)
    W, b, x, u = rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n), rng.normal(size=m)
    gx, gW, gb = linear_vjp(W, x, u)
    # against the full Jacobians
    np.testing.assert_allclose(gx, u @ W, atol=1e-12)
    np.testing.assert_allclose(gW.ravel(), u @ linear_jacobian_W(x, m), atol=1e-12)
    np.testing.assert_allclose(gb, u, atol=0)
    # against finite differences: of u . y as a function of x, of vec(W), of b
    np.testing.assert_allclose(numerical_jacobian(lambda xx: u @ linear(W, b, xx), x)[0], gx, atol=FD_ATOL)
    np.testing.assert_allclose(
        numerical_jacobian(lambda w: u @ linear(w.reshape(m, n), b, x), W.ravel())[0], gW.ravel(), atol=FD_ATOL
    )
    np.testing.assert_allclose(numerical_jacobian(lambda bb: u @ linear(W, bb, x), b)[0], gb, atol=FD_ATOL)
    # and the generalized Jacobian itself
    np.testing.assert_allclose(
        numerical_jacobian(lambda w: linear(w.reshape(m, n), b, x), W.ravel()), linear_jacobian_W(x, m), atol=FD_ATOL
    )


@settings(max_examples=100, deadline=None)
@given(vec(), st.integers(0, 2**32 - 1))
def test_tanh_vjp(z, seed):
    u = np.random.default_rng(seed).normal(size=z.size)
    J = tanh_jacobian(z)
    assert np.count_nonzero(J - np.diag(np.diag(J))) == 0
    np.testing.assert_allclose(tanh_vjp(z, u), u @ J, atol=1e-14)
    np.testing.assert_allclose(numerical_jacobian(np.tanh, z), J, atol=FD_ATOL)


@settings(max_examples=150, deadline=None)
@given(vec(2, 6), st.integers(0, 2**32 - 1))
def test_softmax_properties_for_all_inputs(z, seed):
    J = softmax_jacobian(z)
    s = softmax(z)
    assert np.isclose(s.sum(), 1.0) and np.all(s >= 0)
    np.testing.assert_allclose(J, J.T, atol=0)  # symmetric
    np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-15)  # rows sum to zero
    assert abs(np.linalg.det(J)) < 1e-12  # singular
    if s.min() > 1e-6:  # rank exactly n - 1 unless some s_i is (numerically) zero
        assert np.linalg.matrix_rank(J, tol=1e-10) == z.size - 1
    u = np.random.default_rng(seed).normal(size=z.size)
    np.testing.assert_allclose(softmax_vjp(z, u), u @ J, atol=1e-14)
    assert abs(softmax_vjp(z, u).sum()) < 1e-13  # a VJP through softmax sums to zero
    np.testing.assert_allclose(numerical_jacobian(softmax, z), J, atol=FD_ATOL)


def test_softmax_diagonal_only_is_wrong():
    z, u = np.array([1.0, 2.0, 0.5]), np.array([0.3, -1.0, 2.0])
    s = softmax(z)
    assert not np.allclose(u * s * (1 - s), softmax_vjp(z, u), atol=1e-3)


@settings(max_examples=100, deadline=None)
@given(vec(2, 6), st.integers(0, 2**32 - 1))
def test_cross_entropy_gradient_is_yhat_minus_t(z, seed):
    rng = np.random.default_rng(seed)
    t = rng.dirichlet(np.ones(z.size))  # any probability vector
    g = softmax_cross_entropy_grad(z, t)
    np.testing.assert_allclose(g, softmax(z) - t, atol=0)
    np.testing.assert_allclose(numerical_jacobian(lambda zz: softmax_cross_entropy(zz, t), z)[0], g, atol=FD_ATOL)
    # the chain rule J_softmax^T (-t / s) collapses to the same vector
    np.testing.assert_allclose(softmax_vjp(z, -t / softmax(z)), g, atol=1e-8)
    assert abs(g.sum()) < 1e-12


def test_cross_entropy_is_stable_for_large_logits():
    z = np.array([1000.0, 0.0, -1000.0])
    assert softmax_cross_entropy(z, [0.0, 1.0, 0.0]) == pytest.approx(1000.0)
    assert np.all(np.isfinite(log_softmax(z)))
    np.testing.assert_allclose(softmax_cross_entropy_grad(z, [0.0, 1.0, 0.0]), [1.0, -1.0, 0.0], atol=1e-15)


@settings(max_examples=100, deadline=None)
@given(vec(), st.integers(0, 2**32 - 1))
def test_mse_gradient(y, seed):
    t = np.random.default_rng(seed).normal(size=y.size)
    g = mse_grad(y, t)
    np.testing.assert_allclose(g, 2 * (y - t) / y.size)
    np.testing.assert_allclose(numerical_jacobian(lambda yy: mse(yy, t), y)[0], g, atol=FD_ATOL)
    if np.max(np.abs(y - t)) > 1e-3:  # a factor-of-2 slip is caught by the same check
        assert not np.allclose(numerical_jacobian(lambda yy: mse(yy, t), y)[0], (y - t) / y.size, atol=FD_ATOL)


def test_generalized_jacobian_size():
    assert generalized_jacobian_bytes(4096, 4096) == 4096**3 * 8
    assert linear_jacobian_W(np.ones(3), 2).shape == (2, 6)


# ---- input validation -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: linear(np.ones((2, 3)), np.ones(2), np.ones(4)), ValueError, "x must have 3 entries"),
        (lambda: linear(np.ones(3), np.ones(2), np.ones(3)), ValueError, "W must be a 2-D"),
        (lambda: linear(np.ones((2, 3)), np.ones(3), np.ones(3)), ValueError, r"b must have shape \(2,\)"),
        (lambda: linear("W", np.ones(2), np.ones(3)), TypeError, "W must be a matrix"),
        (lambda: linear(np.full((2, 3), np.nan), np.ones(2), np.ones(3)), ValueError, "W must be finite"),
        (lambda: linear_vjp(np.ones((2, 3)), np.ones(3), np.ones(3)), ValueError, "one entry per output"),
        (lambda: linear_jacobian_W(np.ones(3), 0), ValueError, "positive integer"),
        (lambda: tanh_vjp(np.ones(3), np.ones(2)), ValueError, "u has shape"),
        (lambda: tanh_jacobian([[1.0]]), ValueError, "1-D"),
        (lambda: softmax([]), ValueError, "non-empty"),
        (lambda: softmax([np.inf, 0.0]), ValueError, "finite"),
        (lambda: softmax(len), TypeError, "builtin_function_or_method"),
        (lambda: softmax_vjp(np.ones(3), np.ones(4)), ValueError, "u has shape"),
        (lambda: softmax_cross_entropy(np.ones(3), [0.5, 0.5, 0.5]), ValueError, "probability vector"),
        (lambda: softmax_cross_entropy_grad(np.ones(3), [1.5, -0.5, 0.0]), ValueError, "probability vector"),
        (lambda: softmax_cross_entropy(np.ones(3), [1.0, 0.0]), ValueError, "t has shape"),
        (lambda: mse(np.ones(3), np.ones(2)), ValueError, "t has shape"),
        (lambda: mse_grad(np.ones(3), [np.nan] * 3), ValueError, "t must be finite"),
        (lambda: generalized_jacobian_bytes(0, 3), ValueError, "m must be a positive integer"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_figure_builds():
    import matplotlib.pyplot as plt

    fig = structure_figure()
    assert len(fig.axes) == 3
    diag = fig.axes[1].images[0].get_array()
    assert np.count_nonzero(diag - np.diag(np.diag(diag))) == 0
    plt.close(fig)


def test_page_examples_run_and_agree():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.layers"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.count(": True") == 4  # three linear VJPs and softmax symmetry
    assert "rank: 2 of 3" in out
    lines = out.splitlines()

    def values(prefix):
        line = next(line for line in lines if line.startswith(prefix))
        return np.array(line.split("[")[1].split("]")[0].split(), dtype=float)

    np.testing.assert_allclose(values("u^T J          :"), values("u * tanh'(z)   :"))
    np.testing.assert_allclose(values("y_hat - t"), values("central diff.   :"), atol=1e-8)
    np.testing.assert_allclose(values("y_hat - t"), softmax([1.0, 2.0, 0.5]) - [0, 0, 1], atol=1e-8)
    np.testing.assert_allclose(values("2 (y - t) / k"), values("central diff. :"), atol=1e-8)
    assert "naive  log(softmax(z)): nan" in out and "stable log-sum-exp    : 1000.0" in out
    assert "[[ 0.25 -0.25]\n [-0.25  0.25]]" in out
    np.testing.assert_allclose(values("J @ (1, 1, 1, 1)"), 0.0, atol=1e-15)
    np.testing.assert_allclose(values("central diff.  :"), values("s * sum(t) - t :"), atol=1e-4)
    assert not np.allclose(values("central diff.  :"), values("s - t          :"), atol=1e-2)


def test_exercise_solutions():
    z = sp.symbols("z0:2")
    e = [sp.exp(zi) for zi in z]
    s = sp.Matrix([ei / sum(e) for ei in e])
    assert sp.simplify(s.jacobian(z).subs({z[0]: 0, z[1]: 0})) == sp.Matrix([[1, -1], [-1, 1]]) / 4
    np.testing.assert_allclose(softmax_jacobian([0.0, 0.0]), [[0.25, -0.25], [-0.25, 0.25]])
    zz = np.random.default_rng(3).normal(size=4)
    np.testing.assert_allclose(softmax(zz + 7.0), softmax(zz), atol=1e-15)
    np.testing.assert_allclose(softmax_jacobian(zz) @ np.ones(4), 0.0, atol=1e-15)


def test_shown_blocks_run_alone(tmp_path):
    from tests.test_chain_rule import shown_blocks

    outputs = [out for _, out in shown_blocks(ROOT / "docs" / "layers.md", tmp_path)]
    assert len(outputs) >= 9


# ---- added with the review fixes ---------------------------------------------------------------
def test_column_major_vec_gives_x_kron_identity():
    """The footnote: with column-stacking vec (Magnus and Neudecker), dy/dvec(W) = x^T (x) I_m."""
    m, n = 2, 3
    W = sp.Matrix(m, n, sp.symbols(f"w0:{m * n}"))
    x = sp.Matrix(sp.symbols(f"x0:{n}"))
    y = W * x
    vec_c = list(W.T)  # the columns of W, stacked (sympy's list() reads row by row, so transpose)
    assert y.jacobian(vec_c) == sp.kronecker_product(x.T, sp.eye(m))
    # numerically, with numpy's column-major ravel
    rng = np.random.default_rng(8)
    Wn, xn = rng.normal(size=(m, n)), rng.normal(size=n)
    J = numerical_jacobian(lambda w: w.reshape((m, n), order="F") @ xn, Wn.ravel(order="F"))
    np.testing.assert_allclose(J, np.kron(xn[None, :], np.eye(m)), atol=FD_ATOL)


def test_exercise_shift_prints_exact_zeros():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.layers"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("J @ (1, 1, 1, 1)"))
    assert "e-" not in line  # round-off printed as 0, as the text says


def test_structure_figure_keeps_its_colours_in_dark_mode():
    text = (ROOT / "docs" / "layers.md").read_text(encoding="utf-8")
    block = text.split("structure_figure()", 1)[1].split("```", 1)[0]
    assert "invert_in_dark=False" in block

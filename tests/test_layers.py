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
from snippets.shared.finite_differences import numerical_jacobian
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
    from tests.shown_code import shown_blocks

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


# ---- other layers at a glance: residual, convolution, layer norm, batch norm -------------------
from snippets.layers import (  # noqa: E402
    conv1d,
    conv1d_matrix,
    conv1d_vjp,
    layer_norm,
    layer_norm_jacobian,
    layer_norm_vjp,
)


def test_conv1d_matrix_and_vjp_symbolically():
    n, K = 6, 3
    x = sp.Matrix(sp.symbols(f"x0:{n}"))
    k = sp.symbols(f"k0:{K}")
    y = sp.Matrix([sum(k[p] * x[i + p] for p in range(K)) for i in range(n - K + 1)])
    C = y.jacobian(list(x))
    assert C == sp.Matrix(n - K + 1, n, lambda i, j: k[j - i] if 0 <= j - i < K else 0)  # C_ij = k_(j-i)
    u = sp.symbols(f"u0:{n - K + 1}")
    vjp = C.T * sp.Matrix(u)
    flipped = k[::-1]  # full correlation of u with the flipped kernel, written out
    full = [sum(u[i] * flipped[i + K - 1 - j] for i in range(n - K + 1) if 0 <= i + K - 1 - j < K) for j in range(n)]
    assert sp.expand(vjp - sp.Matrix(full)) == sp.zeros(n, 1)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 5), st.integers(0, 6), st.integers(0, 2**32 - 1))
def test_conv1d_is_a_banded_linear_layer_and_its_vjp_is_a_flipped_correlation(K, extra, seed):
    rng = np.random.default_rng(seed)
    n = K + extra
    k, x = rng.normal(size=K), rng.normal(size=n)
    C = conv1d_matrix(k, n)
    assert C.shape == (n - K + 1, n)
    assert np.count_nonzero(C) == (n - K + 1) * K  # K nonzeros per row: sparse, banded
    np.testing.assert_allclose(C @ x, conv1d(x, k), atol=1e-12)
    np.testing.assert_allclose(numerical_jacobian(lambda xx: conv1d(xx, k), x), C, atol=FD_ATOL)
    u = rng.normal(size=n - K + 1)
    np.testing.assert_allclose(conv1d_vjp(k, u), C.T @ u, atol=1e-12)
    np.testing.assert_allclose(conv1d_vjp(k, u), np.convolve(u, k, mode="full"), atol=1e-12)
    np.testing.assert_allclose(numerical_jacobian(lambda xx: u @ conv1d(xx, k), x)[0], conv1d_vjp(k, u), atol=FD_ATOL)
    if K > 1 and np.max(np.abs(k - k[::-1])) > 1e-3 and np.max(np.abs(u)) > 1e-3:
        assert not np.allclose(np.correlate(u, k, mode="full"), C.T @ u, atol=1e-6)  # the unflipped bug


def test_layer_norm_jacobian_symbolically():
    n = 3
    x = sp.symbols(f"x0:{n}", real=True)
    eps = sp.symbols("epsilon", positive=True)
    mu = sum(x) / n
    var = sum((xi - mu) ** 2 for xi in x) / n
    s = sp.sqrt(var + eps)
    y = sp.Matrix([(xi - mu) / s for xi in x])
    assert all(sp.simplify(sp.diff(s, xj) - y[j] / n) == 0 for j, xj in enumerate(x))  # ds/dx_j = y_j / n
    J = y.jacobian(list(x))
    expected = (sp.eye(n) - sp.ones(n, n) / n - y * y.T / n) / s
    assert sp.simplify(J - expected) == sp.zeros(n, n)
    assert sp.simplify(J * sp.ones(n, 1)) == sp.zeros(n, 1)  # mean invariance
    assert sp.simplify(J - J.T) == sp.zeros(n, n)


@settings(max_examples=100, deadline=None)
@given(vec(2, 6), st.integers(0, 2**32 - 1), st.sampled_from([1e-5, 1e-2, 1.0]))
def test_layer_norm_jacobian_vjp_and_null_space(x, seed, eps):
    rng = np.random.default_rng(seed)
    x = x + 0.1 * rng.normal(size=x.size)  # a spread of features (var >> eps for most draws)
    s = np.sqrt(x.var() + eps)
    J = layer_norm_jacobian(x, eps)
    # Central differences: third derivatives of order 1/s^3, so truncation ~ h^2 / s^3; scale the
    # tolerance by (1 + 1/s^3) and keep the round-off part (1e-16 / h ~ 2e-11 |y|) under it.
    np.testing.assert_allclose(numerical_jacobian(lambda xx: layer_norm(xx, eps), x), J, atol=FD_ATOL * (1 + s**-3))
    np.testing.assert_allclose(J @ np.ones(x.size), 0.0, atol=1e-12 / s)  # 1 is in the null space
    np.testing.assert_allclose(layer_norm(x + 3.0, eps), layer_norm(x, eps), atol=1e-12 * (1 + 1 / s))
    np.testing.assert_allclose(J, J.T, atol=0)
    u = rng.normal(size=x.size)
    np.testing.assert_allclose(layer_norm_vjp(x, u, eps), u @ J, atol=1e-12 * (1 + 1 / s))
    # the learned scale and shift: diag(gamma) J
    gamma, beta = rng.normal(size=x.size), rng.normal(size=x.size)
    np.testing.assert_allclose(numerical_jacobian(lambda xx: gamma * layer_norm(xx, eps) + beta, x),
                               np.diag(gamma) @ J, atol=FD_ATOL * (1 + s**-3) * (1 + np.abs(gamma).max()))


def test_layer_norm_jacobian_is_dense():
    for x in np.random.default_rng(11).normal(size=(20, 5)):
        assert np.count_nonzero(np.abs(layer_norm_jacobian(x)) > 1e-9) == 25  # couples all features


def batch_norm_train(X, eps=1e-5):
    """Training-mode batch normalization of a (B, n) batch: each feature over the batch."""
    return (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps)


def test_batch_norm_couples_the_examples_and_not_the_features():
    rng = np.random.default_rng(5)
    B, n = 4, 3
    X = rng.normal(size=(B, n))
    J = numerical_jacobian(lambda flat: batch_norm_train(flat.reshape(B, n)).ravel(), X.ravel()).reshape(B, n, B, n)
    Y, s = batch_norm_train(X), np.sqrt(X.var(axis=0) + 1e-5)
    for i in range(n):
        for j in range(n):
            block = J[:, i, :, j]  # output feature i against input feature j, over all example pairs
            if i != j:
                assert np.max(np.abs(block)) < 1e-9  # features are not coupled
            else:  # layer norm's formula, along the batch: (I - 1 1^T / B - y y^T / B) / s
                expected = (np.eye(B) - 1 / B - np.outer(Y[:, i], Y[:, i]) / B) / s[i]
                np.testing.assert_allclose(block, expected, atol=FD_ATOL)
    off_diagonal = [np.max(np.abs(J[b, :, c, :])) for b in range(B) for c in range(B) if b != c]
    assert min(off_diagonal) > 1e-3  # every example affects every other: not block diagonal
    # evaluation mode (fixed statistics) is per example again: block diagonal
    mu, var = X.mean(axis=0), X.var(axis=0)
    J_eval = numerical_jacobian(lambda flat: ((flat.reshape(B, n) - mu) / np.sqrt(var + 1e-5)).ravel(), X.ravel())
    J_eval = J_eval.reshape(B, n, B, n)
    assert max(np.max(np.abs(J_eval[b, :, c, :])) for b in range(B) for c in range(B) if b != c) < 1e-9


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_residual_connection_jacobian_is_identity_plus_branch(n, seed):
    rng = np.random.default_rng(seed)
    W, x = rng.normal(size=(n, n)), rng.normal(size=n)
    J_f = tanh_jacobian(W @ x) @ W
    np.testing.assert_allclose(numerical_jacobian(lambda xx: xx + np.tanh(W @ xx), x), np.eye(n) + J_f, atol=FD_ATOL)
    xs = sp.Matrix(sp.symbols(f"x0:{n}"))
    f = (sp.Matrix(W.round(3)) * xs).applyfunc(sp.sin)  # any branch: sympy confirms I + J_f
    assert sp.simplify((xs + f).jacobian(list(xs)) - sp.eye(n) - f.jacobian(list(xs))) == sp.zeros(n, n)


def test_other_layer_examples_run_and_agree():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.layers"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "C x equals the convolution? True" in out
    assert float(out.split("largest |C - central differences|: ")[1].split()[0]) < 1e-8
    assert "C^T u equals correlate(u, k[::-1], 'full')? True" in out
    assert "C^T u equals convolve(u, k, 'full')?        True" in out
    assert "C^T u equals correlate(u, k, 'full')?       False" in out
    C = np.array([row.strip(" []").split() for row in out.split("C =\n")[1].split("\nC x")[0].splitlines()], dtype=float)
    np.testing.assert_array_equal(C, conv1d_matrix([1.0, -2.0, 0.5], 7))
    assert float(out.split("largest |J - central differences|: ")[1].split()[0]) < 1e-8
    assert "nonzero entries: 16 of 16" in out
    x = np.array([0.5, -1.0, 2.0, 0.3])
    J = np.array([row.strip(" []").split() for row in out.split("J =\n")[-1].split("\nlargest")[0].splitlines()], dtype=float)
    np.testing.assert_allclose(J, layer_norm_jacobian(x), atol=6e-5)  # printed with 4 decimals
    np.testing.assert_allclose(np.abs(layer_norm_jacobian(x) @ np.ones(4)), 0.0, atol=1e-12)  # printed as 0 after rounding
    lines = out.splitlines()

    def values(prefix):
        line = next(line for line in lines if line.startswith(prefix))
        return np.array(line.split("[")[1].split("]")[0].split(), dtype=float)

    np.testing.assert_allclose(values("u^T J                       :"), layer_norm_vjp(x, [1.0, 0.0, -2.0, 0.5]), atol=6e-5)
    np.testing.assert_allclose(values("(u - mean(u)"), values("u^T J                       :"), atol=0)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: conv1d(np.ones(2), np.ones(3)), ValueError, "n must be an integer >= the kernel size 3"),
        (lambda: conv1d_matrix(np.ones(3), 2), ValueError, "kernel size"),
        (lambda: conv1d_matrix(np.ones(3), 4.0), ValueError, "n must be an integer"),
        (lambda: conv1d_matrix(np.ones((2, 2)), 4), ValueError, "k must be a non-empty 1-D"),
        (lambda: conv1d_vjp([np.nan], np.ones(3)), ValueError, "k must be finite"),
        (lambda: conv1d(len, np.ones(3)), TypeError, "x must be an array"),
        (lambda: layer_norm(np.ones(3), eps=0.0), ValueError, "eps must be a positive finite number"),
        (lambda: layer_norm_jacobian(np.ones(3), eps=np.inf), ValueError, "eps"),
        (lambda: layer_norm_vjp(np.ones(3), np.ones(2)), ValueError, "u has shape"),
        (lambda: layer_norm([[1.0, 2.0]]), ValueError, "x must be a non-empty 1-D"),
    ],
)
def test_other_layers_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()

"""docs/layers.md: each layer's Jacobian, and the VJP that never forms it.

Every claim of the page is checked on the objects its examples make (snippets/layers/): each
shown Jacobian and VJP is called on many inputs and compared with SymPy and with central
differences, the softmax properties hold for all inputs, the exercise solutions are checked by
value, and the layers of the table (residual, convolution, layer and batch normalization) are
checked against central differences.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from snippets.layers.figures import structure_figure
from snippets.layers.tables import generalized_jacobian_bytes
from snippets.shared.finite_differences import numerical_jacobian

PAGE = "layers"
ROOT = Path(__file__).resolve().parent.parent
# The reference Jacobians are central differences (numerical_jacobian, h = 6e-6) of smooth
# functions with entries of size <= ~10: truncation ~ h^2 |f'''| ~ 1e-9 and round-off
# ~ 1e-16 |f| / h ~ 2e-10, so 1e-7 is a safe bound that any wrong term (all of size >= 1e-3 at
# these points) exceeds. A VJP u^T J_fd adds up n such errors times |u_i|: see fd_tol.
FD_ATOL = 1e-7
# The examples' own central differences (h = 1e-6, losses of size <= ~3): round-off
# ~ 2e-16 * 3 / 1e-6 ~ 6e-10 dominates the truncation ~ h^2 ~ 1e-12, so 1e-8 has a margin.
SHOWN_FD_TOL = 1e-8
# Shown formula against an exact reference in float64: a few roundings of numbers of size <= ~50.
EXACT = 1e-12

finite = st.floats(min_value=-4, max_value=4, allow_nan=False, allow_infinity=False)
seeds = st.integers(0, 2**32 - 1)


def vec(n_min: int = 1, n_max: int = 6):
    """Hypothesis vectors of n_min..n_max entries in [-4, 4]."""
    return st.integers(n_min, n_max).flatmap(lambda n: arrays(np.float64, n, elements=finite))


def fd_tol(u: np.ndarray) -> float:
    """The tolerance of u^T J_fd: each entry of J_fd is within FD_ATOL, weighted by |u_i|."""
    return FD_ATOL * (1 + np.abs(u).sum())


def softmax_reference(z: np.ndarray) -> np.ndarray:
    """exp(z) / sum(exp(z)) without the max shift (safe for |z| <= 8, as used here)."""
    return np.exp(z) / np.exp(z).sum()


@functools.cache
def softmax_jacobian_sympy(n: int):
    """SymPy's Jacobian of softmax on R^n, as a numpy function of the logits."""
    z = sp.symbols(f"z0:{n}")
    e = [sp.exp(zi) for zi in z]
    s = sp.Matrix([ei / sum(e) for ei in e])
    return sp.lambdify([z], s.jacobian(z), "numpy")


@functools.cache
def layer_norm_jacobian_sympy(n: int):
    """SymPy's Jacobian of layer normalization on R^n, as a numpy function of (x, eps)."""
    x = sp.symbols(f"x0:{n}", real=True)
    eps = sp.symbols("epsilon", positive=True)
    mu = sum(x) / n
    s = sp.sqrt(sum((xi - mu) ** 2 for xi in x) / n + eps)
    y = sp.Matrix([(xi - mu) / s for xi in x])
    return sp.lambdify([x, eps], y.jacobian(x), "numpy")


# --- the figure and the computed sentence ---------------------------------------------------


def test_structure_figure_shows_the_three_jacobians():
    import matplotlib.pyplot as plt

    fig = structure_figure()
    rng = np.random.default_rng(0)  # the figure's draws, in its order
    z, W = rng.normal(size=5), rng.normal(size=(4, 5))
    images = [ax.images[0] for ax in fig.axes]
    assert len(images) == 3
    expected = [W, numerical_jacobian(np.tanh, z), numerical_jacobian(softmax_reference, 2 * z)]
    for image, M in zip(images, expected):
        shown = np.asarray(image.get_array())
        np.testing.assert_allclose(shown, M, atol=FD_ATOL, rtol=0)
        lim = np.abs(shown).max()
        assert image.get_clim() == (-lim, lim)  # symmetric colours: white is exactly zero
        assert image.get_cmap().name == "RdBu_r"  # red positive, blue negative, as the caption says
    tanh_part = np.asarray(images[1].get_array())
    assert np.count_nonzero(tanh_part - np.diag(np.diag(tanh_part))) == 0  # diagonal, exactly
    softmax_part = np.asarray(images[2].get_array())
    np.testing.assert_allclose(softmax_part, softmax_part.T, atol=1e-15)
    assert np.all(np.diag(softmax_part) > 0) and np.all(softmax_part[~np.eye(5, dtype=bool)] < 0)
    plt.close(fig)


def test_structure_figure_keeps_its_colours_in_dark_mode():
    text = (ROOT / "docs" / "layers.md").read_text(encoding="utf-8")
    block = text.split("structure_figure()", 1)[1].split("```", 1)[0]
    assert "invert_in_dark=False" in block


@pytest.mark.parametrize(("m", "n"), [(1, 1), (3, 4), (4, 2)])
def test_generalized_jacobian_bytes_is_the_size_of_the_full_jacobian(example, m, n):
    J_W = example(PAGE, "linear")["linear_jacobians"](np.ones((m, n)), np.ones(n))[1]
    assert generalized_jacobian_bytes(m, n) == J_W.nbytes == m * (m * n) * 8


def test_the_4096_layer_sentence():
    # The page computes "550 GB" for dy/dvec(W) and "134 MB" (8 m n bytes, the size of W) for
    # u x^T: the full Jacobian is m = 4096 times larger than the VJP.
    assert generalized_jacobian_bytes(4096, 4096) == 4096**3 * 8 == 4096 * (8 * 4096 * 4096)
    assert round(generalized_jacobian_bytes(4096, 4096) / 1e9) == 550
    assert round(8 * 4096 * 4096 / 1e6) == 134


@pytest.mark.parametrize(
    ("m", "n", "error", "message"),
    [(0, 3, ValueError, "m must be an integer >= 1"), (3, 2.5, TypeError, "n must be an integer"),
     (True, 3, TypeError, "m must be an integer")],
)
def test_generalized_jacobian_bytes_rejects_bad_sizes(m, n, error, message):
    with pytest.raises(error, match=message):
        generalized_jacobian_bytes(m, n)


# --- linear layer ---------------------------------------------------------------------------


def test_linear_jacobians_symbolically():
    m, n = 2, 3
    W = sp.Matrix(m, n, sp.symbols(f"w0:{m * n}"))
    x = sp.Matrix(sp.symbols(f"x0:{n}"))
    b = sp.Matrix(sp.symbols(f"b0:{m}"))
    y = W * x + b
    assert y.jacobian(list(x)) == W
    assert y.jacobian(list(b)) == sp.eye(m)
    J_W = y.jacobian(list(W))  # sympy flattens row by row, like numpy's ravel
    assert J_W == sp.kronecker_product(sp.eye(m), x.T)
    u = sp.Matrix(sp.symbols(f"u0:{m}"))
    assert sp.Matrix(m, n, list(u.T * J_W)) == u * x.T  # the VJP is the outer product u x^T


def test_column_major_vec_gives_x_kron_identity():
    """The footnote: with column-stacking vec (Magnus and Neudecker), dy/dvec(W) = x^T (x) I_m."""
    m, n = 2, 3
    W = sp.Matrix(m, n, sp.symbols(f"w0:{m * n}"))
    x = sp.Matrix(sp.symbols(f"x0:{n}"))
    vec_c = list(W.T)  # the columns of W, stacked (sympy's list() reads row by row, so transpose)
    assert (W * x).jacobian(vec_c) == sp.kronecker_product(x.T, sp.eye(m))
    rng = np.random.default_rng(8)
    Wn, xn = rng.normal(size=(m, n)), rng.normal(size=n)
    J = numerical_jacobian(lambda w: w.reshape((m, n), order="F") @ xn, Wn.ravel(order="F"))
    np.testing.assert_allclose(J, np.kron(xn[None, :], np.eye(m)), atol=FD_ATOL)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), seeds)
def test_shown_linear_jacobians_and_vjps_against_central_differences(example, m, n, seed):
    ns = example(PAGE, "linear")
    rng = np.random.default_rng(seed)
    W, b, x, u = rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n), rng.normal(size=m)
    layer = lambda W_, b_, x_: W_ @ x_ + b_  # noqa: E731  (the forward map, by definition)
    J_x, J_W, J_b = ns["linear_jacobians"](W, x)
    np.testing.assert_allclose(J_x, numerical_jacobian(lambda v: layer(W, b, v), x), atol=FD_ATOL, rtol=0)
    np.testing.assert_allclose(J_W, numerical_jacobian(lambda w: layer(w.reshape(m, n), b, x), W.ravel()),
                               atol=FD_ATOL, rtol=0)
    np.testing.assert_allclose(J_b, numerical_jacobian(lambda v: layer(W, v, x), b), atol=FD_ATOL, rtol=0)
    grad_x, grad_W, grad_b = ns["linear_vjps"](W, x, u)
    assert grad_W.shape == W.shape  # the classic bug x u^T has shape (n, m)
    # Each VJP is the gradient of the scalar u . y with respect to x, W and b.
    np.testing.assert_allclose(grad_x, numerical_jacobian(lambda v: u @ layer(W, b, v), x)[0], atol=fd_tol(u))
    np.testing.assert_allclose(
        grad_W.ravel(), numerical_jacobian(lambda w: u @ layer(w.reshape(m, n), b, x), W.ravel())[0], atol=fd_tol(u)
    )
    np.testing.assert_allclose(grad_b, numerical_jacobian(lambda v: u @ layer(W, v, x), b)[0], atol=fd_tol(u))


def test_linear_example_shapes_and_equalities(example):
    ns = example(PAGE, "linear")
    assert ns["J_x"].shape == (3, 4) and ns["J_W"].shape == (3, 12)  # m x n and m x (m n)
    vjps, jacobians = (ns["grad_x"], ns["grad_W"].ravel(), ns["grad_b"]), (ns["J_x"], ns["J_W"], ns["J_b"])
    for vjp, J in zip(vjps, jacobians):  # the three printed equalities u^T J == VJP hold
        np.testing.assert_allclose(ns["u"] @ J, vjp, rtol=EXACT)


# --- tanh -----------------------------------------------------------------------------------


def test_tanh_jacobian_symbolically():
    z = sp.symbols("z0:3")
    tanh = sp.Matrix([sp.tanh(zi) for zi in z])
    assert sp.simplify(tanh.jacobian(z) - sp.diag(*[1 - sp.tanh(zi) ** 2 for zi in z])) == sp.zeros(3, 3)


@settings(max_examples=60, deadline=None)
@given(vec(), seeds)
def test_shown_tanh_jacobian_and_vjp_against_central_differences(example, z, seed):
    ns = example(PAGE, "tanh")
    u = np.random.default_rng(seed).normal(size=z.size)
    J = ns["tanh_jacobian"](z)
    assert np.count_nonzero(J - np.diag(np.diag(J))) == 0  # diagonal
    J_fd = numerical_jacobian(np.tanh, z)
    np.testing.assert_allclose(J, J_fd, atol=FD_ATOL, rtol=0)
    np.testing.assert_allclose(ns["tanh_vjp"](z, u), u @ J_fd, atol=fd_tol(u), rtol=0)
    np.testing.assert_allclose(ns["tanh_vjp"](z, u), u @ J, atol=1e-14)


def test_tanh_example_values(example):
    ns = example(PAGE, "tanh")
    np.testing.assert_allclose(ns["u"] @ ns["J"], ns["vjp"], rtol=EXACT)  # the first two lines agree
    assert np.count_nonzero(ns["J"]) == 5 and ns["J"].size == 25


# --- softmax --------------------------------------------------------------------------------


def test_softmax_jacobian_symbolically():
    z = sp.symbols("z0:3")
    e = [sp.exp(zi) for zi in z]
    s = sp.Matrix([ei / sum(e) for ei in e])
    J = s.jacobian(z)
    assert sp.simplify(J - (sp.diag(*s) - s * s.T)) == sp.zeros(3, 3)
    assert sp.simplify(J * sp.ones(3, 1)) == sp.zeros(3, 1)


def test_shown_softmax_jacobian_matches_sympy(example):
    ns = example(PAGE, "softmax")
    for p in np.random.default_rng(4).normal(size=(20, 4)) * 3:
        np.testing.assert_allclose(ns["softmax_jacobian"](p), np.asarray(softmax_jacobian_sympy(4)(p), float),
                                   rtol=1e-12, atol=1e-14)


@settings(max_examples=80, deadline=None)
@given(vec(2, 6), seeds)
def test_shown_softmax_properties_for_all_inputs(example, z, seed):
    ns = example(PAGE, "softmax")
    s, J = ns["softmax"](z), ns["softmax_jacobian"](z)
    np.testing.assert_allclose(s, softmax_reference(z), rtol=EXACT)
    np.testing.assert_allclose(J, numerical_jacobian(softmax_reference, z), atol=FD_ATOL, rtol=0)
    np.testing.assert_allclose(J, J.T, atol=0)  # symmetric
    np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-15)  # rows sum to zero
    assert abs(np.linalg.det(J)) < 1e-12  # singular
    if s.min() > 1e-6:  # rank exactly n - 1 unless some s_i is (numerically) zero
        assert np.linalg.matrix_rank(J, tol=1e-10) == z.size - 1
    u = np.random.default_rng(seed).normal(size=z.size)
    vjp = ns["softmax_vjp"](z, u)
    np.testing.assert_allclose(vjp, u @ numerical_jacobian(softmax_reference, z), atol=fd_tol(u), rtol=0)
    np.testing.assert_allclose(vjp, u @ J, atol=1e-14)
    assert abs(vjp.sum()) < 1e-13  # a VJP through softmax sums to zero


def test_shown_softmax_does_not_overflow(example):
    # The comment in the example: subtracting max(z) gives the same value without overflow.
    softmax = example(PAGE, "softmax")["softmax"]
    np.testing.assert_allclose(softmax(np.array([1000.0, 0.0, -1000.0])), [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(softmax(np.array([800.0, 801.0])), softmax_reference(np.array([0.0, 1.0])), rtol=EXACT)


def test_softmax_example_values(example):
    ns = example(PAGE, "softmax")
    z = ns["z"]
    np.testing.assert_allclose(ns["s"], softmax_reference(z), rtol=EXACT)
    np.testing.assert_allclose(ns["J"], np.asarray(softmax_jacobian_sympy(3)(z), float), rtol=1e-12, atol=1e-15)
    assert np.linalg.matrix_rank(ns["J"]) == 2  # "rank: 2 of 3"
    np.testing.assert_allclose(ns["softmax_vjp"](z, ns["u"]), ns["u"] @ ns["J"], atol=1e-15)


def test_softmax_bug_diagonal_only_is_wrong(example):
    ns = example(PAGE, "softmax_bug")
    z, u = ns["z"], ns["u"]
    s = softmax_reference(z)
    np.testing.assert_allclose(ns["s"], s, rtol=EXACT)
    np.testing.assert_allclose(ns["right"], u @ np.asarray(softmax_jacobian_sympy(3)(z), float), atol=1e-14)
    np.testing.assert_allclose(ns["wrong"], u * s * (1 - s), rtol=EXACT)  # the diagonal of J only
    assert abs(ns["right"].sum()) < 1e-15  # printed as +0.0e+00
    assert ns["wrong"].sum() == pytest.approx(0.061, abs=5e-4)  # printed as +6.1e-02: visibly nonzero
    assert not np.allclose(ns["wrong"], ns["right"], atol=1e-3)


# --- softmax followed by cross-entropy -------------------------------------------------------


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


@settings(max_examples=60, deadline=None)
@given(vec(2, 6), seeds)
def test_shown_cross_entropy_gradient_is_yhat_minus_t(example, z, seed):
    ns = example(PAGE, "cross_entropy")
    t = np.random.default_rng(seed).dirichlet(np.ones(z.size))  # any probability vector
    reference_loss = lambda v: -(t @ np.log(softmax_reference(v)))  # noqa: E731  (|v| <= 4: no overflow)
    np.testing.assert_allclose(ns["log_softmax"](z), np.log(softmax_reference(z)), atol=EXACT)
    assert ns["loss"](z, t) == pytest.approx(reference_loss(z), abs=EXACT)
    g = ns["loss_grad"](z, t)
    np.testing.assert_allclose(g, numerical_jacobian(reference_loss, z)[0], atol=FD_ATOL, rtol=0)
    # the chain rule J_softmax^T (-t / s) collapses to the same vector
    softmax_vjp = example(PAGE, "softmax")["softmax_vjp"]
    np.testing.assert_allclose(softmax_vjp(z, -t / softmax_reference(z)), g, atol=1e-8)
    assert abs(g.sum()) < 1e-12


def test_shown_cross_entropy_is_stable_for_large_logits(example):
    ns = example(PAGE, "cross_entropy")
    z, t = np.array([1000.0, 0.0, -1000.0]), np.array([0.0, 1.0, 0.0])
    assert ns["loss"](z, t) == pytest.approx(1000.0)
    assert np.all(np.isfinite(ns["log_softmax"](z)))
    np.testing.assert_allclose(ns["loss_grad"](z, t), [1.0, -1.0, 0.0], atol=1e-15)


def test_cross_entropy_example_values(example):
    ns = example(PAGE, "cross_entropy")
    z, t = ns["z"], ns["t"]
    np.testing.assert_allclose(ns["grad"], softmax_reference(z) - t, atol=EXACT)
    np.testing.assert_allclose(ns["numeric"], ns["grad"], atol=SHOWN_FD_TOL, rtol=0)
    assert abs(ns["grad"].sum()) < 1e-15  # printed as -1.1e-16: round-off


def test_cross_entropy_bug_naive_is_nan_and_stable_is_exact(example):
    ns = example(PAGE, "cross_entropy_bug")
    assert np.isnan(ns["naive"])
    # L = log(e^1000 + 1 + e^-1000) - 0 = 1000 + log(1 + e^-1000 + e^-2000), to 50 digits:
    exact = sp.log(sp.exp(1000) + 1 + sp.exp(-1000)).evalf(50)
    assert ns["stable"] == float(exact) == 1000.0


@settings(max_examples=40, deadline=None)
@given(vec(2, 6), seeds)
def test_cross_entropy_bug_both_losses_are_right_for_moderate_logits(example, z, seed):
    ns = example(PAGE, "cross_entropy_bug")
    t = np.random.default_rng(seed).dirichlet(np.ones(z.size))
    reference = -(t @ np.log(softmax_reference(z)))  # |z| <= 4: no overflow
    assert ns["naive_loss"](z, t) == pytest.approx(reference, abs=EXACT)  # the bug is only numerical
    assert ns["stable_loss"](z, t) == pytest.approx(reference, abs=EXACT)
    # Shifted by 1000 (the naive one overflows): still right; z + 1000 rounds z by ~1e-13.
    assert ns["stable_loss"](z + 1000.0, t) == pytest.approx(reference, abs=1e-9)


# --- mean squared error ---------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(vec(), seeds)
def test_shown_mse_gradient(example, y, seed):
    ns = example(PAGE, "mse")
    t = np.random.default_rng(seed).normal(size=y.size)
    reference_loss = lambda v: sum((vi - ti) ** 2 for vi, ti in zip(v, t)) / len(v)  # noqa: E731
    assert ns["loss"](y, t) == pytest.approx(reference_loss(y), abs=EXACT)
    g = ns["loss_grad"](y, t)
    fd = numerical_jacobian(reference_loss, y)[0]
    np.testing.assert_allclose(g, fd, atol=FD_ATOL, rtol=0)
    if np.max(np.abs(y - t)) > 1e-3:  # a factor-of-2 slip is caught by the same check
        assert not np.allclose(fd, (y - t) / y.size, atol=FD_ATOL)


def test_mse_example_values(example):
    ns = example(PAGE, "mse")
    y, t = sp.Matrix(ns["y"]), sp.Matrix(ns["t"])
    exact = 2 * (y - t) / 4  # the example's numbers are exact binary fractions
    np.testing.assert_array_equal(ns["grad"], np.array(exact, float).ravel())
    np.testing.assert_allclose(ns["numeric"], ns["grad"], atol=SHOWN_FD_TOL, rtol=0)


# --- convolution ----------------------------------------------------------------------------


def conv_reference(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """y_i = sum_p k_p x_(i+p), written out."""
    return np.array([sum(k[p] * x[i + p] for p in range(len(k))) for i in range(len(x) - len(k) + 1)])


def test_conv1d_matrix_and_vjp_symbolically(example):
    ns = example(PAGE, "conv1d")
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
    # the shown functions, at numbers
    values = {ki: v for ki, v in zip(k, [0.5, -1.25, 2.0])} | {ui: v for ui, v in zip(u, [1.0, -2.0, 0.25, 3.0])}
    k_num, u_num = np.array([0.5, -1.25, 2.0]), np.array([1.0, -2.0, 0.25, 3.0])
    np.testing.assert_array_equal(ns["conv_matrix"](k_num, n), np.array(C.subs(values), float))
    np.testing.assert_allclose(ns["conv_vjp"](k_num, u_num), np.array(vjp.subs(values), float).ravel(), rtol=EXACT)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(0, 6), seeds)
def test_shown_conv_is_a_banded_linear_layer_and_its_vjp_a_flipped_correlation(example, K, extra, seed):
    ns = example(PAGE, "conv1d")
    rng = np.random.default_rng(seed)
    n = K + extra
    k, x, u = rng.normal(size=K), rng.normal(size=n), rng.normal(size=n - K + 1)
    np.testing.assert_allclose(ns["conv"](x, k), conv_reference(x, k), atol=EXACT)
    C = ns["conv_matrix"](k, n)
    assert C.shape == (n - K + 1, n)
    assert np.count_nonzero(C) == (n - K + 1) * K  # K nonzeros per row: sparse, banded
    np.testing.assert_allclose(C, numerical_jacobian(lambda v: conv_reference(v, k), x), atol=FD_ATOL, rtol=0)
    vjp = ns["conv_vjp"](k, u)
    np.testing.assert_allclose(vjp, numerical_jacobian(lambda v: u @ conv_reference(v, k), x)[0], atol=fd_tol(u))
    np.testing.assert_allclose(vjp, C.T @ u, atol=EXACT)
    np.testing.assert_allclose(vjp, np.convolve(u, k, mode="full"), atol=EXACT)  # the textbook convolution
    if K > 1 and np.max(np.abs(k - k[::-1])) > 1e-3 and np.max(np.abs(u)) > 1e-3:
        assert not np.allclose(np.correlate(u, k, mode="full"), C.T @ u, atol=1e-6)  # the unflipped bug


def test_conv1d_example_values(example):
    ns = example(PAGE, "conv1d")
    k, x, u = ns["k"], ns["x"], ns["u"]
    expected_C = np.array([[k[j - i] if 0 <= j - i < 3 else 0.0 for j in range(7)] for i in range(5)])
    np.testing.assert_array_equal(ns["C"], expected_C)
    np.testing.assert_allclose(ns["y"], conv_reference(x, k), atol=EXACT)
    np.testing.assert_allclose(ns["J_fd"], expected_C, atol=SHOWN_FD_TOL, rtol=0)  # printed 8.2e-11
    np.testing.assert_allclose(ns["vjp"], expected_C.T @ u, atol=EXACT)
    assert not np.allclose(expected_C.T @ u, np.correlate(u, k, mode="full"))  # the last line: False


# --- layer normalization --------------------------------------------------------------------


def layer_norm_reference(x: np.ndarray, eps: float) -> np.ndarray:
    """(x - mu) / sqrt(sigma^2 + eps), the mean and variance written out."""
    mu = sum(x) / len(x)
    return (x - mu) / np.sqrt(sum((xi - mu) ** 2 for xi in x) / len(x) + eps)


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


@settings(max_examples=60, deadline=None)
@given(vec(2, 5), seeds, st.sampled_from([1e-5, 1e-2, 1.0]))
def test_shown_layer_norm_jacobian_and_vjp(example, x, seed, eps):
    ns = example(PAGE, "layer_norm")
    rng = np.random.default_rng(seed)
    x = x + 0.1 * rng.normal(size=x.size)  # a spread of features (var >> eps for most draws)
    s = np.sqrt(x.var() + eps)
    np.testing.assert_allclose(ns["layer_norm"](x, eps), layer_norm_reference(x, eps), atol=EXACT * (1 + 1 / s))
    J = ns["layer_norm_jacobian"](x, eps)
    np.testing.assert_allclose(J, np.asarray(layer_norm_jacobian_sympy(x.size)(x, eps), float),
                               rtol=1e-9, atol=1e-12 * (1 + s**-3))
    # Central differences: third derivatives of order 1/s^3, so truncation ~ h^2 / s^3; scale the
    # tolerance by (1 + 1/s^3) and keep the round-off part (1e-16 / h ~ 2e-11 |y|) under it.
    tol = FD_ATOL * (1 + s**-3)
    np.testing.assert_allclose(J, numerical_jacobian(lambda v: layer_norm_reference(v, eps), x), atol=tol, rtol=0)
    np.testing.assert_allclose(J @ np.ones(x.size), 0.0, atol=1e-12 / s)  # 1 is in the null space
    np.testing.assert_allclose(ns["layer_norm"](x + 3.0, eps), ns["layer_norm"](x, eps), atol=1e-12 * (1 + 1 / s))
    np.testing.assert_allclose(J, J.T, atol=0)
    u = rng.normal(size=x.size)
    np.testing.assert_allclose(ns["layer_norm_vjp"](x, u, eps), u @ J, atol=1e-12 * (1 + 1 / s))
    # the learned scale and shift: diag(gamma) J
    gamma, beta = rng.normal(size=x.size), rng.normal(size=x.size)
    np.testing.assert_allclose(numerical_jacobian(lambda v: gamma * layer_norm_reference(v, eps) + beta, x),
                               np.diag(gamma) @ J, atol=tol * (1 + np.abs(gamma).max()))


def test_shown_layer_norm_jacobian_is_dense(example):
    layer_norm_jacobian = example(PAGE, "layer_norm")["layer_norm_jacobian"]
    for x in np.random.default_rng(11).normal(size=(20, 5)):
        assert np.count_nonzero(np.abs(layer_norm_jacobian(x)) > 1e-9) == 25  # couples all features


def test_layer_norm_example_values(example):
    ns = example(PAGE, "layer_norm")
    x, u = ns["x"], ns["u"]
    J = np.asarray(layer_norm_jacobian_sympy(4)(x, 1e-5), float)
    np.testing.assert_allclose(ns["y"], layer_norm_reference(x, 1e-5), atol=EXACT)
    np.testing.assert_allclose(ns["J"], J, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ns["J_fd"], J, atol=SHOWN_FD_TOL, rtol=0)  # printed 1.5e-10
    assert np.count_nonzero(ns["J"]) == 16  # "16 of 16"
    np.testing.assert_allclose(ns["J"] @ np.ones(4), 0.0, atol=1e-12)  # printed as 0 after rounding
    np.testing.assert_allclose(ns["layer_norm"](x + 3) - ns["y"], 0.0, atol=1e-12)
    np.testing.assert_allclose(ns["layer_norm_vjp"](x, u), u @ J, atol=EXACT)


# --- the other layers of the table: residual connection and batch normalization --------------


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), seeds)
def test_residual_connection_jacobian_is_identity_plus_branch(example, n, seed):
    tanh_jacobian = example(PAGE, "tanh")["tanh_jacobian"]
    rng = np.random.default_rng(seed)
    W, x = rng.normal(size=(n, n)), rng.normal(size=n)
    J_f = tanh_jacobian(W @ x) @ W  # the branch f(x) = tanh(W x), by the chain rule
    np.testing.assert_allclose(numerical_jacobian(lambda v: v + np.tanh(W @ v), x), np.eye(n) + J_f, atol=FD_ATOL)


def test_residual_connection_jacobian_symbolically():
    n = 3
    xs = sp.Matrix(sp.symbols(f"x0:{n}"))
    f = sp.Matrix([sp.Function(f"f{i}")(*xs) for i in range(n)])  # any branch R^n -> R^n
    assert (xs + f).jacobian(list(xs)) - f.jacobian(list(xs)) == sp.eye(n)


def batch_norm_train(X: np.ndarray, eps: float = 1e-5) -> np.ndarray:
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


# --- exercises ------------------------------------------------------------------------------


def test_exercise_softmax_jacobian_at_zero(example):
    ns = example(PAGE, "exercise_softmax_2")
    z = sp.symbols("z0:2")
    e = [sp.exp(zi) for zi in z]
    s = sp.Matrix([ei / sum(e) for ei in e])
    exact = sp.simplify(s.jacobian(z).subs({z[0]: 0, z[1]: 0}))
    assert exact == sp.Matrix([[1, -1], [-1, 1]]) / 4
    np.testing.assert_array_equal(ns["J"], np.array(exact, float))  # 1/4 is exact in binary


def test_exercise_shift_leaves_softmax_unchanged(example):
    ns = example(PAGE, "exercise_shift")
    z, c = sp.symbols("z0:3"), sp.symbols("c")
    s = lambda w: [sp.exp(wi) / sum(sp.exp(wk) for wk in w) for wi in w]  # noqa: E731
    assert all(sp.simplify(a - b) == 0 for a, b in zip(s([zi + c for zi in z]), s(z)))
    np.testing.assert_allclose(ns["softmax"](ns["z"]), softmax_reference(ns["z"]), rtol=EXACT)
    assert ns["change"] < 1e-15  # printed 2.2e-16: one rounding
    np.testing.assert_allclose(ns["J"], np.asarray(softmax_jacobian_sympy(4)(ns["z"]), float), atol=1e-15)
    # J 1 = 0 up to round-off, small enough that printing with suppress=True shows 0.
    assert np.max(np.abs(ns["J"] @ np.ones(4))) < 1e-15


def test_exercise_softmax_and_log_softmax_do_not_overflow(example):
    # Like the softmax above, the exercises' softmax and log_softmax subtract max(z) first.
    z = np.array([1000.0, 0.0, -1000.0])
    np.testing.assert_allclose(example(PAGE, "exercise_shift")["softmax"](z), [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(example(PAGE, "exercise_soft_labels")["log_softmax"](z), [0.0, -1000.0, -2000.0],
                               rtol=EXACT)


def test_exercise_soft_labels_gradient_is_sum_t_times_yhat_minus_t(example):
    ns = example(PAGE, "exercise_soft_labels")
    z, t = ns["z"], ns["t"]
    np.testing.assert_allclose(ns["s"], softmax_reference(z), rtol=EXACT)
    np.testing.assert_allclose(ns["grad"], t.sum() * softmax_reference(z) - t, atol=EXACT)
    np.testing.assert_allclose(ns["numeric"], ns["grad"], atol=SHOWN_FD_TOL, rtol=0)
    assert not np.allclose(ns["numeric"], ns["s"] - t, atol=1e-2)  # y_hat - t is wrong when sum t != 1

"""docs/layers.md: each layer's Jacobian, and the VJP that never forms it.

Every claim of the page is checked on the objects its examples make (snippets/layers/): each
shown Jacobian and VJP (linear, batched matmul for both arguments, tanh, softmax, cross-entropy,
MSE, convolution for input and kernel, layer and batch normalization) is called on many inputs
and compared with SymPy and with central differences; the softmax and layer-norm spectra, the
stride/padding/dilation recipe, the double where (JAX against NumPy) and the exercise solutions
are checked by value.
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
# numerical_jacobian (h = 6e-6), entries <= ~10: truncation ~1e-9 + round-off ~2e-10, well under 1e-7.
FD_ATOL = 1e-7
# The examples' own central differences (h = 1e-6, losses <= ~3): round-off ~6e-10 dominates, under 1e-8.
SHOWN_FD_TOL = 1e-8
# Shown formula against an exact reference in float64: a few roundings of numbers of size <= ~50.
EXACT = 1e-12
BIG = np.array([1000.0, 0.0, -1000.0])  # logits whose exp overflows

seeds = st.integers(0, 2**32 - 1)


def vec(n_min: int = 1, n_max: int = 6):
    """Hypothesis vectors of n_min..n_max entries in [-4, 4]."""
    finite = st.floats(min_value=-4, max_value=4, allow_nan=False, allow_infinity=False)
    return st.integers(n_min, n_max).flatmap(lambda n: arrays(np.float64, n, elements=finite))


def softmax_reference(z: np.ndarray) -> np.ndarray:
    """exp(z) / sum(exp(z)) without the max shift (safe for |z| <= 8, as used here)."""
    return np.exp(z) / np.exp(z).sum()


def conv_reference(x: np.ndarray, k: np.ndarray, S: int = 1, P: int = 0, D: int = 1) -> np.ndarray:
    """y_i = sum_p k_p xp_(S i + D p), written out, on x padded with P zeros each side: stride S, dilation D."""
    xp, span = np.pad(x, P), D * (len(k) - 1) + 1
    return np.array([sum(k[p] * xp[S * i + D * p] for p in range(len(k))) for i in range((len(xp) - span) // S + 1)])


def sym_softmax(z) -> sp.Matrix:
    """Softmax of a list of SymPy expressions, as a column."""
    return sp.Matrix([sp.exp(zi) / sum(sp.exp(zk) for zk in z) for zi in z])


def sym_layer_norm(n: int):
    """Layer normalization on R^n in SymPy: the symbols x and epsilon, then s and y."""
    x, eps = sp.symbols(f"x0:{n}", real=True), sp.symbols("epsilon", positive=True)
    mu = sum(x) / n
    s = sp.sqrt(sum((xi - mu) ** 2 for xi in x) / n + eps)
    return x, eps, s, sp.Matrix([(xi - mu) / s for xi in x])


@functools.cache
def sympy_layer(layer: str, n: int):
    """SymPy's softmax (of z) or layer normalization (of x, eps) on R^n, and its Jacobian, as numpy functions."""
    if layer == "softmax":
        args = [sp.symbols(f"z0:{n}")]
        y = sym_softmax(args[0])
    else:
        *args, _, y = sym_layer_norm(n)
    f, J = (sp.lambdify(args, e, "numpy") for e in (y, y.jacobian(args[0])))
    return (lambda *a: np.asarray(f(*a), float).ravel()), (lambda *a: np.asarray(J(*a), float))


@functools.cache
def formulas() -> dict[str, sp.Matrix]:
    """Each formula of the page as (SymPy's derivative) - (the page's form): all must simplify to zero."""
    x, b, u, p, q, v, xs = (sp.Matrix(sp.symbols(f"{a}0:{n}")) for a, n in zip("xbuysvX", (3, 2, 2, 4, 4, 4, 6)))
    W, z, z2, c, k = sp.Matrix(2, 3, sp.symbols("w0:6")), *(sp.symbols(a) for a in ("z0:3", "z0:2", "c", "k0:3"))
    t = sp.symbols("t0:3", nonnegative=True)
    y, J_W = W * x + b, (W * x + b).jacobian(list(W))  # sympy flattens row by row, like numpy's ravel
    s, T, th = sym_softmax(z), sp.Matrix(t), sp.Matrix(z).applyfunc(sp.tanh)
    ce = sp.Matrix([-sum(ti * sp.log(si) for ti, si in zip(t, s))]).jacobian(z).T
    C = sp.Matrix([sum(k[r] * xs[i + r] for r in range(3)) for i in range(4)]).jacobian(list(xs))  # n = 6, K = 3
    flipped = [sum(v[i] * k[::-1][i + 2 - j] for i in range(4) if 0 <= i + 2 - j < 3) for j in range(6)]
    lx, eps, ls, ly = sym_layer_norm(3)
    J_ln = ly.jacobian(lx)
    Xb, Wb, Yb = (sp.Matrix(r, c, sp.symbols(f"{a}0:{r * c}")) for a, r, c in (("X", 2, 3), ("V", 2, 3), ("Y", 2, 2)))
    bb = sp.Matrix(sp.symbols("c0:2"))
    L = sum(Yb.multiply_elementwise(Xb * Wb.T + sp.ones(2, 1) * bb.T))  # <Y_bar, Y>, B = 2, n = 3, m = 2
    grad = lambda A: sp.Matrix(*A.shape, [sp.diff(L, a) for a in A])  # noqa: E731
    f = sp.Matrix([sp.Function(f"f{i}")(*x) for i in range(3)])  # any residual branch R^3 -> R^3
    return {
        "linear: J_x = W": y.jacobian(list(x)) - W,
        "linear: J_b = I": y.jacobian(list(b)) - sp.eye(2),
        "linear: dy/dvec_r(W) = I (x) x^T": J_W - sp.kronecker_product(sp.eye(2), x.T),
        "linear: the VJP is u x^T": sp.Matrix(2, 3, list(u.T * J_W)) - u * x.T,
        "footnote: stacking columns, x^T (x) I": y.jacobian(list(W.T)) - sp.kronecker_product(x.T, sp.eye(2)),
        "tanh: diag(1 - tanh^2)": th.jacobian(z) - sp.diag(*[1 - e**2 for e in th]),
        "softmax: diag(s) - s s^T": s.jacobian(z) - (sp.diag(*s) - s * s.T),
        "softmax: J 1 = 0": s.jacobian(z) * sp.ones(3, 1),
        "cross-entropy, exercise 3: (sum t) s - t": ce - (sum(t) * s - T),
        "cross-entropy: s - t when sum t = 1": (ce - (s - T)).subs(t[2], 1 - t[0] - t[1]),
        "mse: 2 (y - t) / k": sp.Matrix([sum((p - q).applyfunc(lambda e: e**2)) / 4]).jacobian(p).T - 2 * (p - q) / 4,
        "conv: C_ij = k_(j-i)": C - sp.Matrix(4, 6, lambda i, j: k[j - i] if 0 <= j - i < 3 else 0),
        "conv: C^T u is the full correlation with the flipped kernel": C.T * v - sp.Matrix(flipped),
        "conv: dy_i/dk_p = x_(i+p)": sp.Matrix([sum(k[r] * xs[i + r] for r in range(3)) for i in range(4)]).jacobian(k)
        - sp.Matrix(4, 3, lambda i, r: xs[i + r]),
        "matmul: X_bar = Y_bar W, W_bar = Y_bar^T X, b_bar = Y_bar^T 1": sp.Matrix(
            [*(grad(Xb) - Yb * Wb), *(grad(Wb) - Yb.T * Xb), *(grad(bb) - Yb.T * sp.ones(2, 1))]),
        "layer norm: ds/dx_j = y_j / n": sp.Matrix([ls]).jacobian(lx).T - ly / 3,
        "layer norm: the matrix of the table": J_ln - (sp.eye(3) - sp.ones(3, 3) / 3 - ly * ly.T / 3) / ls,
        "layer norm: J 1 = 0": J_ln * sp.ones(3, 1),
        "layer norm: J y = (eps / s^3) y": J_ln * ly - eps / ls**3 * ly,
        "layer norm: J v = v / s for v orthogonal to 1 and y": J_ln * sp.Matrix(3, 1, list(ly.cross(sp.ones(3, 1))))
        - sp.Matrix(3, 1, list(ly.cross(sp.ones(3, 1)))) / ls,
        "residual: I + J_f": (x + f).jacobian(list(x)) - sp.eye(3) - f.jacobian(list(x)),
        "exercise 1: J(0)": sym_softmax(z2).jacobian(z2).subs(dict.fromkeys(z2, 0)) - sp.Matrix([[1, -1], [-1, 1]]) / 4,
        "exercise 2: softmax(z + c 1) = softmax(z)": sym_softmax([zi + c for zi in z]) - s,
    }


@pytest.mark.parametrize("claim", list(formulas()))
def test_formula_symbolically(claim):
    assert sp.simplify(formulas()[claim]) == sp.zeros(*formulas()[claim].shape)


def test_structure_figure_and_the_4096_layer_sentence():
    import matplotlib.pyplot as plt

    fig = structure_figure()
    rng = np.random.default_rng(0)  # the figure's draws, in its order
    z, W = rng.normal(size=5), rng.normal(size=(4, 5))
    images = [ax.images[0] for ax in fig.axes]
    plt.close(fig)
    shown = [np.asarray(image.get_array()) for image in images]
    expected = [W, numerical_jacobian(np.tanh, z), numerical_jacobian(softmax_reference, 2 * z)]
    assert len(images) == 3
    for image, A, M in zip(images, shown, expected):
        np.testing.assert_allclose(A, M, atol=FD_ATOL, rtol=0)
        assert image.get_clim() == (-np.abs(A).max(), np.abs(A).max())  # symmetric colours: white is exactly zero
        assert image.get_cmap().name == "RdBu_r"  # red positive, blue negative, as the caption says
    assert np.count_nonzero(shown[1] - np.diag(np.diag(shown[1]))) == 0  # tanh: diagonal, exactly
    np.testing.assert_allclose(shown[2], shown[2].T, atol=1e-15)  # softmax: symmetric, signs as the alt text says
    assert np.all(np.diag(shown[2]) > 0) and np.all(shown[2][~np.eye(5, dtype=bool)] < 0)
    block = (ROOT / "docs" / "layers.md").read_text(encoding="utf-8").split("structure_figure()", 1)[1]
    assert "invert_in_dark=False" in block.split("```", 1)[0]  # the colours keep their meaning in dark mode
    # "550 GB" for dy/dvec(W), m (m n) float64s, and "134 MB" (8 m n bytes, the size of W) for u x^T.
    assert generalized_jacobian_bytes(4096, 4096) == 4096**3 * 8 and round(4096**3 * 8 / 1e9) == 550
    assert round(8 * 4096 * 4096 / 1e6) == 134


@pytest.mark.parametrize(("m", "n", "error", "message"), [
    (0, 3, ValueError, "m must be an integer >= 1"), (3, 2.5, TypeError, "n must be an integer"),
    (True, 3, TypeError, "m must be an integer")])
def test_generalized_jacobian_bytes_rejects_bad_sizes(m, n, error, message):
    with pytest.raises(error, match=message):
        generalized_jacobian_bytes(m, n)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), seeds)
def test_shown_linear_jacobians_and_vjps(example, m, n, seed):
    ns = example(PAGE, "linear")
    rng = np.random.default_rng(seed)
    W, b, x, u = rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n), rng.normal(size=m)
    maps = [lambda v: W @ v + b, lambda w: w.reshape(m, n) @ x + b, lambda v: W @ x + v]  # of x, vec_r(W), b
    jacobians, vjps = ns["linear_jacobians"](W, x), ns["linear_vjps"](W, x, u)
    for f, p, J, vjp in zip(maps, (x, W.ravel(), b), jacobians, vjps):  # each VJP is the gradient of u . y
        np.testing.assert_allclose(J, numerical_jacobian(f, p), atol=FD_ATOL, rtol=0)
        # u^T J_fd adds up m entries, each within FD_ATOL, weighted by |u_i|
        np.testing.assert_allclose(np.ravel(vjp), numerical_jacobian(lambda v: u @ f(v), p)[0],
                                   atol=FD_ATOL * (1 + np.abs(u).sum()))
    assert vjps[1].shape == W.shape  # the classic bug x u^T has shape (n, m)
    assert generalized_jacobian_bytes(m, n) == jacobians[1].nbytes == m * (m * n) * 8
    J_F = numerical_jacobian(lambda w: w.reshape((m, n), order="F") @ x, W.ravel(order="F"))  # the footnote
    np.testing.assert_allclose(J_F, np.kron(x[None, :], np.eye(m)), atol=FD_ATOL)
    assert ns["J_x"].shape == (3, 4) and ns["J_W"].shape == (3, 12)  # the example: m x n and m x (m n)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), seeds)
def test_shown_matmul_rule_for_both_arguments_and_the_bias(example, B, n, m, seed):
    ns, lin = example(PAGE, "matmul"), example(PAGE, "linear")
    rng = np.random.default_rng(seed)
    args, Y_bar = (rng.normal(size=(B, n)), rng.normal(size=(m, n)), rng.normal(size=m)), rng.normal(size=(B, m))
    (X, W, b), grads = args, ns["dense_vjps"](args[0], args[1], Y_bar)
    np.testing.assert_allclose(ns["dense"](*args), [W @ x + b for x in X], atol=EXACT)  # row r is W x_r + b
    for i, (A, G) in enumerate(zip(args, grads)):  # each VJP is the gradient of <Y_bar, Y> in its argument
        swap = lambda a: [a.reshape(A.shape) if j == i else P for j, P in enumerate(args)]  # noqa: E731
        fd = numerical_jacobian(lambda a: np.sum(Y_bar * ns["dense"](*swap(a))), A.ravel())[0]
        assert G.shape == A.shape  # L is linear in each argument: only round-off, O(|Y_bar| |Y| / h)
        np.testing.assert_allclose(G.ravel(), fd, atol=FD_ATOL * (1 + np.abs(Y_bar).sum()))
    np.testing.assert_allclose(grads[1], sum(np.outer(v, x) for v, x in zip(Y_bar, X)), atol=EXACT)  # outer products
    for one, single in zip(ns["dense_vjps"](X[:1], W, Y_bar[:1]), lin["linear_vjps"](W, X[0], Y_bar[0])):
        np.testing.assert_allclose(np.ravel(one), np.ravel(single), atol=EXACT)  # B = 1: the single-example VJPs
    assert all(np.max(np.abs(a - fd)) < SHOWN_FD_TOL for a, fd in ns["checks"].values())  # the example: ~1e-9
    assert max(ns["errors"].values()) < SHOWN_FD_TOL  # and what it prints


@settings(max_examples=60, deadline=None)
@given(vec(), seeds)
def test_shown_tanh_jacobian_and_vjp_and_the_residual_connection(example, z, seed):
    ns = example(PAGE, "tanh")
    rng = np.random.default_rng(seed)
    u, W, J = rng.normal(size=z.size), rng.normal(size=(z.size, z.size)), ns["tanh_jacobian"](z)
    assert np.count_nonzero(J - np.diag(np.diag(J))) == 0  # diagonal
    np.testing.assert_allclose(J, numerical_jacobian(np.tanh, z), atol=FD_ATOL, rtol=0)
    np.testing.assert_allclose(ns["tanh_vjp"](z, u), u @ J, atol=1e-14)  # so also u^T J_fd, as J = J_fd
    assert np.count_nonzero(ns["J"]) == 5 and ns["J"].size == 25  # the example's "5 of 25"
    J_f = ns["tanh_jacobian"](W @ z) @ W  # residual branch f(x) = tanh(W x), by the chain rule: I + J_f
    np.testing.assert_allclose(numerical_jacobian(lambda v: v + np.tanh(W @ v), z), np.eye(z.size) + J_f, atol=FD_ATOL)


@settings(max_examples=80, deadline=None)
@given(vec(2, 6), seeds)
def test_shown_softmax_jacobian_properties_and_vjp_and_the_bug(example, z, seed):
    ns, bug = example(PAGE, "softmax"), example(PAGE, "softmax_bug")
    s, J = ns["softmax"](z), ns["softmax_jacobian"](z)
    np.testing.assert_allclose(s, softmax_reference(z), rtol=EXACT)
    np.testing.assert_allclose(J, sympy_layer("softmax", z.size)[1](z), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(J, numerical_jacobian(softmax_reference, z), atol=FD_ATOL, rtol=0)
    np.testing.assert_allclose(J, J.T, atol=0)  # symmetric
    np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-15)  # rows sum to zero
    assert abs(np.linalg.det(J)) < 1e-12  # singular
    if s.min() > 1e-6:  # rank exactly n - 1 unless some s_i is (numerically) zero
        assert np.linalg.matrix_rank(J, tol=1e-10) == z.size - 1
    u = np.random.default_rng(seed).normal(size=z.size)
    vjp = ns["softmax_vjp"](z, u)
    np.testing.assert_allclose(vjp, u @ J, atol=1e-14)  # so also u^T J_fd, as J = J_fd
    assert abs(vjp.sum()) < 1e-13  # a VJP through softmax sums to zero
    # The comment in the example: subtracting max(z) gives the same value without overflow.
    np.testing.assert_allclose(ns["softmax"](BIG), [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(ns["softmax"](np.array([800.0, 801.0])), softmax_reference(np.arange(2.0)), rtol=EXACT)
    assert np.linalg.matrix_rank(ns["J"]) == 2  # the example's "rank: 2 of 3"
    s, J = softmax_reference(bug["z"]), sympy_layer("softmax", 3)[1](bug["z"])  # the bug: the diagonal of J only
    np.testing.assert_allclose(bug["right"], bug["u"] @ J, atol=1e-14)
    np.testing.assert_allclose(bug["wrong"], bug["u"] * s * (1 - s), rtol=EXACT)
    assert abs(bug["right"].sum()) < 1e-15  # printed as +0.0e+00
    assert bug["wrong"].sum() == pytest.approx(0.061, abs=5e-4)  # printed as +6.1e-02: visibly nonzero


@settings(max_examples=60, deadline=None)
@given(vec(2, 6), seeds)
def test_shown_cross_entropy_and_its_bug(example, z, seed):
    ns, bug = example(PAGE, "cross_entropy"), example(PAGE, "cross_entropy_bug")
    t = np.random.default_rng(seed).dirichlet(np.ones(z.size))  # any probability vector
    reference_loss = lambda v: -(t @ np.log(softmax_reference(v)))  # noqa: E731  (|v| <= 4: no overflow)
    np.testing.assert_allclose(ns["log_softmax"](z), np.log(softmax_reference(z)), atol=EXACT)
    for loss in (ns["loss"], bug["naive_loss"], bug["stable_loss"]):  # the naive loss's bug is only numerical
        assert loss(z, t) == pytest.approx(reference_loss(z), abs=EXACT)
    # Shifted by 1000 (the naive one overflows): still right; z + 1000 rounds z by ~1e-13.
    assert bug["stable_loss"](z + 1000.0, t) == pytest.approx(reference_loss(z), abs=1e-9)
    g = ns["loss_grad"](z, t)
    np.testing.assert_allclose(g, numerical_jacobian(reference_loss, z)[0], atol=FD_ATOL, rtol=0)
    # the chain rule J_softmax^T (-t / s) collapses to the same vector
    np.testing.assert_allclose(example(PAGE, "softmax")["softmax_vjp"](z, -t / softmax_reference(z)), g, atol=1e-8)
    assert abs(g.sum()) < 1e-12
    one_hot = np.array([0.0, 1.0, 0.0])  # stable for large logits
    assert ns["loss"](BIG, one_hot) == pytest.approx(1000.0) and np.all(np.isfinite(ns["log_softmax"](BIG)))
    np.testing.assert_allclose(ns["loss_grad"](BIG, one_hot), [1.0, -1.0, 0.0], atol=1e-15)
    # The examples: central differences agree, the sum printed as -1.1e-16 is round-off; on BIG the naive
    # loss is nan, the stable one L = log(e^1000 + 1 + e^-1000) = 1000 + log(1 + ...) to 50 digits.
    np.testing.assert_allclose(ns["numeric"], ns["grad"], atol=SHOWN_FD_TOL, rtol=0)
    assert abs(ns["grad"].sum()) < 1e-15
    assert np.isnan(bug["naive"]) and bug["stable"] == float(sp.log(sp.exp(1000) + 1 + sp.exp(-1000)).evalf(50)) == 1000


@settings(max_examples=60, deadline=None)
@given(vec(), seeds)
def test_shown_mse_gradient(example, y, seed):
    ns = example(PAGE, "mse")
    t = np.random.default_rng(seed).normal(size=y.size)
    reference_loss = lambda v: sum((vi - ti) ** 2 for vi, ti in zip(v, t)) / len(v)  # noqa: E731
    assert ns["loss"](y, t) == pytest.approx(reference_loss(y), abs=EXACT)
    fd = numerical_jacobian(reference_loss, y)[0]
    np.testing.assert_allclose(ns["loss_grad"](y, t), fd, atol=FD_ATOL, rtol=0)
    if np.max(np.abs(y - t)) > 1e-3:  # a factor-of-2 slip is caught by the same check
        assert not np.allclose(fd, (y - t) / y.size, atol=FD_ATOL)
    exact = 2 * (sp.Matrix(ns["y"]) - sp.Matrix(ns["t"])) / 4  # the example's numbers are exact binary fractions
    np.testing.assert_array_equal(ns["grad"], np.array(exact, float).ravel())
    np.testing.assert_allclose(ns["numeric"], ns["grad"], atol=SHOWN_FD_TOL, rtol=0)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(0, 6), seeds)
def test_shown_conv_is_a_banded_linear_layer_and_its_vjp_a_flipped_correlation(example, K, extra, seed):
    ns = example(PAGE, "conv1d")
    rng = np.random.default_rng(seed)
    n = K + extra
    k, x, u = rng.normal(size=K), rng.normal(size=n), rng.normal(size=n - K + 1)
    np.testing.assert_allclose(ns["conv"](x, k), conv_reference(x, k), atol=EXACT)
    C = ns["conv_matrix"](k, n)
    assert C.shape == (n - K + 1, n) and np.count_nonzero(C) == (n - K + 1) * K  # K nonzeros per row: banded
    np.testing.assert_allclose(C, numerical_jacobian(lambda v: conv_reference(v, k), x), atol=FD_ATOL, rtol=0)
    vjp = ns["conv_vjp"](k, u)
    np.testing.assert_allclose(vjp, C.T @ u, atol=EXACT)  # so also u^T J_fd, as C = J_fd
    np.testing.assert_allclose(vjp, np.convolve(u, k, mode="full"), atol=EXACT)  # the textbook convolution
    if K > 1 and np.max(np.abs(k - k[::-1])) > 1e-3 and np.max(np.abs(u)) > 1e-3:
        assert not np.allclose(np.correlate(u, k, mode="full"), C.T @ u, atol=1e-6)  # the unflipped bug
    np.testing.assert_allclose(ns["J_fd"], ns["C"], atol=SHOWN_FD_TOL, rtol=0)  # the example: printed 8.2e-11
    assert ns["error_C"] < SHOWN_FD_TOL and ns["error_k"] < SHOWN_FD_TOL
    assert not np.allclose(ns["C"].T @ ns["u"], np.correlate(ns["u"], ns["k"], mode="full"))  # its line: False
    grad_k = ns["conv_kernel_vjp"](x, u)  # linear in k: central differences exact up to round-off
    np.testing.assert_allclose(grad_k, numerical_jacobian(lambda q: u @ conv_reference(x, q), k)[0], atol=FD_ATOL)
    np.testing.assert_allclose(ns["grad_k"], ns["u"] @ ns["J_k"], atol=SHOWN_FD_TOL, rtol=0)  # printed 7.7e-11


@pytest.mark.parametrize(("S", "P", "D"), [(2, 0, 1), (3, 0, 1), (1, 2, 1), (1, 0, 2), (2, 1, 2), (3, 2, 3)])
def test_stride_padding_and_dilation_keep_the_transposed_convolution(example, S, P, D):
    conv_vjp, rng = example(PAGE, "conv1d")["conv_vjp"], np.random.default_rng(S + 10 * P + 100 * D)
    x, k = rng.normal(size=10), rng.normal(size=3)
    u = rng.normal(size=conv_reference(x, k, S, P, D).size)
    k_D, u_S = np.zeros(D * 2 + 1), np.zeros(S * (u.size - 1) + 1)
    k_D[::D], u_S[::S] = k, u  # the kernel's entries D apart; S - 1 zeros between the entries of u
    g = conv_vjp(k_D, u_S)  # the same full correlation with the flipped kernel
    g = np.pad(g, (0, x.size + 2 * P - g.size))[P : P + x.size]  # unread inputs get 0; drop the padding
    np.testing.assert_allclose(g, u @ numerical_jacobian(lambda v: conv_reference(v, k, S, P, D), x), atol=FD_ATOL)


@settings(max_examples=60, deadline=None)
@given(vec(2, 5), seeds, st.sampled_from([1e-5, 1e-2, 1.0]))
def test_shown_layer_norm_jacobian_and_vjp(example, x, seed, eps):
    ns = example(PAGE, "layer_norm")
    rng = np.random.default_rng(seed)
    x = x + 0.1 * rng.normal(size=x.size)  # a spread of features (var >> eps for most draws)
    s, (y_ref, J_ref) = np.sqrt(x.var() + eps), sympy_layer("layer_norm", x.size)
    np.testing.assert_allclose(ns["layer_norm"](x, eps), y_ref(x, eps), atol=EXACT * (1 + 1 / s))
    J = ns["layer_norm_jacobian"](x, eps)
    np.testing.assert_allclose(J, J_ref(x, eps), rtol=1e-9, atol=1e-12 * (1 + s**-3))
    tol = FD_ATOL * (1 + s**-3)  # third derivatives are O(1/s^3): so is the central-difference truncation
    np.testing.assert_allclose(J, numerical_jacobian(lambda v: y_ref(v, eps), x), atol=tol, rtol=0)
    np.testing.assert_allclose(J @ np.ones(x.size), 0.0, atol=1e-12 / s)  # 1 is in the null space
    np.testing.assert_allclose(ns["layer_norm"](x + 3.0, eps), ns["layer_norm"](x, eps), atol=1e-12 * (1 + 1 / s))
    np.testing.assert_allclose(J, J.T, atol=0)
    u, gamma, beta = rng.normal(size=(3, x.size))
    np.testing.assert_allclose(ns["layer_norm_vjp"](x, u, eps), u @ J, atol=1e-12 * (1 + 1 / s))
    np.testing.assert_allclose(numerical_jacobian(lambda v: gamma * y_ref(v, eps) + beta, x),  # learned scale, shift
                               np.diag(gamma) @ J, atol=tol * (1 + np.abs(gamma).max()))
    for p in np.random.default_rng(11).normal(size=(20, 5)):  # dense: couples all features (for n = 2 it is ~0)
        assert np.count_nonzero(np.abs(ns["layer_norm_jacobian"](p)) > 1e-9) == 25
    np.testing.assert_allclose(ns["J_fd"], ns["J"], atol=SHOWN_FD_TOL, rtol=0)  # the example: printed 1.5e-10
    assert np.count_nonzero(ns["J"]) == 16  # "16 of 16"
    np.testing.assert_allclose(ns["J"] @ np.ones(4), 0.0, atol=1e-12)  # printed as 0 after rounding
    np.testing.assert_allclose(ns["layer_norm"](ns["x"] + 3) - ns["y"], 0.0, atol=1e-12)
    # Two null directions: eigenvalues 0 (along 1), eps/s^3 (along y), 1/s (n - 2 times); the VJP avoids 1 and y.
    y, n, expected = y_ref(x, eps), x.size, np.sort([0.0, eps / s**3] + [1 / s] * (x.size - 2))
    np.testing.assert_allclose(np.linalg.eigvalsh(J), expected, atol=1e-12 * (1 + s**-3))
    np.testing.assert_allclose(J @ y, eps / s**3 * y, atol=1e-12 * (1 + s**-3))
    vjp = ns["layer_norm_vjp"](x, u, eps)
    assert abs(vjp.sum()) < 1e-12 * (1 + 1 / s) and y @ vjp == pytest.approx(eps / s**3 * (y @ u), abs=1e-11 / s)
    if x.var() > 1e-2:  # eps = 0 by central differences: rank n - 2, null vectors 1 and x_hat = x - mean
        J0 = numerical_jacobian(lambda v: y_ref(v, 0.0), x)
        assert np.linalg.matrix_rank(J0, tol=1e-6) == n - 2
        np.testing.assert_allclose(J0 @ np.c_[np.ones(n), x - x.mean()], 0.0, atol=FD_ATOL * (1 + s**-3))
    lam, s4 = np.linalg.eigvalsh(ns["J"]), np.sqrt(ns["x"].var() + 1e-5)  # the example's printed eigenvalues, rank
    np.testing.assert_allclose(lam, [0, 1e-5 / s4**3, 1 / s4, 1 / s4], atol=1e-15, rtol=1e-9)
    np.testing.assert_allclose(ns["J0"], sympy_layer("layer_norm", 4)[1](ns["x"], 0.0), atol=1e-12)
    assert np.linalg.matrix_rank(ns["J"]) == 3 and np.linalg.matrix_rank(ns["J0"]) == 2
    np.testing.assert_allclose(ns["layer_norm"](ns["x"] + 3 * ns["x_hat"], 0.0), ns["y0"], atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 5), st.integers(1, 3), seeds)
def test_shown_batch_norm_block_diagonal_over_features_dense_over_examples(example, B, n, seed):
    ns, eps, rng = example(PAGE, "batch_norm"), 1e-5, np.random.default_rng(seed)
    X, U, gamma, beta = rng.normal(size=(B, n)), rng.normal(size=(B, n)), rng.normal(size=n), rng.normal(size=n)
    mu, s = X.mean(axis=0), np.sqrt(X.var(axis=0) + eps)
    train = lambda f: (f.reshape(B, n) - f.reshape(B, n).mean(0)) / np.sqrt(f.reshape(B, n).var(0) + eps)  # noqa: E731
    np.testing.assert_allclose(ns["batch_norm"](X), train(X), atol=EXACT)
    J = numerical_jacobian(lambda f: train(f).ravel(), X.ravel()).reshape(B, n, B, n)
    J_eval = numerical_jacobian(lambda f: ((f.reshape(B, n) - mu) / s).ravel(), X.ravel())
    Y = train(X)
    for i in range(n):  # feature i along the batch follows layer norm's formula; other features do not enter
        expected = (np.eye(B) - 1 / B - np.outer(Y[:, i], Y[:, i]) / B) / s[i]
        np.testing.assert_allclose(J[:, i, :, i], expected, atol=FD_ATOL * (1 + s[i] ** -3))
        assert np.count_nonzero(np.delete(J[:, i], i, axis=2)) == 0 and np.all(np.abs(expected) > 0)  # dense
    assert np.count_nonzero(J_eval - np.diag(np.diag(J_eval))) == 0  # evaluation mode: diagonal
    L = lambda X_, g, b: np.sum(U * (g * train(X_) + b))  # noqa: E731  (<U, Z>: its gradients are the VJPs)
    fds = [numerical_jacobian(lambda v: L(v, gamma, beta), X.ravel())[0],
           numerical_jacobian(lambda v: L(X, v, beta), gamma)[0], numerical_jacobian(lambda v: L(X, gamma, v), beta)[0]]
    for G, fd in zip(ns["batch_norm_vjps"](X, U, gamma), fds):
        np.testing.assert_allclose(np.ravel(G), fd, atol=FD_ATOL * (1 + np.abs(U).sum()) * (1 + s.min() ** -3))
    assert ns["across"] == 0 and ns["within"] == [ns["block"]] * 3 and ns["block"] == 16  # printed 0.0, [16, 16, 16]
    assert np.max(np.abs(ns["grad_X"] - ns["fd_X"])) < SHOWN_FD_TOL and ns["error"] < SHOWN_FD_TOL  # printed 3.8e-10


def test_shown_double_where_gives_the_norms_gradient_and_no_nan(example):
    ns = example(PAGE, "safe_norm")
    xs, jax = np.random.default_rng(2).normal(size=(20, 3)), ns["jax"]
    for f in (ns["norm"], ns["guarded_norm"], ns["safe_norm"]):  # away from 0, all three give x / |x| (float32)
        grads = jax.vmap(jax.grad(f))(xs)
        np.testing.assert_allclose(grads, xs / np.linalg.norm(xs, axis=1, keepdims=True), rtol=1e-6, atol=1e-6)
        assert float(f(ns["x"])) == 5.0 and float(f(ns["zero"])) == 0.0
    (n0, nx), (g0, gx), (s0, sx) = ([np.asarray(a) for a in ns["grads"][f]] for f in ns["grads"])  # in shown order
    assert np.all(np.isnan(n0)) and np.all(np.isnan(g0)) and np.array_equal(s0, np.zeros(3))  # one where: still nan
    np.testing.assert_allclose([nx, gx, sx], [[0.6, 0.0, 0.8]] * 3, rtol=1e-6)  # (3, 0, 4) / 5


def test_exercises(example):
    two, shift = example(PAGE, "exercise_softmax_2"), example(PAGE, "exercise_shift")
    soft = example(PAGE, "exercise_soft_labels")
    np.testing.assert_array_equal(two["J"], [[0.25, -0.25], [-0.25, 0.25]])  # 1/4 is exact in binary
    np.testing.assert_allclose(shift["softmax"](shift["z"]), softmax_reference(shift["z"]), rtol=EXACT)
    assert shift["change"] < 1e-15  # printed 2.2e-16: one rounding
    np.testing.assert_allclose(shift["J"], sympy_layer("softmax", 4)[1](shift["z"]), atol=1e-15)
    assert np.max(np.abs(shift["J"] @ np.ones(4))) < 1e-15  # so small that printing with suppress=True shows 0
    z, t = soft["z"], soft["t"]
    np.testing.assert_allclose(soft["grad"], t.sum() * softmax_reference(z) - t, atol=EXACT)
    np.testing.assert_allclose(soft["numeric"], soft["grad"], atol=SHOWN_FD_TOL, rtol=0)
    assert not np.allclose(soft["numeric"], soft["s"] - t, atol=1e-2)  # y_hat - t is wrong when sum t != 1
    # Like the softmax above, the exercises' softmax and log_softmax subtract max(z) first.
    np.testing.assert_allclose(shift["softmax"](BIG), [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(soft["log_softmax"](BIG), [0.0, -1000.0, -2000.0], rtol=EXACT)

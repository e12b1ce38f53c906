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


def conv_reference(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """y_i = sum_p k_p x_(i+p), written out."""
    return np.array([sum(k[p] * x[i + p] for p in range(len(k))) for i in range(len(x) - len(k) + 1)])


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
    lx, _, ls, ly = sym_layer_norm(3)
    J_ln = ly.jacobian(lx)
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
        "layer norm: ds/dx_j = y_j / n": sp.Matrix([ls]).jacobian(lx).T - ly / 3,
        "layer norm: the matrix of the table": J_ln - (sp.eye(3) - sp.ones(3, 3) / 3 - ly * ly.T / 3) / ls,
        "layer norm: J 1 = 0": J_ln * sp.ones(3, 1),
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
    assert not np.allclose(ns["C"].T @ ns["u"], np.correlate(ns["u"], ns["k"], mode="full"))  # its last line: False


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


def test_batch_norm_couples_the_examples_and_not_the_features():
    B, n, eps = 4, 3, 1e-5
    X = np.random.default_rng(5).normal(size=(B, n))
    mu, s = X.mean(axis=0), np.sqrt(X.var(axis=0) + eps)
    train = lambda f: (f.reshape(B, n) - f.reshape(B, n).mean(0)) / np.sqrt(f.reshape(B, n).var(0) + eps)  # noqa: E731
    J = numerical_jacobian(lambda f: train(f).ravel(), X.ravel()).reshape(B, n, B, n)
    J_eval = numerical_jacobian(lambda f: ((f.reshape(B, n) - mu) / s).ravel(), X.ravel()).reshape(B, n, B, n)
    Y, pairs = train(X.ravel()), [(b, c) for b in range(B) for c in range(B) if b != c]
    for i in range(n):  # feature i along the batch follows layer norm's formula; other features do not enter
        expected = (np.eye(B) - 1 / B - np.outer(Y[:, i], Y[:, i]) / B) / s[i]
        np.testing.assert_allclose(J[:, i, :, i], expected, atol=FD_ATOL)
        assert np.max(np.abs(np.delete(J[:, i], i, axis=2))) < 1e-9
    assert min(np.abs(J[b, :, c, :]).max() for b, c in pairs) > 1e-3  # every example affects every other
    assert max(np.abs(J_eval[b, :, c, :]).max() for b, c in pairs) < 1e-9  # evaluation mode: block diagonal


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

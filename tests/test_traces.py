"""Checks every claim of docs/traces.md: Hutchinson's estimator (its mean, and its variance formula
exactly by enumeration and SymPy, and as measured), the divergence in NumPy and JAX, log-dets of
composed layers against slogdet, column colouring against jax.jacfwd and central differences,
the figure's data and the exercises."""

from __future__ import annotations

import itertools
from fractions import Fraction

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

from snippets.shared.finite_differences import numerical_jacobian
from snippets.traces.figures import convergence_figure, running_estimates

jax.config.update("jax_enable_x64", True)  # the page's JAX blocks set it too
PAGE = "traces"
# Central differences (h = 6e-6) of tanh networks with entries of size ~1: truncation ~ h^2 ~ 4e-11,
# round-off ~ eps / h ~ 4e-11; 1e-8 leaves a margin and still catches any wrong entry.
FD_TOL = 1e-8
# NumPy and JAX run the same float64 operations in different orders: a few ulps; 1e-12 as the page says.
RTOL = 1e-12
# A Monte Carlo mean further than 4 standard errors from its expectation has probability < 1e-4.
K_SE = 4
# The sample variance of N draws has the relative standard error sqrt((kurtosis - 1) / N): below
# 2.5% for the page's 20 000 quadratic forms (checked below), so 5% is more than twice it.
VAR_RTOL = 0.05


def sign_vectors(n):
    return np.array(list(itertools.product([-1, 1], repeat=n)))


def exact_moments(A, mu4=1, mu3=0):
    """Mean and variance of v^T A v (SymPy), entries of v i.i.d. with moments 0, 1, mu3, mu4."""
    n = A.shape[0]
    v = sp.symbols(f"v0:{n}")
    q = sp.expand((sp.Matrix([v]) * A * sp.Matrix(v))[0])
    moment = {0: 1, 1: 0, 2: 1, 3: mu3, 4: mu4}

    def expect(expr):
        return sum(c * sp.prod([moment[k] for k in powers]) for powers, c in sp.Poly(expr, *v).terms())

    mean = expect(q)
    return mean, sp.expand(expect(q**2) - mean**2)


def formula(A, mu4):  # the page's statement: 2 sum_{i != j} S_ij^2 + (mu4 - 1) sum_i S_ii^2
    S = (A + A.T) / 2
    return 2 * sum(S[i, j] ** 2 for i in range(S.shape[0]) for j in range(S.shape[0]) if i != j) \
        + (mu4 - 1) * sum(S[i, i] ** 2 for i in range(S.shape[0]))


def test_variance_formula_symbolic_and_the_worked_example():
    mu3, mu4 = sp.symbols("mu3 mu4")
    A = sp.Matrix(3, 3, sp.symbols("a0:9"))  # any 3 x 3 matrix, not symmetric
    mean, var = exact_moments(A, mu4, mu3)  # the third moment drops out, as the statement says
    assert sp.expand(mean - A.trace()) == 0
    assert sp.expand(var - formula(A, mu4)) == 0
    assert sp.expand(exact_moments(A, 3)[1] - 2 * sum(x**2 for x in (A + A.T) / 2)) == 0  # Gaussian: 2||S||_F^2
    # By hand: A = [[1, 2], [0, 3]]: mean 4, Rademacher variance 4 (8 with A for S), Gaussian 24 = 6 x 4.
    A = sp.Matrix([[1, 2], [0, 3]])
    assert exact_moments(A, 1) == (4, 4) and exact_moments(A, 3)[1] == 24
    assert sorted(int(v @ np.array([[1, 2], [0, 3]]) @ v) for v in sign_vectors(2)) == [2, 2, 6, 6]
    assert 2 * (A[0, 1] ** 2 + A[1, 0] ** 2) == 8


@pytest.mark.parametrize("n, seed", [(2, 0), (3, 1), (5, 2), (6, 3)])
def test_rademacher_variance_exact_by_enumeration(n, seed):
    A = np.random.default_rng(seed).integers(-5, 6, size=(n, n))
    q = [int(v @ A @ v) for v in sign_vectors(n)]
    mean = Fraction(sum(q), 2**n)
    assert mean == np.trace(A)
    assert Fraction(sum(x * x for x in q), 2**n) - mean**2 == formula(A.astype(object) * Fraction(1), 1)


def test_enumeration_block(example):
    ns = example(PAGE, "variance_enumeration")
    A = ns["A"]
    assert not np.array_equal(A, A.T) and ns["n"] == 4
    q = np.einsum("ki,ij,kj->k", sign_vectors(4), A, sign_vectors(4))  # all 16 values, in NumPy
    assert ns["mean"] == np.trace(A) == q.mean() and ns["variance"] == q.var()
    assert ns["formula_S"] == ns["variance"] != ns["formula_A"] and len(ns["signs"]) == 16
    assert ns["formula_A"] == 2 * int(np.sum(A**2) - np.sum(np.diag(A) ** 2))  # the wrong formula, as printed


def test_hutchinson_measured(example):
    ns = example(PAGE, "hutchinson")
    x, J = ns["x"], ns["J"]
    assert (ns["n"], ns["W1"].shape[0], ns["N"]) == (6, 16, 20_000)  # the prose's sizes
    net = lambda z: jnp.asarray(ns["W2"]) @ jnp.tanh(jnp.asarray(ns["W1"]) @ z + ns["b1"])  # noqa: E731
    np.testing.assert_allclose(J, jax.jacfwd(net)(x), rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(J, numerical_jacobian(ns["f"], x), atol=FD_TOL)
    assert ns["exact"] == pytest.approx(np.trace(J), rel=1e-15)
    # The variances without the formula: all 2^6 sign vectors; Gaussian 2 tr(S^2) from eigenvalues.
    q = np.einsum("ki,ij,kj->k", sign_vectors(6), J, sign_vectors(6))
    assert ns["var_formula"]["Rademacher"] == pytest.approx(q.var(), rel=1e-12)
    assert ns["var_formula"]["Gaussian"] == pytest.approx(2 * np.sum(np.linalg.eigvalsh((J + J.T) / 2) ** 2), rel=1e-12)
    assert ns["var_formula"]["Gaussian"] > ns["var_formula"]["Rademacher"]
    for name in ("Rademacher", "Gaussian"):
        se = np.sqrt(ns["var_formula"][name] / ns["N"])
        assert abs(ns["estimate"][name] - ns["exact"]) < 2 * se  # "within about two standard errors"
        assert ns["std_error"][name] == pytest.approx(se, rel=VAR_RTOL)
        assert ns["var_measured"][name] == pytest.approx(ns["var_formula"][name], rel=VAR_RTOL)
        c = np.einsum("ki,ij,kj->k", ns["probes"][name], J, ns["probes"][name]) - ns["estimate"][name]
        assert np.sqrt((np.mean(c**4) / np.mean(c**2) ** 2 - 1) / ns["N"]) < VAR_RTOL / 2


def test_divergence_numpy_equals_jax_and_the_exact_trace(example):
    a, b = example(PAGE, "divergence_numpy"), example(PAGE, "divergence_jax")
    z, t = a["z"], a["t"]
    J_fd = numerical_jacobian(lambda z: a["dynamics"](z, t), z)
    assert a["divergence"] == pytest.approx(np.trace(J_fd), abs=FD_TOL)
    assert a["divergence"] == pytest.approx(float(jnp.trace(jax.jacrev(b["dynamics"])(z, t))), rel=RTOL)
    for name in ("divergence", "estimate_1", "estimate_M", "std_error_M"):
        assert float(b[name]) == pytest.approx(a[name], rel=RTOL)
    assert abs(a["estimate_M"] - a["divergence"]) < K_SE * a["std_error_M"] and a["M"] == 1000
    assert a["estimate_1"] * a["divergence"] < 0  # "even of the wrong sign"
    S = (J_fd + J_fd.T) / 2  # the standard error agrees with the Rademacher variance formula
    assert a["std_error_M"] ** 2 * a["M"] == pytest.approx(2 * (np.sum(S**2) - np.sum(np.diag(S) ** 2)), rel=0.15)


def test_composed_logdets(example):
    a, b = example(PAGE, "logdet_numpy"), example(PAGE, "logdet_jax")
    assert (a["n"], a["L"]) == (5, 3)
    x0 = a["x0"]
    J_fd = numerical_jacobian(lambda x: a["flow"](x)[0], x0)
    assert a["log_det"] == pytest.approx(np.linalg.slogdet(J_fd)[1], abs=1e-7)
    assert a["log_det"] == pytest.approx(a["log_det_product"], rel=RTOL) and a["sign"] != 0
    assert float(b["log_det"]) == pytest.approx(a["log_det"], rel=RTOL)
    assert float(b["log_det_full"]) == pytest.approx(a["log_det"], rel=RTOL)
    np.testing.assert_allclose(b["x"], a["x"], rtol=RTOL)
    np.testing.assert_allclose(b["J"], a["J"], rtol=1e-11, atol=1e-13)
    assert np.count_nonzero(np.triu(J_fd, 1)) == a["upper_nonzero"] == a["upper_total"] == 10  # dense above the diagonal
    x = x0
    for (A, bias, B), per_layer in zip(a["params"], a["per_layer"]):  # each layer: formula = differences
        Jl = a["layer_jacobian"](x, A, bias, B)
        np.testing.assert_allclose(Jl, numerical_jacobian(lambda v: a["layer"](v, A, bias, B)[0], x), atol=FD_TOL)
        assert np.all(np.triu(Jl, 1) == 0)
        assert per_layer == pytest.approx(np.sum(a["layer"](x, A, bias, B)[1]), rel=RTOL)
        x = a["layer"](x, A, bias, B)[0][::-1]


def test_colouring_recovers_the_banded_jacobian(example):
    a, b = example(PAGE, "colouring_numpy"), example(PAGE, "colouring_jax")
    k, n = a["k"], a["n"]
    assert (a["passes"], a["passes_full"]) == (3, 12) == (len(b["seeds"]), b["n"])
    x = np.random.default_rng(1).normal(size=n)  # the layer is linear: any point
    np.testing.assert_allclose(a["J"], jax.jacfwd(lambda v: jnp.correlate(v, k, mode="valid"))(x), rtol=0, atol=1e-12)
    np.testing.assert_allclose(a["J"], numerical_jacobian(lambda v: np.correlate(v, k, "valid"), x), atol=FD_TOL)
    assert a["error"] == 0 and np.array_equal(a["compressed"][:4, 0], [k[0], k[2], k[1], k[0]])  # k0, k2, k1, ...
    np.testing.assert_array_equal(b["recovered"]["conv"], a["J"])
    tanh_layer = lambda v: np.tanh(np.correlate(v, k, "valid"))  # noqa: E731
    np.testing.assert_allclose(b["recovered"]["conv_tanh"], numerical_jacobian(tanh_layer, b["x"]), atol=FD_TOL)
    assert max(b["errors"].values()) < 1e-12
    # By hand, n = 5: C(e1 + e4) = (k0, k2, k1), C(e2 + e5) = (k1, k0, k2), C e3 = (k2, k1, k0).
    ks = sp.symbols("k0:3")
    C = sp.Matrix(3, 5, lambda i, j: ks[j - i] if 0 <= j - i < 3 else 0)
    seeds = [sp.Matrix([1 if j % 3 == c else 0 for j in range(5)]) for c in range(3)]
    assert [list(C * s) for s in seeds] == [[ks[0], ks[2], ks[1]], [ks[1], ks[0], ks[2]], [ks[2], ks[1], ks[0]]]


def test_exercises(example):
    ns = example(PAGE, "exercise_diagonal")
    assert ns["var_rademacher"] == 0 and np.all(ns["q_rademacher"] == ns["d"].sum())
    assert set(np.unique(ns["R"])) == {-1.0, 1.0} and abs(ns["R"].mean()) < 0.01  # fair signs: E[v v^T] = I
    assert ns["var_gauss_formula"] == float(exact_moments(sp.diag(*ns["d"].tolist()), 3)[1])
    assert ns["var_gauss"] == pytest.approx(ns["var_gauss_formula"], rel=VAR_RTOL)

    ns = example(PAGE, "exercise_bands")
    x = ns["x"]
    p1, p2 = np.pad(x, 1), np.pad(x, 2)  # the two functions as the exercise states them
    np.testing.assert_allclose(ns["tridiagonal"](x), np.sin(x) * (p1[:-2] + 2 * p1[2:]), rtol=1e-14)
    np.testing.assert_allclose(ns["pentadiagonal"](x), np.sin(x) * (p2[1:-3] + 2 * p2[3:-1]) + p2[:-4] * p2[4:], rtol=1e-14)
    for f, w in ((ns["tridiagonal"], 1), (ns["pentadiagonal"], 2)):
        J_fd = numerical_jacobian(lambda v: np.asarray(f(v)), x)
        assert np.all(np.abs(np.triu(J_fd, w + 1)) < FD_TOL) and np.all(np.abs(np.tril(J_fd, -w - 1)) < FD_TOL)
        np.testing.assert_allclose(ns["coloured_jacobian"](f, x, w, 2 * w + 1), J_fd, atol=FD_TOL)
    errors = ns["errors"]
    assert max(errors["tridiagonal", 3], errors["tridiagonal", 5], errors["pentadiagonal", 5]) < 1e-12
    assert errors["pentadiagonal", 3] > 0.1  # too few colours: a wrong Jacobian

    ns = example(PAGE, "exercise_frobenius")
    J_fd = numerical_jacobian(lambda v: np.asarray(ns["f"](v)), ns["x"])
    assert J_fd.shape == (3, 6) and float(ns["exact"]) == pytest.approx(np.sum(J_fd**2), abs=FD_TOL)
    np.testing.assert_allclose(ns["f"](ns["x"]), ns["W2"] @ np.tanh(ns["W1"] @ ns["x"]), rtol=1e-14)
    assert abs(ns["estimate"] - ns["exact"]) < K_SE * ns["std_error"]
    P = J_fd @ J_fd.T  # the standard error agrees with the Rademacher formula for u^T (J J^T) u
    assert ns["std_error"] ** 2 * ns["M"] == pytest.approx(2 * (np.sum(P**2) - np.sum(np.diag(P) ** 2)), rel=0.15)
    np.testing.assert_allclose(ns["sq_norms"][:5], [np.sum((u @ J_fd) ** 2) for u in ns["U"][:5]], rtol=1e-7)


def test_figure_draws_the_running_estimates_and_the_band(example):
    ns, fig, data = example(PAGE, "hutchinson"), convergence_figure(), running_estimates()
    V = ns["probes"]["Gaussian"][:2000]  # the figure's curves: running means of the block's own probes
    assert data["curves"]["Gaussian"][0][-1] == pytest.approx(np.mean(np.sum(V * (V @ ns["J"].T), axis=1)), rel=1e-12)
    assert np.all(data["curves"]["Gaussian"][1] > data["curves"]["Rademacher"][1])  # "the Gaussian band is wider"
    for ax, (name, (mean, se)) in zip(fig.axes, data["curves"].items()):
        assert se[-1] == pytest.approx(np.sqrt(ns["var_formula"][name] / 2000), rel=1e-15)
        counts, shown = ax.lines[0].get_data()
        assert counts[0] == 1 and counts[-1] == 2000
        np.testing.assert_allclose(shown, mean[np.asarray(counts, dtype=int) - 1], rtol=1e-15)
        band = ax.collections[0].get_paths()[0].vertices[:, 1]  # the filled exact +- se polygon
        assert band.min() == pytest.approx(data["exact"] - se[0]) and band.max() == pytest.approx(data["exact"] + se[0])
        assert ax.get_ylim() == pytest.approx((data["exact"] - 1.5, data["exact"] + 1.5))
    import matplotlib.pyplot as plt

    plt.close(fig)

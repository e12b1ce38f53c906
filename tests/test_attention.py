"""Checks every claim of docs/attention.md: the shapes, the VJPs with respect to Q, K and V (NumPy
formulas = jax.vjp = central differences), the block-diagonal Jacobian in Q and its hand-computed
block, the Jacobians in K and V, the scale table and the sentences about it, and the exercises."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

from snippets.attention.figures import attention_jacobians
from snippets.shared.finite_differences import numerical_jacobian

jax.config.update("jax_enable_x64", True)  # the page's blocks set it too; the comparisons need float64
PAGE = "attention"
# Central differences, h = 6e-6, entries of size <= 5: error ~ h^2 |f'''| + eps |f| / h ~ 1e-10.
FD_TOL = 1e-7
# NumPy and JAX run the same float64 formulas in different orders: a few ulps, 1e-13 as the page says.
RTOL = 1e-13
RNG = np.random.default_rng(7)
CASES = [RNG.standard_normal((4, 3, 2)) for _ in range(2)] + [RNG.standard_normal((4, 4, 3))]


def jax_attention(Q, K, V):
    """An independent JAX forward: the scores written entry by entry, softmax by hand."""
    S = jnp.einsum("ia,ja->ij", Q, K) / jnp.sqrt(Q.shape[1])
    E = jnp.exp(S)
    return (E / E.sum(axis=1, keepdims=True)) @ V


def fd_jacobian(fn, args, k):
    """Central-difference Jacobian of fn(*args).ravel() in args[k] (flattened row by row)."""
    def f(x):
        a = list(args)
        a[k] = x.reshape(args[k].shape)
        return np.asarray(fn(*a)).ravel()
    return numerical_jacobian(f, np.asarray(args[k]).ravel())


@pytest.fixture(scope="module")
def numpy_ns(example):
    return example(PAGE, "attention_numpy")


@pytest.mark.parametrize("case", range(len(CASES)))
def test_vjps_numpy_equal_jax_vjp_and_central_differences(numpy_ns, example, case):
    ns_jax = example(PAGE, "attention_jax")
    Q, K, V, G = CASES[case]
    if case == 2:  # d_v = 3 != d: the shapes of the statement, not only square ones
        Q, K, V, G = Q[:, :2], K[:, :2], V, G
    mine = numpy_ns["attention_vjp"](Q, K, V, G)
    O, pullback = jax.vjp(jax_attention, *(jnp.asarray(a) for a in (Q, K, V)))
    theirs = pullback(jnp.asarray(G))
    np.testing.assert_allclose(numpy_ns["attention"](Q, K, V), O, rtol=RTOL)
    np.testing.assert_allclose(ns_jax["attention"](Q, K, V), O, rtol=RTOL)
    _, shown_pullback = jax.vjp(ns_jax["attention"], Q, K, V)
    for k, (a, b, c) in enumerate(zip(mine, theirs, shown_pullback(G))):
        assert a.shape == (Q, K, V)[k].shape  # each gradient has the shape of its argument
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=1e-15)
        np.testing.assert_allclose(c, b, rtol=RTOL, atol=1e-15)
        # The VJP is G (flattened) times the Jacobian: central differences of the forward pass.
        np.testing.assert_allclose(G.ravel() @ fd_jacobian(numpy_ns["attention"], (Q, K, V), k), a.ravel(), atol=FD_TOL)


def test_shown_values_shapes_and_the_worked_example(numpy_ns, example):
    ns_jax = example(PAGE, "attention_jax")
    Q, K, V, G = (numpy_ns[k] for k in "QKVG")
    assert numpy_ns["S"].shape == numpy_ns["P"].shape == (3, 3) and numpy_ns["O"].shape == (3, 2)
    for name in ("Q", "K", "V"):  # the two blocks use the same matrices and print the same numbers
        np.testing.assert_array_equal(ns_jax[name], numpy_ns[name])
        np.testing.assert_allclose(numpy_ns["d" + name], ns_jax["d" + name], rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(ns_jax["O"], numpy_ns["O"], rtol=RTOL)
    np.testing.assert_array_equal(ns_jax["G"], G)
    # By hand: q_1 = 0, p_1 = 1/3 each, o_1 = (1, 1), 1^T K = 0, block 1 = V^T K / (3 sqrt 2).
    q = sp.symbols("q1:3")
    Ks, Vs = sp.Matrix(K.astype(int)), sp.Matrix(V.astype(int))
    scores = [sum(q[a] * Ks[j, a] for a in range(2)) / sp.sqrt(2) for j in range(3)]
    p = [sp.exp(s) / sum(sp.exp(t) for t in scores) for s in scores]
    o1 = sp.Matrix([sum(p[j] * Vs[j, b] for j in range(3)) for b in range(2)])
    block = sp.simplify(o1.jacobian(q).subs({q[0]: 0, q[1]: 0}))
    assert sp.simplify(o1.subs({q[0]: 0, q[1]: 0})) == sp.Matrix([1, 1])
    assert block == sp.Matrix([[-1, -2], [-1, 1]]) / (3 * sp.sqrt(2))
    assert sp.Matrix([[1, -1]]) * block == sp.Matrix([[0, -1 / sp.sqrt(2)]])
    np.testing.assert_allclose(numpy_ns["dQ"][0], [0.0, -1 / np.sqrt(2)], atol=1e-15)
    assert np.all(K.sum(axis=0) == 0) and np.all(Q[0] == 0) and np.all(G[0] == [1.0, -1.0])


def test_jacobian_in_q_is_block_diagonal_with_the_formula_blocks(numpy_ns, example):
    ns = example(PAGE, "jacobian_q")
    Q, K, V = (numpy_ns[k] for k in "QKV")
    J = np.asarray(ns["J"])
    assert ns["J4"].shape == (3, 2, 3, 2) and J.shape == (6, 6) and ns["off_diagonal"] == 0.0
    J_fd = fd_jacobian(numpy_ns["attention"], (Q, K, V), 0)
    np.testing.assert_allclose(J, J_fd, atol=FD_TOL)
    P = numpy_ns["P"]
    expected = np.zeros((6, 6))
    for i, p in enumerate(P):  # [i = l] V^T (diag(p_i) - p_i p_i^T) K / sqrt(d), in NumPy
        expected[2 * i:2 * i + 2, 2 * i:2 * i + 2] = V.T @ (np.diag(p) - np.outer(p, p)) @ K / np.sqrt(2)
    np.testing.assert_allclose(J, expected, rtol=RTOL, atol=1e-16)
    np.testing.assert_allclose(jax.jacfwd(jax_attention)(Q, K, V).reshape(6, 6), J, rtol=RTOL, atol=1e-16)
    # Row i of dL/dQ is G's row i times block i (the VJP is the Jacobian's transpose times G).
    np.testing.assert_allclose(numpy_ns["G"].ravel() @ J, numpy_ns["dQ"].ravel(), rtol=RTOL, atol=1e-15)


def test_figure_jacobians_and_the_structures_in_k_and_v():
    JQ, JK, JV = attention_jacobians()
    rng = np.random.default_rng(3)  # the figure's matrices
    Q, K, V = rng.standard_normal((3, 4, 2))
    for k, M in enumerate((JQ, JK, JV)):
        np.testing.assert_allclose(M, np.asarray(jax.jacrev(jax_attention, argnums=k)(Q, K, V)).reshape(8, 8),
                                   rtol=1e-12, atol=1e-15)
    blocks = lambda M: np.linalg.norm(M.reshape(4, 2, 4, 2), axis=(1, 3))  # noqa: E731
    assert np.all((blocks(JQ) > 0) == np.eye(4, dtype=bool))  # Q: only the diagonal blocks
    assert np.all(blocks(JK) > 1e-5)  # K: dense, every block non-zero
    P = np.asarray(jax.nn.softmax(Q @ K.T / np.sqrt(2), axis=1))
    np.testing.assert_allclose(JV, np.kron(P, np.eye(2)), rtol=1e-12)


def test_numerical_check_block(example):
    ns = example(PAGE, "numerical_check")
    assert set(ns["errors"]) == set("QKV") and all(1e-13 < e < 1e-8 for e in ns["errors"].values())  # "about 1e-10"
    X = ns["Q"]
    f = lambda x: np.asarray(ns["attention"](x.reshape(3, 2), ns["K"], ns["V"])).ravel()  # noqa: E731
    np.testing.assert_allclose(ns["central_differences"](lambda A: ns["attention"](A, ns["K"], ns["V"]), X),
                               numerical_jacobian(f, X.ravel()), atol=FD_TOL)


def test_scale_table_and_its_sentences(example):
    ns = example(PAGE, "scale")
    scaled, unscaled = np.array(ns["scaled"]), np.array(ns["unscaled"])
    assert ns["dims"] == [4, 16, 64, 256]
    assert np.all((0.35 <= scaled) & (scaled < 0.37))  # "stays near 0.36 at every width"
    assert np.all(np.diff(unscaled) < 0) and unscaled[-1] < scaled[-1] / 4  # "falls", "less than a quarter"
    # The table's norm is the Frobenius norm of the softmax Jacobian: the formula = JAX = differences.
    s = RNG.standard_normal(8) * 3
    p = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
    J = np.diag(p) - np.outer(p, p)
    np.testing.assert_allclose(jax.jacrev(jax.nn.softmax)(jnp.asarray(s)), J, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(numerical_jacobian(lambda z: np.exp(z) / np.exp(z).sum(), s), J, atol=FD_TOL)
    # The first row of the table, redone with a loop over the 500 heads and the formula.
    rng = np.random.default_rng(0)
    Qs, Ks = rng.standard_normal((500, 8, 4)), rng.standard_normal((500, 8, 4))
    norms = [np.linalg.norm(np.diag(p) - np.outer(p, p))
             for Qh, Kh in zip(Qs, Ks) for p in ns["softmax_rows"](Qh @ Kh.T / np.sqrt(4))]
    assert scaled[0] == pytest.approx(np.mean(norms), rel=1e-12)
    # Uniform p: sqrt(T - 1) / T (SymPy, T = 8 and the layers page's T = 2); one-hot p: 0.
    for T in (2, 8):
        M = sp.eye(T) / T - sp.ones(T, T) / T**2
        assert sp.sqrt(sum(x**2 for x in M)) == sp.sqrt(T - 1) / T
    assert ns["uniform"] == pytest.approx(np.sqrt(7) / 8, rel=1e-15) and np.all(scaled > ns["uniform"])  # "above it"
    e = np.eye(8)[3]
    assert np.all(np.diag(e) - np.outer(e, e) == 0)
    # Scores of unscaled random heads have variance d (the reason for the scale).
    d = 256
    dots = np.sum(rng.standard_normal((20000, d)) * rng.standard_normal((20000, d)), axis=1)
    assert abs(dots.var() / d - 1) < 0.05 and abs((dots / np.sqrt(d)).var() - 1) < 0.05


def test_exercises(example):
    ns = example(PAGE, "exercise_equal_keys")
    assert float(jnp.abs(ns["dQ"]).max()) < 1e-15  # "zero" to rounding, for this cotangent ...
    np.testing.assert_allclose(ns["P"], np.full((3, 3), 1 / 3), rtol=1e-15)
    for _ in range(3):  # ... and for any other one
        Q, V, G = RNG.standard_normal((3, 3, 2))
        K = np.tile(RNG.standard_normal((1, 2)), (3, 1))
        J = fd_jacobian(lambda *a: np.asarray(ns["attention"](*a)), (Q, K, V), 0)
        assert np.abs(J).max() < FD_TOL
        assert np.abs(jax.vjp(jax_attention, Q, K, V)[1](G)[0]).max() < 1e-15

    ns = example(PAGE, "exercise_value_jacobian")
    P = np.asarray(ns["P"])
    J_fd = fd_jacobian(lambda *a: np.asarray(ns["attention"](*a)), tuple(np.asarray(ns[k]) for k in "QKV"), 2)
    np.testing.assert_allclose(J_fd, np.kron(P, np.eye(2)), atol=FD_TOL)
    np.testing.assert_allclose(ns["J_V"], np.kron(P, np.eye(2)), rtol=1e-14)
    assert np.all(P > 0) and int(np.sum(np.asarray(ns["J_V"]) == 0)) == 18 and ns["J_V"].size == 36

    ns = example(PAGE, "exercise_causal")
    Q, K, V = (np.asarray(ns[k]) for k in "QKV")
    norms = np.asarray(ns["block_norms"])
    assert np.all(norms[np.triu_indices(3, 1)] == 0) and np.all(norms[np.tril_indices(3)] > 0)
    assert norms[0, 0] == pytest.approx(np.sqrt(2), rel=1e-15)  # block (1, 1) = I_2

    def causal_np(Q, K, V):
        S = Q @ K.T / np.sqrt(2) + np.triu(np.full((3, 3), -np.inf), 1)
        E = np.exp(S - S.max(axis=1, keepdims=True))
        return (E / E.sum(axis=1, keepdims=True)) @ V

    np.testing.assert_allclose(ns["causal_attention"](Q, K, V), causal_np(Q, K, V), rtol=RTOL)
    np.testing.assert_allclose(fd_jacobian(causal_np, (Q, K, V), 2), np.asarray(ns["J_V"]).reshape(6, 6), atol=FD_TOL)
    JQ = np.asarray(jax.jacrev(ns["causal_attention"])(Q, K, V)).reshape(6, 6)  # still block diagonal in Q
    np.testing.assert_allclose(fd_jacobian(causal_np, (Q, K, V), 0), JQ, atol=FD_TOL)
    assert np.all((np.linalg.norm(JQ.reshape(3, 2, 3, 2), axis=(1, 3)) > 0) <= np.eye(3, dtype=bool))

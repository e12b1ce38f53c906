"""docs/chain-rule.md: the Jacobian of a composition is the product of the stages' Jacobians.

Every claim of the page is checked on the objects its examples make (snippets/chain_rule/):
the SymPy composition against an independent SymPy Jacobian, the shown NumPy functions and
their central differences against SymPy at many points, the path sums against `diff`, the
exercise answers by value, and `chain_jacobians` (the one function the page names) on random
linear stages and on bad input.
"""

from __future__ import annotations

import functools
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.chain_rule import chain_jacobians
from snippets.chain_rule.figures import graph_figure
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols

PAGE = "chain_rule"
coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)
# Central differences (h = 1e-6) on g o f, entries <= ~500: truncation, round-off <= ~1e-8; a wrong entry is O(1).
FD_RTOL = 1e-6
X, Y = seed_symbols()
U, V = sp.symbols("u v")
F, G = seed_f_sympy(), sp.Matrix([U * V, U - V, V**2])  # g(u, v), written independently of the examples
G_NUMPY, J_G_NUMPY = sp.lambdify((U, V), list(G)), sp.lambdify((U, V), G.jacobian([U, V]))
GF = G.subs({U: F[0], V: F[1]}, simultaneous=True)  # g(f(x, y)): SymPy differentiates it directly
J_GF = sp.lambdify((X, Y), GF.jacobian([X, Y]))


def test_sympy_product_equals_the_jacobian_of_the_composition_and_the_hand_value(example):
    ns = example(PAGE, "sympy_chain")
    assert (ns["x"], ns["y"], ns["u"], ns["v"], ns["f"], ns["g"]) == (X, Y, U, V, F, G)
    assert ns["J_f"] == F.jacobian([X, Y]) and ns["J_g"] == sp.Matrix([[V, U], [1, -1], [0, 2 * V]])
    assert sp.expand(ns["composition"] - GF) == sp.zeros(3, 1)
    assert sp.simplify(ns["J_direct"] - GF.jacobian([X, Y])) == sp.zeros(3, 2)
    # The claim: the product equals the Jacobian of the composition for all (x, y), 3 x 2.
    assert sp.simplify(ns["J_g_at_f"] * ns["J_f"] - ns["J_direct"]) == sp.zeros(3, 2)
    assert ns["equal"] is True and ns["product"] == ns["J_g_at_f"] * ns["J_f"] and ns["product"].shape == (3, 2)
    # By hand at (1, 0): J_g at f(1, 0) = (0, 5), not at (1, 0), times J_f(1, 0).
    J_g_05, J_f_10 = ns["J_g"].subs({U: 0, V: 5}), ns["J_f"].subs({X: 1, Y: 0})
    assert (J_g_05, J_f_10) == (sp.Matrix([[5, 0], [1, -1], [0, 10]]), sp.Matrix([[0, 1], [5, 1]]))
    assert J_g_05 * J_f_10 == ns["J_direct"].subs({X: 1, Y: 0}) == sp.Matrix([[0, 5], [-5, 0], [50, 10]])


@settings(max_examples=60, deadline=None)
@given(coordinate, coordinate)
def test_shown_functions_and_central_differences_match_sympy(example, px, py):
    ns, p = example(PAGE, "numeric_chain"), np.array([px, py])
    for name in ("numeric_chain", "exercise_self"):  # both show the seed f and J_f
        np.testing.assert_allclose(example(PAGE, name)["f"](p), seed_f(p), rtol=1e-15)
        np.testing.assert_allclose(example(PAGE, name)["J_f"](p), seed_jacobian(p), rtol=1e-15)
    np.testing.assert_allclose(ns["g"](p), G_NUMPY(px, py), rtol=1e-15)
    np.testing.assert_allclose(ns["J_g"](p), np.asarray(J_G_NUMPY(px, py), float), rtol=1e-15)
    exact = np.asarray(J_GF(px, py), float)
    np.testing.assert_allclose(ns["J_g"](ns["f"](p)) @ ns["J_f"](p), exact, rtol=1e-12, atol=1e-12)
    numeric = ns["central_difference"](lambda q: ns["g"](ns["f"](q)), p)
    assert np.all(np.abs(numeric - exact) <= FD_RTOL * (1 + np.abs(exact)))


def test_numeric_check_over_100_points_and_outer_jacobian_at_the_inner_output(example):
    ns = example(PAGE, "numeric_chain")
    # The page's mixed relative error |difference| / (1 + |entry|), at its 100 points, against SymPy.
    worst, points = 0.0, np.random.default_rng(0).uniform(-2, 2, size=(100, 2))
    for p in points:
        J, numeric = np.asarray(J_GF(*p), float), ns["central_difference"](lambda q: ns["g"](ns["f"](q)), p)
        worst = max(worst, np.max(np.abs(J - numeric) / (1 + np.abs(J))))
    np.testing.assert_allclose(ns["worst"], worst, rtol=1e-3)
    assert 0 < ns["worst"] < FD_RTOL
    np.testing.assert_array_equal(ns["p"], points[-1])  # the loop visited all 100 points
    assert not np.allclose(ns["J_g"]([1.0, 0.0]) @ ns["J_f"]([1.0, 0.0]), J_GF(1.0, 0.0))  # J_g at x: the slip


def test_shapes_chain_only_in_reverse_order_and_square_stages_fail_silently(example):
    ns = example(PAGE, "shapes")
    J1, J2, J3 = ns["J1"], ns["J2"], ns["J3"]
    assert (J1.shape, J2.shape, J3.shape, ns["product"].shape) == ((5, 4), (3, 5), (1, 3), (1, 4))
    np.testing.assert_allclose(ns["product"], np.einsum("ij,jk,kl->il", J3, J2, J1), rtol=1e-13)
    np.testing.assert_allclose(chain_jacobians([J1, J2, J3]), J3 @ J2 @ J1, rtol=1e-15)
    with pytest.raises(ValueError):
        J1 @ J2 @ J3
    A, B = np.random.default_rng(0).normal(size=(2, 3, 3))  # square stages: the wrong order does not raise
    assert (A @ B).shape == (B @ A).shape and not np.allclose(chain_jacobians([A, B]), A @ B)
    np.testing.assert_allclose(chain_jacobians([A, B]), B @ A)


def cheapest_chain_cost(shapes) -> int:
    """Matrix-chain ordering by dynamic programming: fewest multiply-adds for M_k ... M_1 (shapes in order applied)."""
    dims = [shapes[0][1]] + [s[0] for s in shapes]  # M_i maps R^dims[i] -> R^dims[i+1]
    best = {(i, i): 0 for i in range(len(shapes))}
    for span in range(1, len(shapes)):
        for i in range(len(shapes) - span):
            best[i, i + span] = min(best[i, k] + best[k + 1, i + span] + dims[i] * dims[k + 1] * dims[i + span + 1]
                                    for k in range(i, i + span))
    return best[0, len(shapes) - 1]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 9))
def test_exercise_bracketing_counts_multiply_adds_and_the_output_end_is_cheapest(example, a, b, c):
    ns = example(PAGE, "exercise_bracketing")
    assert ns["cost"](a, b, c) == a * b * c  # a * c entries, each a sum of b products
    J1, J2, J3 = ns["J1"], ns["J2"], ns["J3"]
    assert (J1.shape, J2.shape, J3.shape) == ((256, 784), (10, 256), (1, 10))
    assert chain_jacobians([J1, J2, J3]).shape == (1, 784) and ns["same"]
    assert (ns["from_the_output"], ns["from_the_input"]) == (10 * 256 + 256 * 784, 10 * 256 * 784 + 10 * 784)
    # From the output is the cheapest grouping (the dynamic program agrees), and "about ten times" less work.
    assert ns["from_the_output"] == cheapest_chain_cost([J1.shape, J2.shape, J3.shape]) < ns["from_the_input"]
    assert round(ns["ratio"]) == 10 and ns["ratio"] == ns["from_the_input"] / ns["from_the_output"]
    assert cheapest_chain_cost([(b, a), (c, b)]) == a * b * c  # two matrices: one way to multiply


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=5), st.integers(0, 2**32 - 1))
def test_chain_jacobians_is_the_product_in_reverse_order(sizes, seed):
    """For linear stages A_i, the Jacobian of the composition is A_k ... A_1, whatever the sizes."""
    rng = np.random.default_rng(seed)
    mats = [rng.normal(size=(sizes[i + 1], sizes[i])) for i in range(len(sizes) - 1)]
    J = chain_jacobians([M.tolist() for M in mats])  # a list of lists behaves like an array
    assert J.shape == (sizes[-1], sizes[0])
    # Linear stages: central differences have no truncation error, only round-off ~1e-10.
    np.testing.assert_allclose(J, numerical_jacobian(lambda z: functools.reduce(lambda z, A: A @ z, mats, z),
                                                     rng.normal(size=sizes[0])), atol=1e-8)


@pytest.mark.parametrize(("bad", "error", "message"), [
    ([np.ones((5, 4)), np.ones((1, 3))], ValueError,  # the page's message, whole
     "^" + re.escape("stage 0 outputs R^5 but stage 1 takes R^3: shapes (5, 4) and (1, 3) do not chain") + "$"),
    ([np.ones((4, 4)), np.ones((2, 4)), np.ones((1, 3))], ValueError, r"stage 1 outputs R\^2 but stage 2 takes R\^3"),
    ([], ValueError, "jacobians must hold at least one"),
    ([np.ones(3)], ValueError, r"jacobians\[0\] must be a non-empty 2-D"),
    ([np.ones((1, 1)), np.array([[np.nan]])], ValueError, r"jacobians\[1\] must be finite"),
    ([np.array([[np.inf]])], ValueError, r"jacobians\[0\] must be finite"),
    ([len], TypeError, r"jacobians\[0\] must be an array of numbers"),
    (np.ones((2, 2, 2)), TypeError, "jacobians must be a list"),
    ("J", TypeError, "jacobians must be a list"),
])
def test_chain_jacobians_rejects_bad_input(bad, error, message):
    with pytest.raises(error, match=message):
        chain_jacobians(bad)


def test_path_sums_agree_with_diff_and_paths_double_per_layer(example):
    ns = example(PAGE, "paths")
    assert (ns["da_dx"], ns["df1_da"], ns["df1_dy"]) == (2 * X, Y, sp.diff(X**2 * Y, Y))
    assert ns["df1_dx"] == sp.diff(X**2 * Y, X) and ns["agrees"] is True
    for L in range(1, 12):  # input to both nodes of layer 1, two fully connected nodes per layer: 2^(L-1) paths
        paths = np.ones((1, 2), dtype=int) @ np.linalg.matrix_power(np.ones((2, 2), dtype=int), L - 1)
        assert paths.tolist() == [[2 ** (L - 1)] * 2]


def test_graph_figure_has_every_node_and_edge_labelled_beside_it_in_view():
    fig = graph_figure()
    ax = fig.axes[0]
    arrows = [(np.array(a.xyann), np.array(a.xy)) for a in ax.texts if a.get_text() == ""]  # (tail, head)
    labels = [t for t in ax.texts if t.get_text() and t.get_bbox_patch() is None]
    nodes = [t for t in ax.texts if t.get_bbox_patch() is not None]
    assert len(ax.texts) == 21 and len(arrows) == len(labels) == len(nodes) == 7
    assert sorted(t.get_text() for t in nodes + labels) == sorted(
        ["x", "y", "a = x²", "b = 5x", "c = sin y", "f1 = a y", "f2 = b + c", "2x", "5", "cos y", "y", "a", "1", "1"])
    for (tail, head), label in zip(arrows, labels):  # drawn in the same order
        d = (head - tail) / np.linalg.norm(head - tail)
        normal = np.array([-d[1], d[0]]) * (1 if d[0] >= 0 else -1)  # the upper side
        offset = np.array(label.get_position()) - tail
        assert np.isclose(offset @ normal, 0.14)  # beside the edge, on its upper side
        assert 0 < offset @ d < np.linalg.norm(head - tail)  # between its two nodes
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert all(x0 < t.get_position()[0] < x1 and y0 < t.get_position()[1] < y1 for t in nodes + labels)
    positions = {t.get_text(): t.get_position() for t in nodes}
    assert (positions["x"], positions["y"]) == ((0.0, 1.0), (0.0, -1.0))
    plt.close(fig)


def test_exercises_f_after_f_at_1_0_and_linear_jacobian_is_b_a(example):
    ns, lin = example(PAGE, "exercise_self"), example(PAGE, "exercise_linear")
    expected = sp.Matrix([[0, 0], [5 * sp.cos(5), 5 + sp.cos(5)]])
    ff = F.subs({X: F[0], Y: F[1]}, simultaneous=True)
    assert sp.simplify(ff.jacobian([X, Y]).subs({X: 1, Y: 0}) - expected) == sp.zeros(2, 2)
    np.testing.assert_array_equal(ns["p"], [1.0, 0.0])
    np.testing.assert_allclose(ns["f"](ns["p"]), [0.0, 5.0], rtol=1e-15)
    np.testing.assert_allclose(ns["J_ff"], np.array(expected, float), rtol=1e-14)
    A, B, x = sp.Matrix(3, 2, sp.symbols("a:6")), sp.Matrix(4, 3, sp.symbols("b:12")), sp.Matrix(sp.symbols("x0 x1"))
    assert (B * (A * x)).jacobian(list(x)) == B * A
    assert (lin["A"].shape, lin["B"].shape, lin["numeric"].shape) == ((3, 2), (4, 3), (4, 2))
    # A linear map has no truncation error; round-off is ~eps |B A x| / h ~ 1e-10 with h = 1e-6.
    np.testing.assert_allclose(lin["numeric"], lin["B"] @ lin["A"], atol=1e-8, rtol=0)
    assert lin["error"] == np.max(np.abs(lin["numeric"] - lin["B"] @ lin["A"])) and 0 < lin["error"] < 1e-8

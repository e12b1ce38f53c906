"""docs/chain-rule.md: the Jacobian of a composition is the product of the stages' Jacobians.

Every claim of the page is checked on the objects its examples make (snippets/chain_rule/):
the SymPy composition against an independent SymPy Jacobian, the shown NumPy functions and
their central differences against SymPy and the shared finite differences at many points, the
path sums against `diff`, the exercise answers by value, and `chain_jacobians` (the one function
the page names) on random linear stages and on bad input.
"""

from __future__ import annotations

import re

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
# Central differences on g o f (entries up to ~500 for |x|, |y| <= 2): truncation ~ h^2 |f'''|
# and round-off ~ eps |g(f)| / h are both <= ~1e-8 for h = 1e-6 (shown) or 6e-6 (shared), so
# 1e-6 relative to (1 + |J|) is safe while any wrong entry (off by O(1)) fails.
FD_RTOL = 1e-6


def outer_g_sympy():
    """g(u, v) = (u v, u - v, v^2) with its symbols, written independently of the examples."""
    u, v = sp.symbols("u v")
    return sp.Matrix([u * v, u - v, v**2]), (u, v)


def composition_jacobian_sympy():
    """J_{g o f} as a numpy function of (x, y): SymPy differentiates g(f(x, y)) directly."""
    x, y = seed_symbols()
    g, (u, v) = outer_g_sympy()
    f = seed_f_sympy()
    composed = g.subs({u: f[0], v: f[1]}, simultaneous=True)
    return sp.lambdify((x, y), composed.jacobian([x, y]), "numpy")


# --- the SymPy example ----------------------------------------------------------------------


def test_sympy_product_equals_the_jacobian_of_the_composition(example):
    ns = example(PAGE, "sympy_chain")
    x, y, u, v = ns["x"], ns["y"], ns["u"], ns["v"]
    g, _ = outer_g_sympy()
    assert ns["f"] == seed_f_sympy()
    assert ns["g"] == g
    assert ns["J_f"] == seed_f_sympy().jacobian([x, y])
    assert ns["J_g"] == sp.Matrix([[v, u], [1, -1], [0, 2 * v]])
    assert ns["J_g_at_f"] == sp.Matrix([[5 * x + sp.sin(y), x**2 * y], [1, -1], [0, 2 * (5 * x + sp.sin(y))]])
    direct = sp.Matrix([x**2 * y * (5 * x + sp.sin(y)), x**2 * y - 5 * x - sp.sin(y), (5 * x + sp.sin(y)) ** 2])
    assert sp.expand(ns["composition"] - direct) == sp.zeros(3, 1)
    assert sp.simplify(ns["J_direct"] - direct.jacobian([x, y])) == sp.zeros(3, 2)
    # The claim: the product equals the Jacobian of the composition for all (x, y), 3 x 2.
    assert sp.simplify(ns["J_g_at_f"] * ns["J_f"] - ns["J_direct"]) == sp.zeros(3, 2)
    assert (ns["J_g_at_f"] * ns["J_f"]).shape == (3, 2)


def test_hand_worked_value_at_1_0(example):
    ns = example(PAGE, "sympy_chain")
    x, y = ns["x"], ns["y"]
    by_hand = sp.Matrix([[0, 5], [-5, 0], [50, 10]])
    assert sp.Matrix([[5, 0], [1, -1], [0, 10]]) * sp.Matrix([[0, 1], [5, 1]]) == by_hand
    assert ns["J_direct"].subs({x: 1, y: 0}) == by_hand
    np.testing.assert_allclose(composition_jacobian_sympy()(1.0, 0.0), np.array(by_hand, float), rtol=1e-15)


# --- the NumPy example ----------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(coordinate, coordinate)
def test_shown_functions_match_sympy(example, px, py):
    ns = example(PAGE, "numeric_chain")
    p = np.array([px, py])
    np.testing.assert_allclose(ns["f"](p), seed_f(p), rtol=1e-15)
    np.testing.assert_allclose(ns["J_f"](p), seed_jacobian(p), rtol=1e-15)
    g, (u, v) = outer_g_sympy()
    np.testing.assert_allclose(ns["g"](p), np.ravel(sp.lambdify((u, v), g, "numpy")(px, py)), rtol=1e-15)
    J_g = sp.lambdify((u, v), g.jacobian([u, v]), "numpy")
    np.testing.assert_allclose(ns["J_g"](p), np.asarray(J_g(px, py), float), rtol=1e-15)
    chain = ns["J_g"](ns["f"](p)) @ ns["J_f"](p)
    np.testing.assert_allclose(chain, np.asarray(composition_jacobian_sympy()(px, py), float), rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(coordinate, coordinate)
def test_chain_rule_matches_finite_differences(example, px, py):
    ns = example(PAGE, "numeric_chain")
    p = np.array([px, py])
    J = ns["J_g"](ns["f"](p)) @ ns["J_f"](p)
    numeric = numerical_jacobian(lambda q: ns["g"](ns["f"](q)), p, method="central")
    assert np.all(np.abs(numeric - J) <= FD_RTOL * (1 + np.abs(J)))


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_shown_g_jacobian_matches_complex_step(example, pu, pv):
    ns = example(PAGE, "numeric_chain")
    # Complex step has no subtractive cancellation: agreement to ~1e-15 relative.
    q = np.array([pu, pv])
    np.testing.assert_allclose(numerical_jacobian(ns["g"], q, method="complex"), ns["J_g"](q), rtol=1e-13, atol=1e-13)


@settings(max_examples=40, deadline=None)
@given(st.lists(coordinate, min_size=3, max_size=3))
def test_shown_central_difference_on_a_non_square_map(example, point):
    ns = example(PAGE, "numeric_chain")
    p = np.array(point)

    def h3(w):  # R^3 -> R^2, unlike anything on the page
        return np.array([w[0] * np.exp(w[1]) - w[2], np.sin(w[0] * w[2])])

    numeric = ns["central_difference"](h3, p)
    assert numeric.shape == (2, 3)
    # Same tolerance argument as FD_RTOL (entries here are at most ~e^2 in size).
    np.testing.assert_allclose(numeric, numerical_jacobian(h3, p, method="complex"), atol=FD_RTOL, rtol=0)


def test_numeric_check_over_100_points(example):
    ns = example(PAGE, "numeric_chain")
    # The mixed relative error the page defines, |difference| / (1 + |entry|), over the same
    # 100 points, with the exact Jacobian from SymPy and the shown central differences.
    exact = composition_jacobian_sympy()
    worst = 0.0
    points = np.random.default_rng(0).uniform(-2, 2, size=(100, 2))
    for p in points:
        J = np.asarray(exact(*p), float)
        numeric = ns["central_difference"](lambda q: ns["g"](ns["f"](q)), p)
        worst = max(worst, np.max(np.abs(J - numeric) / (1 + np.abs(J))))
    np.testing.assert_allclose(ns["worst"], worst, rtol=1e-3)
    assert 0 < ns["worst"] < FD_RTOL
    np.testing.assert_array_equal(ns["p"], points[-1])  # the loop visited all 100 points


def test_outer_jacobian_must_be_taken_at_the_inner_output(example):
    ns = example(PAGE, "numeric_chain")
    p = np.array([1.0, 0.0])
    exact = np.asarray(composition_jacobian_sympy()(*p), float)
    wrong = ns["J_g"](p) @ ns["J_f"](p)  # the classic slip: J_g at x, not at f(x)
    assert not np.allclose(wrong, exact)
    np.testing.assert_allclose(ns["J_g"](ns["f"](p)) @ ns["J_f"](p), exact, rtol=1e-15)


# --- shapes and the order of the product ----------------------------------------------------


def test_shapes_chain_only_in_reverse_order(example):
    ns = example(PAGE, "shapes")
    J1, J2, J3 = ns["J1"], ns["J2"], ns["J3"]
    assert (J1.shape, J2.shape, J3.shape) == ((5, 4), (3, 5), (1, 3))
    assert (J3 @ J2 @ J1).shape == (1, 4)
    np.testing.assert_allclose(chain_jacobians([J1, J2, J3]), J3 @ J2 @ J1, rtol=1e-15)
    with pytest.raises(ValueError):
        J1 @ J2 @ J3


def test_wrong_order_of_square_stages_gives_a_wrong_matrix_silently():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(2, 3, 3))
    assert (A @ B).shape == (B @ A).shape
    assert not np.allclose(chain_jacobians([A, B]), A @ B)
    np.testing.assert_allclose(chain_jacobians([A, B]), B @ A)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=5), st.integers(0, 2**32 - 1))
def test_chain_jacobians_is_the_product_in_reverse_order(sizes, seed):
    """For linear stages A_i, the Jacobian of the composition is A_k ... A_1, whatever the sizes."""
    rng = np.random.default_rng(seed)
    mats = [rng.normal(size=(sizes[i + 1], sizes[i])) for i in range(len(sizes) - 1)]
    x = rng.normal(size=sizes[0])

    def forward(z):
        for A in mats:
            z = A @ z
        return z

    J = chain_jacobians([M.tolist() for M in mats])  # a list of lists behaves like an array
    assert J.shape == (sizes[-1], sizes[0])
    # Linear stages: central differences have no truncation error, only round-off ~1e-10.
    np.testing.assert_allclose(J, numerical_jacobian(forward, x), atol=1e-8)


def test_chain_jacobians_error_names_the_stages_as_on_the_page():
    message = "stage 0 outputs R^5 but stage 1 takes R^3: shapes (5, 4) and (1, 3) do not chain"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        chain_jacobians([np.ones((5, 4)), np.ones((1, 3))])
    with pytest.raises(ValueError, match="stage 1 outputs R\\^2 but stage 2 takes R\\^3"):
        chain_jacobians([np.ones((4, 4)), np.ones((2, 4)), np.ones((1, 3))])


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ([], ValueError, "jacobians must hold at least one"),
        ([np.ones(3)], ValueError, r"jacobians\[0\] must be a non-empty 2-D"),
        ([np.ones((1, 1)), np.array([[np.nan]])], ValueError, r"jacobians\[1\] must be finite"),
        ([np.array([[np.inf]])], ValueError, r"jacobians\[0\] must be finite"),
        ([len], TypeError, r"jacobians\[0\] must be an array of numbers"),
        (np.ones((2, 2, 2)), TypeError, "jacobians must be a list"),
        ("J", TypeError, "jacobians must be a list"),
    ],
)
def test_chain_jacobians_rejects_bad_input(bad, error, message):
    with pytest.raises(error, match=message):
        chain_jacobians(bad)


# --- computational graphs -------------------------------------------------------------------


def test_path_sums_agree_with_diff(example):
    ns = example(PAGE, "paths")
    x, y, a = ns["x"], ns["y"], ns["a"]
    f1 = x**2 * y
    assert ns["da_dx"] == 2 * x and ns["df1_da"] == y and ns["df1_dy"] == x**2
    assert (ns["df1_da"] * ns["da_dx"]).subs(a, x**2) == sp.diff(f1, x)
    assert ns["df1_dy"] == sp.diff(f1, y)


def test_path_count_in_a_two_node_layered_graph_doubles_per_layer():
    """The page: an input feeding both nodes of layer 1, two fully connected nodes per layer:
    2^(L-1) paths to each node of layer L. Counted by powers of the adjacency matrix."""
    for L in range(1, 12):
        paths = np.ones((1, 2), dtype=int) @ np.linalg.matrix_power(np.ones((2, 2), dtype=int), L - 1)
        assert paths.tolist() == [[2 ** (L - 1)] * 2]


def test_graph_figure_has_every_node_and_edge():
    import matplotlib.pyplot as plt

    fig = graph_figure()
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 21  # 7 nodes, 7 edge labels, 7 arrows (empty annotations)
    assert sorted(t for t in texts if t) == sorted(
        ["x", "y", "a = x²", "b = 5x", "c = sin y", "f1 = a y", "f2 = b + c", "2x", "5", "cos y", "y", "a", "1", "1"]
    )
    plt.close(fig)


def test_graph_figure_labels_sit_beside_their_edges_and_all_is_in_view():
    import matplotlib.pyplot as plt

    fig = graph_figure()
    ax = fig.axes[0]
    arrows = [(np.array(a.xyann), np.array(a.xy)) for a in ax.texts if a.get_text() == ""]  # (tail, head)
    labels = [t for t in ax.texts if t.get_text() and t.get_bbox_patch() is None]
    nodes = [t for t in ax.texts if t.get_bbox_patch() is not None]
    assert len(arrows) == len(labels) == len(nodes) == 7
    for (tail, head), label in zip(arrows, labels):  # drawn in the same order
        d = (head - tail) / np.linalg.norm(head - tail)
        normal = np.array([-d[1], d[0]]) * (1 if d[0] >= 0 else -1)  # the upper side
        offset = np.array(label.get_position()) - tail
        assert np.isclose(offset @ normal, 0.14)  # beside the edge, on its upper side
        assert 0 < offset @ d < np.linalg.norm(head - tail)  # between its two nodes
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for t in nodes + labels:
        px, py = t.get_position()
        assert x0 < px < x1 and y0 < py < y1
    assert {t.get_text(): t.get_position() for t in nodes}["x"] == (0.0, 1.0)
    assert {t.get_text(): t.get_position() for t in nodes}["y"] == (0.0, -1.0)
    plt.close(fig)


# --- exercises ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_exercise_self_functions_are_the_seed(example, px, py):
    ns = example(PAGE, "exercise_self")
    p = np.array([px, py])
    np.testing.assert_allclose(ns["f"](p), seed_f(p), rtol=1e-15)
    np.testing.assert_allclose(ns["J_f"](p), seed_jacobian(p), rtol=1e-15)


def test_exercise_self_f_after_f_at_1_0(example):
    ns = example(PAGE, "exercise_self")
    x, y = seed_symbols()
    f = seed_f_sympy()
    ff = f.subs({x: f[0], y: f[1]}, simultaneous=True)
    expected = sp.Matrix([[0, 0], [5 * sp.cos(5), 5 + sp.cos(5)]])
    assert sp.simplify(ff.jacobian([x, y]).subs({x: 1, y: 0}) - expected) == sp.zeros(2, 2)
    p = ns["p"]
    np.testing.assert_array_equal(p, [1.0, 0.0])
    np.testing.assert_allclose(ns["f"](p), [0.0, 5.0], rtol=1e-15)
    np.testing.assert_allclose(ns["J_f"](ns["f"](p)) @ ns["J_f"](p), np.array(expected, float), rtol=1e-14)


def test_exercise_linear_jacobian_is_b_a(example):
    ns = example(PAGE, "exercise_linear")
    A, B = sp.Matrix(3, 2, sp.symbols("a:6")), sp.Matrix(4, 3, sp.symbols("b:12"))
    X = sp.Matrix(sp.symbols("x0 x1"))
    assert (B * (A * X)).jacobian(list(X)) == B * A
    assert ns["A"].shape == (3, 2) and ns["B"].shape == (4, 3)
    assert ns["numeric"].shape == (4, 2)
    # A linear map has no truncation error; round-off is ~eps |B A x| / h ~ 1e-10 with h = 1e-6.
    np.testing.assert_allclose(ns["numeric"], ns["B"] @ ns["A"], atol=1e-8, rtol=0)


def test_exercise_shapes_product_is_one_row_of_784(example):
    ns = example(PAGE, "exercise_shapes")
    J1, J2, J3 = ns["J1"], ns["J2"], ns["J3"]
    assert (J1.shape, J2.shape, J3.shape) == ((256, 784), (10, 256), (1, 10))
    assert chain_jacobians([J1, J2, J3]).shape == (1, 784)

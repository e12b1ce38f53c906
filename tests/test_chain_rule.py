"""snippets/chain_rule.py: J_(g o f)(x) = J_g(f(x)) J_f(x) on the seed example followed by g."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.chain_rule import (
    chain_jacobians,
    composed,
    composed_jacobian,
    composed_sympy,
    graph_figure,
    outer_g,
    outer_g_jacobian,
)
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_jacobian, seed_symbols
from tests.conftest import ROOT
from tests.shown_code import section_text, shown_blocks

coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)
# Central differences (h = 6e-6) on entries of size up to ~500 on |x|, |y| <= 2: truncation
# ~ h^2 |f'''| ~ 1e-8 and round-off ~ 1e-16 |f| / h ~ 1e-8, so 1e-6 relative to (1 + |J|) is safe.
FD_RTOL = 1e-6


def test_composition_jacobian_symbolically():
    x, y = seed_symbols()
    u, v = sp.symbols("u v")
    g = sp.Matrix([u * v, u - v, v**2])
    f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])
    product = g.jacobian([u, v]).subs({u: f[0], v: f[1]}) * f.jacobian([x, y])
    direct = composed_sympy().jacobian([x, y])
    assert sp.simplify(product - direct) == sp.zeros(3, 2)
    assert direct.shape == (3, 2)
    # the hand-worked value on the page
    assert direct.subs({x: 1, y: 0}) == sp.Matrix([[0, 5], [-5, 0], [50, 10]])


def test_numpy_functions_match_sympy():
    x, y = seed_symbols()
    J_num = sp.lambdify((x, y), composed_sympy().jacobian([x, y]), "numpy")
    g_num = sp.lambdify((x, y), composed_sympy(), "numpy")
    for p in np.random.default_rng(2).uniform(-2, 2, size=(30, 2)):
        np.testing.assert_allclose(composed(p), np.ravel(g_num(*p)), rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(composed_jacobian(p), np.asarray(J_num(*p), float), rtol=1e-12, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(coordinate, coordinate)
def test_chain_rule_matches_finite_differences(px, py):
    p = np.array([px, py])
    J = composed_jacobian(p)
    numeric = numerical_jacobian(composed, p, method="central")
    assert np.all(np.abs(numeric - J) <= FD_RTOL * (1 + np.abs(J)))


@settings(max_examples=100, deadline=None)
@given(coordinate, coordinate)
def test_outer_g_jacobian_matches_complex_step(pu, pv):
    q = np.array([pu, pv])

    def g_complex(w):  # the same formula, complex-safe (as_point would cast to float)
        return np.array([w[0] * w[1], w[0] - w[1], w[1] ** 2])

    np.testing.assert_allclose(outer_g(q), g_complex(q))
    # Complex step has no subtractive cancellation: agreement to ~1e-15 relative.
    np.testing.assert_allclose(numerical_jacobian(g_complex, q, method="complex"), outer_g_jacobian(q), rtol=1e-13, atol=1e-13)


def test_outer_jacobian_must_be_taken_at_the_inner_output():
    p = np.array([1.0, 0.0])
    wrong = outer_g_jacobian(p) @ seed_jacobian(p)  # the classic slip: J_g at x, not at f(x)
    assert not np.allclose(wrong, composed_jacobian(p))
    np.testing.assert_allclose(outer_g_jacobian(seed_f(p)) @ seed_jacobian(p), composed_jacobian(p))


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

    J = chain_jacobians(mats)
    assert J.shape == (sizes[-1], sizes[0])
    np.testing.assert_allclose(J, numerical_jacobian(forward, x), atol=1e-8)


def test_wrong_order_of_square_stages_gives_a_wrong_matrix_silently():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(2, 3, 3))
    assert (A @ B).shape == (B @ A).shape
    assert not np.allclose(chain_jacobians([A, B]), A @ B)
    np.testing.assert_allclose(chain_jacobians([A, B]), B @ A)


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ([np.ones((5, 4)), np.ones((1, 3))], ValueError, "do not chain"),
        ([], ValueError, "empty"),
        ([np.ones(3)], ValueError, "2-D"),
        ([np.array([[np.nan]])], ValueError, "non-finite"),
        ([len], TypeError, "not a matrix"),
        (np.ones((2, 2)), TypeError, "list"),
        ("J", TypeError, "list"),
    ],
)
def test_chain_jacobians_rejects_bad_input(bad, error, message):
    with pytest.raises(error, match=message):
        chain_jacobians(bad)


def test_bad_points_are_rejected():
    for func in (outer_g, outer_g_jacobian, composed, composed_jacobian):
        with pytest.raises(ValueError, match="shape"):
            func([1.0, 2.0, 3.0])
        with pytest.raises(ValueError, match="finite"):
            func([np.inf, 0.0])


def test_exercise_solutions():
    x, y = seed_symbols()
    f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])
    # 1. J_(f o f)(1, 0) = [[0, 0], [5 cos 5, 5 + cos 5]]
    ff = f.subs({x: f[0], y: f[1]}, simultaneous=True)
    expected = sp.Matrix([[0, 0], [5 * sp.cos(5), 5 + sp.cos(5)]])
    assert sp.simplify(ff.jacobian([x, y]).subs({x: 1, y: 0}) - expected) == sp.zeros(2, 2)
    p = np.array([1.0, 0.0])
    np.testing.assert_allclose(seed_jacobian(seed_f(p)) @ seed_jacobian(p), np.array(expected, dtype=float))
    # 2. linear maps: J = B A, shape 4 x 2
    A, B = sp.Matrix(3, 2, sp.symbols("a:6")), sp.Matrix(4, 3, sp.symbols("b:12"))
    X = sp.Matrix(sp.symbols("x0 x1"))
    assert (B * (A * X)).jacobian(list(X)) == B * A
    # 3. 784 -> 256 -> 10 -> 1: product 1 x 784
    assert chain_jacobians([np.zeros((256, 784)), np.zeros((10, 256)), np.zeros((1, 10))]).shape == (1, 784)


def test_figure_builds():
    import matplotlib.pyplot as plt

    fig = graph_figure()
    assert len(fig.axes[0].texts) == 21  # 7 nodes, 7 edge labels, 7 arrows (annotations)
    plt.close(fig)


def test_page_examples_run_and_agree():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.chain_rule"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "J_g(f(x)) J_f(x) == J_(g o f)(x): True" in out
    assert "Matrix([[0, 5], [-5, 0], [50, 10]])" in out
    assert np.array2string(composed_jacobian([1.0, 0.0])) in out
    worst = float(out.split("over 100 points: ")[1].split()[0])
    assert worst < 1e-6
    assert "J3 @ J2 @ J1 has shape (1, 4)" in out and "J1 @ J2 @ J3 fails" in out
    assert "agrees with diff: True" in out
    assert np.array2string(seed_jacobian(seed_f([1.0, 0.0])) @ seed_jacobian([1.0, 0.0])) in out
    assert float(out.split("max |numeric - B A| = ")[1].split()[0]) < 1e-8


def test_shown_blocks_run_alone(tmp_path):
    blocks = shown_blocks(ROOT / "docs" / "chain-rule.md", tmp_path)
    assert len(blocks) >= 5
    assert all("snippets" not in code.split("\n", 3)[0] for code, _ in blocks)


def test_shown_blocks_runs_continuations_after_their_block_and_nothing_else(tmp_path):
    page = tmp_path / "page.md"
    fence = "```"
    page.write_text(
        f'{fence}python\ntotal = 2\nprint(total)\n{fence}\n\n'
        f'{fence}python title="Continued from the block above"\ntotal += 1\nprint(total)\n{fence}\n\n'
        f'{fence}python title="Continued from the block above"\nprint(total * 10)\n{fence}\n',
        encoding="utf-8",
    )
    assert [out for _, out in shown_blocks(page, tmp_path)] == ["2\n", "3\n", "30\n"]
    # a block without the title runs alone, so it cannot use the names of the block above
    page.write_text(f"{fence}python\ntotal = 2\n{fence}\n\n{fence}python\nprint(total)\n{fence}\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="NameError"):
        shown_blocks(page, tmp_path)
    # a continuation with nothing before it to continue is an error
    page.write_text(f'{fence}python title="Continued from above"\nprint(1)\n{fence}\n', encoding="utf-8")
    with pytest.raises(AssertionError, match="no block before it"):
        shown_blocks(page, tmp_path)


def test_path_count_in_a_two_node_layered_graph_doubles_per_layer():
    """The page: an input feeding both nodes of layer 1, two fully connected nodes per layer:
    2^(L-1) paths to each node of layer L. Counted by powers of the adjacency matrix."""
    for L in range(1, 12):
        paths = np.ones((1, 2), dtype=int) @ np.linalg.matrix_power(np.ones((2, 2), dtype=int), L - 1)
        assert paths.tolist() == [[2 ** (L - 1)] * 2]


def test_exercise_shapes_section_prints_the_product_shape():
    code = section_text(ROOT / "snippets" / "chain_rule.py", "exercise-shapes")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "J3 @ J2 @ J1 has shape (1, 784)"

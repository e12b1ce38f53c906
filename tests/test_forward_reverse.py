"""docs/forward-reverse.md: forward mode (dual numbers) and reverse mode (a tape) build the Jacobian.

Every claim of the page is checked on the objects its code makes: the site's AD
(snippets/forward_reverse/autodiff.py, which is also the page's chain of blocks) against SymPy and finite
differences on every example of Parts I and II and on every operator it defines, the pass counts
of the table and the exercises counted while computing, the demos' and exercises' values, and
the dual number by hand (snippets/forward_reverse/dual_by_hand.py) as a function.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.forward_reverse.figures import modes_figure
from snippets.forward_reverse.tables import CountingFunction, counts_table_markdown, pass_counts, site_autodiff
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_jacobian
from tests.conftest import ROOT

ad = site_autodiff()  # the module; importing it also ran the page's chain of examples
PAGE = "forward_reverse"
coord = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


class Sym:
    """A sympy expression that numpy-style code can run on: np.sin(Sym) calls Sym.sin().

    Running an example's own code on Sym inputs gives its exact symbolic form, so the sympy
    Jacobian is of the very function the AD code differentiates (no transcription).
    """

    def __init__(self, e):
        self.e = e

    @staticmethod
    def _e(o):
        return o.e if isinstance(o, Sym) else sp.nsimplify(o) if isinstance(o, float) else o

    def __add__(self, o): return Sym(self.e + Sym._e(o))
    def __radd__(self, o): return Sym(Sym._e(o) + self.e)
    def __sub__(self, o): return Sym(self.e - Sym._e(o))
    def __rsub__(self, o): return Sym(Sym._e(o) - self.e)
    def __mul__(self, o): return Sym(self.e * Sym._e(o))
    def __rmul__(self, o): return Sym(Sym._e(o) * self.e)
    def __truediv__(self, o): return Sym(self.e / Sym._e(o))
    def __rtruediv__(self, o): return Sym(Sym._e(o) / self.e)
    def __pow__(self, k): return Sym(self.e ** Sym._e(k))
    def __neg__(self): return Sym(-self.e)


for _name in ("sin", "cos", "exp", "log", "tanh", "sqrt"):  # named here, not read from ad.RULES
    setattr(Sym, _name, lambda self, fn=getattr(sp, _name): Sym(fn(self.e)))


@functools.cache
def sympy_jacobian(f, n):
    """The exact Jacobian of f (run on symbols) as a numpy function of a point."""
    xs = sp.symbols(f"x0:{n}", real=True)
    out = f([Sym(x) for x in xs])
    out = [out] if isinstance(out, Sym) else list(out)
    F = sp.Matrix([o.e if isinstance(o, Sym) else sp.nsimplify(o) for o in out])
    return sp.lambdify([xs], F.jacobian(xs), "numpy")


# ---- every example of Parts I and II, written as ordinary numpy code ------------------------
W_LAYER = np.array([[0.5, -1.0, 0.25], [1.5, 0.75, -0.5]])
B_LAYER = np.array([0.1, -0.2])
T_ONEHOT = np.array([0.0, 1.0, 0.0, 0.0])
MLP_W1 = np.array([[0.5, -0.3], [0.8, 0.2], [-0.6, 0.9], [0.1, -0.7]])
MLP_W2 = np.array([[0.3, -0.5, 0.2, 0.7], [-0.4, 0.6, 0.1, -0.2], [0.5, 0.1, -0.8, 0.3]])
FIT_T = np.linspace(0.0, 1.0, 6)
FIT_Y = 2.0 * np.exp(-1.5 * FIT_T) + 0.01 * np.sin(7 * FIT_T)


def seed(p):
    x, y = p
    return [x**2 * y, 5 * x + np.sin(y)]


def seed_exercise_g(p):  # docs/jacobian.md, exercise 3: R^3 -> R^2
    x, y, z = p
    return [x * y * z, x + y]


def polar(p):  # Part I: polar to Cartesian coordinates
    r, theta = p
    return [r * np.cos(theta), r * np.sin(theta)]


def explorer_layer(p):  # Part I explorer: tanh(W p + b) with its fixed W, b
    from snippets.shared.explorer import LAYER_B, LAYER_W

    return [np.tanh(LAYER_W[i, 0] * p[0] + LAYER_W[i, 1] * p[1] + LAYER_B[i]) for i in range(2)]


def scalar_x2y(p):  # Part I, rows and columns: g(x, y) = x^2 y, a scalar function
    return p[0] ** 2 * p[1]


def coupling_layer(z):  # Part I, determinant: the affine coupling layer of the page's flow
    z1, z2 = z
    return [z1, z2 * np.exp(0.8 * np.tanh(z1)) + 0.7 * z1**2 - 0.7]


def coupling_inverse(x):  # ... and its inverse
    x1, x2 = x
    return [x1, (x2 - (0.7 * x1**2 - 0.7)) * np.exp(-0.8 * np.tanh(x1))]


def chain_composition(p):  # chain-rule page: g(f(x, y)), g(u, v) = (uv, u - v, v^2)
    u, v = seed(p)
    return [u * v, u - v, v**2]


def softmax(z):
    e = [np.exp(zi) for zi in z]
    total = sum(e)
    return [ei / total for ei in e]


def tanh_layer(x):
    return [np.tanh(sum(W_LAYER[i, j] * x[j] for j in range(3)) + B_LAYER[i]) for i in range(2)]


def softmax_cross_entropy(z):
    s = softmax(z)
    return [-sum(t * np.log(si) for t, si in zip(T_ONEHOT, s))]


def mse(y):
    return [sum((yi - ti) ** 2 for yi, ti in zip(y, T_ONEHOT)) / len(y)]


def mlp_loss_of_input(x):
    h = [np.tanh(sum(MLP_W1[i, j] * x[j] for j in range(2))) for i in range(4)]
    z = [sum(MLP_W2[k, i] * h[i] for i in range(4)) for k in range(3)]
    s = softmax(z)
    return [-np.log(s[1])]


def rosenbrock_gradient(p):  # second-order page: the Jacobian of this is the Hessian
    x, y = p
    return [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)]


def curve_fit_residuals(theta):  # second-order page: r_i = a exp(b t_i) - y_i
    a, b = theta
    return [a * np.exp(b * t) - y for t, y in zip(FIT_T, FIT_Y)]


def x_sin_x(p):  # one input, one output: the dual number by hand's function, R^1 -> R^1
    return p[0] * np.sin(p[0])


def every_operation(p):  # each operator of Dual and Var (reflected ones too) and each primitive
    x, y = p
    return [2.0 / x - (3.0 - y) + np.sqrt(x) * np.cos(y) - 2 * y,
            -(x**1.5) / (1.0 + np.exp(y)) + np.log(x) * np.tanh(y) - np.sin(x) * 0.5,
            x / y**2 - y]


def tall_jacobian(x):
    """By hand: d/dx0 sin(k x0) x1 = k cos(k x0) x1 and d/dx1 = sin(k x0), k = 1..200 (SymPy is slow here)."""
    k = np.arange(1, 201)
    return np.stack([k * np.cos(k * x[0]) * x[1], np.sin(k * x[0])], axis=1)


def wide_jacobian(x):
    """By hand: d/dx_k of sum (k + 1) sin x_k is (k + 1) cos x_k; of sum x_k^2 it is 2 x_k."""
    return np.stack([np.arange(1, x.size + 1) * np.cos(x), 2 * x])


EXACT = {ad.tall: tall_jacobian, ad.wide: wide_jacobian}


def exact_jacobian(f, n):
    """The exact Jacobian of f as a numpy function: by hand for tall and wide, else from SymPy."""
    return EXACT.get(f) or sympy_jacobian(f, n)


EXAMPLES = [
    # (name, f, n, low, high): inputs drawn uniformly in [low, high]
    ("I: seed", seed, 2, -2, 2),
    ("I: seed exercise g(x,y,z)", seed_exercise_g, 3, -2, 2),
    ("I: polar", polar, 2, 0.1, 3),
    ("I: explorer layer", explorer_layer, 2, -2, 2),
    ("I: scalar x^2 y", scalar_x2y, 2, -2, 2),
    ("I: coupling layer", coupling_layer, 2, -2, 2),
    ("I: coupling inverse", coupling_inverse, 2, -2, 2),
    ("II: chain composition", chain_composition, 2, -1.5, 1.5),
    ("II: softmax", softmax, 4, -3, 3),
    ("II: tanh layer", tanh_layer, 3, -2, 2),
    ("II: softmax cross-entropy", softmax_cross_entropy, 4, -3, 3),
    ("II: mean squared error", mse, 4, -2, 2),
    ("II: MLP loss of input", mlp_loss_of_input, 2, -2, 2),
    ("II: Rosenbrock gradient", rosenbrock_gradient, 2, -1.5, 1.5),
    ("II: curve-fit residuals", curve_fit_residuals, 2, -2, 2),
    ("II: tall", ad.tall, 2, -1, 1),
    ("II: wide", ad.wide, 200, -1, 1),
    ("every operation and primitive", every_operation, 2, 0.5, 2),
    ("x sin x, one input", x_sin_x, 1, -3, 3),
]


@pytest.mark.parametrize(("name", "f", "n", "low", "high"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_both_modes_agree_with_sympy_and_finite_differences(name, f, n, low, high):
    exact = exact_jacobian(f, n)
    rng = np.random.default_rng(sum(map(ord, name)))
    for x in rng.uniform(low, high, size=(4 if n < 10 else 2, n)):
        J = np.asarray(exact(x), dtype=float)
        # AD is exact up to rounding: both modes match sympy to ~1e-12 relative.
        np.testing.assert_allclose(ad.jacobian_forward(f, x), J, rtol=1e-10, atol=1e-10, err_msg=f"{name}: forward")
        np.testing.assert_allclose(ad.jacobian_reverse(f, x), J, rtol=1e-10, atol=1e-10, err_msg=f"{name}: reverse")
        # Central differences: error ~ h^2 |f'''| + eps |f| / h ~ 1e-9 on these domains; 1e-6
        # relative to (1 + |J|) leaves a margin and still catches any wrong entry.
        numeric = numerical_jacobian(f, x, method="central")
        assert np.all(np.abs(numeric - J) <= 1e-6 * (1 + np.abs(J))), name


def test_part_one_examples_are_the_ones_in_part_one(example):
    """The generic rewrites above compute what Part I's own code computes."""
    from snippets.shared.explorer import explorer_f

    flow = example("determinant", "flow")  # the coupling layer the determinant page shows
    for p in np.random.default_rng(5).uniform(-2, 2, size=(10, 2)):
        np.testing.assert_allclose(coupling_layer(p), flow["forward"](p), rtol=1e-14)
        np.testing.assert_allclose(coupling_inverse(p), flow["inverse"](p), rtol=1e-14)
        np.testing.assert_allclose(explorer_layer(p), explorer_f("layer", p), rtol=1e-14)
        np.testing.assert_allclose(polar(p), explorer_f("polar", p), rtol=1e-14)
        np.testing.assert_allclose(seed(p), explorer_f("seed", p), rtol=1e-14)


# ---- the two modes as functions ---------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(coord, coord)
def test_both_modes_equal_the_seed_jacobian_everywhere(px, py):
    p = np.array([px, py])
    np.testing.assert_allclose(ad.jacobian_forward(seed, p), seed_jacobian(p), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ad.jacobian_reverse(seed, p), seed_jacobian(p), rtol=1e-13, atol=1e-13)


@settings(max_examples=60, deadline=None)
@given(st.lists(coord, min_size=3, max_size=3), st.lists(coord, min_size=2, max_size=2),
       st.lists(coord, min_size=3, max_size=3))
def test_vjp_is_u_transpose_j_and_jvp_is_j_v(x, u, v):
    """Against SymPy for general u and v; and u . (J v) = (u^T J) . v: both see the same matrix."""
    J = np.asarray(sympy_jacobian(tanh_layer, 3)(np.array(x)), float)
    value_f, Jv = ad.jvp(tanh_layer, x, v)
    value_r, uJ = ad.vjp(tanh_layer, x, u)
    np.testing.assert_allclose(Jv, J @ np.array(v), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(uJ, np.array(u) @ J, rtol=1e-12, atol=1e-12)
    assert np.isclose(np.dot(u, Jv), np.dot(uJ, v), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(value_f, tanh_layer(x), rtol=1e-15)
    np.testing.assert_allclose(value_r, tanh_layer(x), rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.lists(coord, min_size=2, max_size=2), st.lists(coord, min_size=2, max_size=2),
       st.lists(coord, min_size=2, max_size=2), coord, coord)
def test_jvp_is_linear_in_the_tangent(x, v, w, a, b):
    lhs = ad.jvp(seed, x, a * np.array(v) + b * np.array(w))[1]
    rhs = a * ad.jvp(seed, x, v)[1] + b * ad.jvp(seed, x, w)[1]
    np.testing.assert_allclose(lhs, rhs, rtol=1e-12, atol=1e-10)


def test_values_are_returned_unchanged():
    p = np.array([1.0, 2.0])
    np.testing.assert_allclose(ad.jvp(seed, p, [0.0, 1.0])[0], seed(p))
    np.testing.assert_allclose(ad.vjp(seed, p, [0.0, 1.0])[0], seed(p))


def test_constant_outputs_have_zero_derivative():
    f = lambda p: [p[0] * p[1], 3.0]  # noqa: E731
    np.testing.assert_array_equal(ad.jacobian_forward(f, [1.0, 2.0])[1], [0.0, 0.0])
    np.testing.assert_array_equal(ad.jacobian_reverse(f, [1.0, 2.0])[1], [0.0, 0.0])


def test_a_scalar_output_is_one_row():
    J = ad.jacobian_reverse(scalar_x2y, [1.0, 2.0])
    np.testing.assert_array_equal(J, [[4.0, 1.0]])
    np.testing.assert_array_equal(ad.jacobian_forward(scalar_x2y, [1.0, 2.0]), J)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: ad.jvp(3, [1.0], [1.0]), TypeError, "f must be callable"),
        (lambda: ad.jacobian_forward(seed, [[1.0, 2.0]]), ValueError, "x must be a non-empty 1-D"),
        (lambda: ad.jacobian_reverse(seed, []), ValueError, "x must be a non-empty 1-D"),
        (lambda: ad.jvp(seed, [np.nan, 1.0], [1.0, 0.0]), ValueError, "x must be finite"),
        (lambda: ad.vjp(seed, [1.0, np.inf], [1.0, 0.0]), ValueError, "x must be finite"),
        (lambda: ad.vjp(seed, "12", [1.0]), TypeError, "x must be an array of numbers, got str"),
        (lambda: ad.jvp(seed, ["a", "b"], [1.0, 0.0]), TypeError, "x must be an array of numbers"),
        (lambda: ad.jvp(seed, [1.0, 2.0], [1.0]), ValueError, "tangent v has shape"),
        (lambda: ad.jvp(seed, [1.0, 2.0], [np.inf, 0.0]), ValueError, "tangent v must be finite"),
        (lambda: ad.vjp(seed, [1.0, 2.0], [1.0, 0.0, 0.0]), ValueError, "cotangent u has shape .* 2 outputs"),
        (lambda: ad.vjp(seed, [1.0, 2.0], [np.nan, 0.0]), ValueError, "cotangent u must be finite"),
        (lambda: ad.jvp(lambda p: [[p[0]]], [1.0], [1.0]), ValueError, "f must return a scalar or a non-empty 1-D"),
        (lambda: CountingFunction(None), TypeError, "f must be callable"),
        (lambda: pass_counts(seed, [1.0, np.nan]), ValueError, "x must be finite"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_list_behaves_like_an_array():
    np.testing.assert_array_equal(ad.jacobian_forward(seed, [1.0, 2.0]), ad.jacobian_forward(seed, np.array([1.0, 2.0])))
    np.testing.assert_array_equal(ad.vjp(seed, (1.0, 2.0), [1.0, 1.0])[1], ad.vjp(seed, np.array([1.0, 2.0]), np.ones(2))[1])


# ---- the page's blocks, by value ----------------------------------------------------------------


def test_dual_by_hand_gives_the_derivative_of_x_sin_x_at_2(example):
    ns = example(PAGE, "dual_by_hand")
    assert ns["y"].value == pytest.approx(2 * np.sin(2), rel=1e-15)
    assert ns["y"].tangent == pytest.approx(np.sin(2) + 2 * np.cos(2), rel=1e-14)
    assert (ns["x"].value, ns["x"].tangent) == (2.0, 1.0)


@settings(max_examples=40, deadline=None)
@given(coord, coord, coord, coord)
def test_tiny_dual_follows_the_product_and_chain_rules(example, a, b, c, d):
    TinyDual = example(PAGE, "dual_by_hand")["TinyDual"]
    t = sp.Symbol("t")
    # Both factors move along t with slopes b and d: the eps part is d/dt of the result at t = 0.
    product = TinyDual(a, b) * TinyDual(c, d)
    exact = sp.diff((a + b * t) * (c + d * t), t).subs(t, 0)
    assert product.value == pytest.approx(a * c, rel=1e-15, abs=1e-15)
    assert product.tangent == pytest.approx(float(exact), rel=1e-12, abs=1e-12)
    sine = np.sin(TinyDual(a, b))
    assert sine.value == pytest.approx(np.sin(a), abs=1e-15)
    assert sine.tangent == pytest.approx(float(sp.diff(sp.sin(a + b * t), t).subs(t, 0)), rel=1e-12, abs=1e-12)


def test_forward_and_reverse_demos_give_the_hand_computed_matrix():
    np.testing.assert_array_equal(ad.p, [1.0, 2.0])
    for q in np.random.default_rng(3).uniform(-2, 2, size=(5, 2)):
        np.testing.assert_allclose(ad.f(q), seed_f(q), rtol=1e-15)
    by_hand = np.array([[4.0, 1.0], [5.0, np.cos(2.0)]])
    np.testing.assert_allclose(seed_jacobian([1.0, 2.0]), by_hand, rtol=1e-15)
    np.testing.assert_allclose(ad.jacobian_forward(ad.f, ad.p), by_hand, rtol=1e-15)
    np.testing.assert_allclose(ad.jacobian_reverse(ad.f, ad.p), by_hand, rtol=1e-15)


def test_tape_of_x2y_has_the_four_nodes_the_page_describes():
    # inputs x and y; a = x^2 (parent x, local 2x = 2); a y (parents a and y, locals y = 2, a = 1)
    assert ad.tape == [(), (), ((0, 2.0),), ((2, 2.0), (1, 1.0))]
    assert [v.value for v in ad.inputs] == [1.0, 2.0] and [o.value for o in ad.outputs] == [2.0]
    assert ad.record(lambda p: [p[0] ** 2 * p[1]], [1.0, 2.0])[0] == ad.tape


def test_tall_and_wide_jacobians_at_the_demo_points():
    assert ad.x_tall.shape == (2,) and ad.x_wide.shape == (200,)
    for f, x, shape in [(ad.tall, ad.x_tall, (200, 2)), (ad.wide, ad.x_wide, (2, 200))]:
        J = exact_jacobian(f, x.size)(x)
        assert J.shape == shape
        np.testing.assert_allclose(ad.jacobian_forward(f, x), J, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ad.jacobian_reverse(f, x), J, rtol=1e-12, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12))
def test_pass_counts_are_n_forward_and_m_reverse(n, m):
    def f(x):
        return [np.sin(sum(x[j] * (i + j + 1) for j in range(n))) for i in range(m)]

    c = pass_counts(f, np.linspace(0.1, 0.9, n))
    assert (c["m"], c["n"]) == (m, n)
    assert c["forward_passes"] == n
    assert c["reverse_sweeps"] == m
    assert c["reverse_recordings"] == 1


def test_counts_table_on_the_page():
    table = counts_table_markdown()
    assert table.splitlines()[:2] == [
        "| function | shape of J (m x n) | forward passes (JVPs) | reverse sweeps (VJPs) |",
        "| --- | --- | --- | --- |",
    ]
    assert table.splitlines()[2:] == [
        "| `tall`, $m \\gg n$ | $200 \\times 2$ | 2 | 200 (after 1 recording) |",
        "| `wide`, $n \\gg m$ | $2 \\times 200$ | 200 | 2 (after 1 recording) |",
    ]


def test_modes_figure_shades_one_column_and_one_row():
    import matplotlib.pyplot as plt

    fig = modes_figure()
    assert len(fig.axes) == 2 and all(len(ax.patches) == 24 for ax in fig.axes)
    shaded = [sorted(p.get_xy() for p in ax.patches if p.get_facecolor()[3] > 0) for ax in fig.axes]
    assert shaded[0] == [(1, i) for i in range(6)]  # forward: column 1, all 6 rows
    assert shaded[1] == [(j, 3) for j in range(4)]  # reverse: row 2 (drawn at height 6 - 1 - 2)
    for ax in fig.axes:  # the whole grid is in view, the note below it, centred
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x0 < 0 and x1 > 4 and y0 < 0 and y1 > 6
        (note,) = [t for t in ax.texts if t.get_text().startswith("m = 6 rows")]
        nx, ny = note.get_position()
        assert nx == 2 and y0 < ny < 0
    plt.close(fig)


# ---- exercises ---------------------------------------------------------------------------------


def test_exercise_gradient_is_one_reverse_sweep():
    w = sp.symbols("w0:5")
    L = sum((wi - i) ** 2 for i, wi in enumerate(w))
    grad_at_0 = [sp.diff(L, wi).subs({wj: 0 for wj in w}) for wi in w]
    assert grad_at_0 == [0, -2, -4, -6, -8]
    np.testing.assert_array_equal(ad.w, np.zeros(5))
    np.testing.assert_array_equal(ad.value, [30.0])
    np.testing.assert_array_equal(ad.grad, [float(g) for g in grad_at_0])
    exact = sp.lambdify([w], [sp.diff(L, wi) for wi in w], "numpy")
    for q in np.random.default_rng(4).uniform(-3, 3, size=(5, 5)):  # the shown loss, elsewhere
        np.testing.assert_allclose(ad.vjp(ad.loss, q, [1.0])[1], exact(q), rtol=1e-13, atol=1e-13)
        assert ad.loss(q) == pytest.approx(float(L.subs(dict(zip(w, q)))), rel=1e-12)


def test_exercise_direction_is_one_forward_pass():
    np.testing.assert_array_equal(ad.p, [1.0, 2.0])
    np.testing.assert_array_equal(ad.v, [1.0, 1.0])
    value, Jv = ad.jvp(ad.f, ad.p, ad.v)
    np.testing.assert_allclose(Jv, [5.0, 5.0 + np.cos(2.0)], rtol=1e-15)
    np.testing.assert_allclose(value, seed_f([1.0, 2.0]), rtol=1e-15)


def test_exercise_passes_counts_300_forward_and_3_reverse():
    x = ad.x
    assert x.shape == (300,)
    assert ad.forward_passes == 300  # one per input
    assert ad.evaluations == 1  # reverse mode: one recorded pass
    assert ad.J_rev.shape == (3, 300)  # ... and one sweep per row
    # d/dx_j of output k = sum over x[k::3] of (k + 1) sin(x_i) is (k + 1) cos(x_j) when j % 3 == k.
    exact = np.zeros((3, 300))
    for k in range(3):
        exact[k, k::3] = (k + 1) * np.cos(x[k::3])
    np.testing.assert_allclose(ad.J_fwd, exact, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ad.J_rev, exact, rtol=1e-13, atol=1e-13)


# ---- the page shows the AD once, as a chain -----------------------------------------------------


def test_page_shows_every_section_of_the_ad_once_in_file_order():
    """The chain file is covered by its sections, and the page includes each once, in order."""
    text = (ROOT / "docs" / "forward-reverse.md").read_text(encoding="utf-8")
    source = (ROOT / "snippets" / "forward_reverse" / "autodiff.py").read_text(encoding="utf-8")
    sections = re.findall(r"^# --8<-- \[start:([-a-z]+)\]$", source, re.M)
    assert sections[:3] == ["forward", "reverse", "tall-wide"] and len(sections) == 6
    outside = re.sub(r"^# --8<-- \[start:([-a-z]+)\]\n.*?^# --8<-- \[end:\1\]\n", "", source, flags=re.M | re.S)
    assert outside.strip() == ""
    included = re.findall(r'--8<-- "snippets/forward_reverse/autodiff\.py:([-a-z]+)"', text)
    assert included == sections
    assert text.count('title="Continued from the block above"') == 5
    assert "grad can be implicitly created only for scalar outputs" in text

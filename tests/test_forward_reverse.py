"""docs/forward-reverse.md: forward mode (dual numbers) and reverse mode (a tape) build the Jacobian.

Every claim of the page is checked on the objects its code makes: the site's AD
(snippets/forward_reverse/autodiff.py, which is also the page's chain of blocks) against SymPy and finite
differences on every example of Parts I and II and on every operator it defines (powers with a
varying exponent, x**0 at 0 and the errors included), the tape's creation order being topological,
what each mode stores, the `=` instead of `+=` bug, the pass counts of the table counted while
computing, the demos' and exercises' values, and the dual number by hand
(snippets/forward_reverse/dual_by_hand.py) as a function.
"""

from __future__ import annotations

import functools
import operator
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.forward_reverse.figures import modes_figure
from snippets.forward_reverse.tables import CountingFunction, counts_table_markdown, pass_counts, site_autodiff
from snippets.shared.explorer import LAYER_B, LAYER_W, explorer_f
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_jacobian
from tests.conftest import ROOT

ad = site_autodiff()  # the module; importing it also ran the page's chain of examples
PAGE = "forward_reverse"
coord = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


class Sym:
    """A SymPy expression numpy-style code runs on (np.sin(Sym) calls Sym.sin()): the exact form AD differentiates."""

    def __init__(self, e): self.e = e
    def __neg__(self): return Sym(-self.e)
    of = staticmethod(lambda o: o.e if isinstance(o, Sym) else sp.nsimplify(o) if isinstance(o, float) else o)


for _op in ("add", "sub", "mul", "truediv", "pow"):  # each operator, and its reflected form
    setattr(Sym, f"__{_op}__", lambda s, o, op=getattr(operator, _op): Sym(op(s.e, Sym.of(o))))
    setattr(Sym, f"__r{_op}__", lambda s, o, op=getattr(operator, _op): Sym(op(Sym.of(o), s.e)))
for _name in ("sin", "cos", "exp", "log", "tanh", "sqrt"):  # named here, not read from ad.RULES
    setattr(Sym, _name, lambda self, fn=getattr(sp, _name): Sym(fn(self.e)))


@functools.cache
def sympy_jacobian(f, n):
    """The exact Jacobian of f (run on symbols) as a numpy function of a point."""
    xs = sp.symbols(f"x0:{n}", real=True)
    out = f([Sym(x) for x in xs])
    return sp.lambdify([xs], sp.Matrix([Sym.of(o) for o in ([out] if isinstance(out, Sym) else out)]).jacobian(xs))


W_LAYER, B_LAYER, T_ONEHOT = np.array([[0.5, -1.0, 0.25], [1.5, 0.75, -0.5]]), np.array([0.1, -0.2]), np.eye(4)[1]
MLP_W1 = np.array([[0.5, -0.3], [0.8, 0.2], [-0.6, 0.9], [0.1, -0.7]])
MLP_W2 = np.array([[0.3, -0.5, 0.2, 0.7], [-0.4, 0.6, 0.1, -0.2], [0.5, 0.1, -0.8, 0.3]])
FIT_T = np.linspace(0.0, 1.0, 6)
FIT_Y = 2.0 * np.exp(-1.5 * FIT_T) + 0.01 * np.sin(7 * FIT_T)


def softmax(z):
    e = [np.exp(zi) for zi in z]
    return [ei / sum(e) for ei in e]


EXAMPLES = {  # every example of Parts I and II as ordinary numpy code: (f, n, low, high), x uniform in [low, high]
    "I: seed": (lambda p: [p[0] ** 2 * p[1], 5 * p[0] + np.sin(p[1])], 2, -2, 2),
    "I: seed exercise g(x,y,z)": (lambda p: [p[0] * p[1] * p[2], p[0] + p[1]], 3, -2, 2),
    "I: polar": (lambda p: [p[0] * np.cos(p[1]), p[0] * np.sin(p[1])], 2, 0.1, 3),
    "I: explorer layer": (lambda p: [np.tanh(LAYER_W[i] @ p + LAYER_B[i]) for i in range(2)], 2, -2, 2),
    "I: scalar x^2 y": (lambda p: p[0] ** 2 * p[1], 2, -2, 2),  # rows and columns: a scalar function
    "I: coupling layer": (lambda z: [z[0], z[1] * np.exp(0.8 * np.tanh(z[0])) + 0.7 * z[0] ** 2 - 0.7], 2, -2, 2),
    "I: coupling inverse": (lambda x: [x[0], (x[1] - (0.7 * x[0] ** 2 - 0.7)) * np.exp(-0.8 * np.tanh(x[0]))],
                            2, -2, 2),
    "II: chain composition": (lambda p: (lambda u, v: [u * v, u - v, v**2])(*EXAMPLES["I: seed"][0](p)), 2, -1.5, 1.5),
    "II: softmax": (softmax, 4, -3, 3),
    "II: tanh layer": (lambda x: [np.tanh(sum(W_LAYER[i, j] * x[j] for j in range(3)) + B_LAYER[i]) for i in range(2)],
                       3, -2, 2),
    "II: softmax cross-entropy": (lambda z: [-sum(t * np.log(s) for t, s in zip(T_ONEHOT, softmax(z)))], 4, -3, 3),
    "II: mean squared error": (lambda y: [sum((yi - ti) ** 2 for yi, ti in zip(y, T_ONEHOT)) / len(y)], 4, -2, 2),
    "II: MLP loss of input": (lambda x: [-np.log(softmax(MLP_W2 @ np.tanh(MLP_W1 @ x))[1])], 2, -2, 2),
    "II: Rosenbrock gradient": (lambda p: [-2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] ** 2), 200 * (p[1] - p[0] ** 2)],
                                2, -1.5, 1.5),  # second-order page: its Jacobian is the Hessian
    "II: curve-fit residuals": (lambda th: [th[0] * np.exp(th[1] * t) - y for t, y in zip(FIT_T, FIT_Y)], 2, -2, 2),
    "II: tall": (ad.tall, 2, -1, 1),
    "II: wide": (ad.wide, 200, -1, 1),
    "every operation and primitive": (lambda p: [  # each operator of Dual and Var (reflected too) and each primitive
        2.0 / p[0] - (3.0 - p[1]) + np.sqrt(p[0]) * np.cos(p[1]) - 2 * p[1],
        -(p[0] ** 1.5) / (1.0 + np.exp(p[1])) + np.log(p[0]) * np.tanh(p[1]) - np.sin(p[0]) * 0.5,
        p[0] / p[1] ** 2 - p[1]], 2, 0.5, 2),
    "x sin x, one input": (lambda p: p[0] * np.sin(p[0]), 1, -3, 3),  # the dual number by hand's function
    "powers": (lambda p: [p[0] ** p[1], 2.0 ** p[0], p[1] ** 0, (p[0] * p[1]) ** -1.5, 3 ** (p[1] - p[0]),
                          p[0] ** (2 * p[1]), np.sin(p[0] ** p[1]) * 2.0 ** p[1]], 2, 0.5, 2),  # all kinds of power
}
K = np.arange(1, 201)
# By hand (SymPy is slow here): d/dx0 sin(k x0) x1 = k cos(k x0) x1, d/dx1 = sin(k x0); wide: (k + 1) cos x_k, 2 x_k.
EXACT = {ad.tall: lambda x: np.stack([K * np.cos(K * x[0]) * x[1], np.sin(K * x[0])], axis=1),
         ad.wide: lambda x: np.stack([K[:x.size] * np.cos(x), 2 * x])}


@pytest.mark.parametrize("name", EXAMPLES)
def test_both_modes_agree_with_sympy_and_finite_differences(name):
    f, n, low, high = EXAMPLES[name]
    for x in np.random.default_rng(sum(map(ord, name))).uniform(low, high, size=(4 if n < 10 else 2, n)):
        J = np.asarray((EXACT.get(f) or sympy_jacobian(f, n))(x), dtype=float)
        # AD is exact up to rounding: both modes match sympy to ~1e-12 relative.
        np.testing.assert_allclose(ad.jacobian_forward(f, x), J, rtol=1e-10, atol=1e-10, err_msg=f"{name}: forward")
        np.testing.assert_allclose(ad.jacobian_reverse(f, x), J, rtol=1e-10, atol=1e-10, err_msg=f"{name}: reverse")
        # Central differences: error ~ h^2 |f'''| + eps |f| / h ~ 1e-9 here; 1e-6 of (1 + |J|) still catches any slip.
        assert np.all(np.abs(numerical_jacobian(f, x) - J) <= 1e-6 * (1 + np.abs(J))), name
        # Creation order is topological: every node's parents were appended before it.
        assert all(parent < node for node, parents in enumerate(ad.record(f, x)[0]) for parent, _ in parents), name


@settings(max_examples=60, deadline=None)
@given(st.lists(coord, min_size=3, max_size=3), st.lists(coord, min_size=2, max_size=2),
       st.lists(coord, min_size=3, max_size=3))
def test_part_one_rewrites_both_modes_everywhere_and_vjp_is_u_transpose_j_and_jvp_is_j_v(example, x, u, v):
    p, flow = np.array(x[:2]), example("determinant", "flow")  # flow: the coupling layer the determinant page shows
    np.testing.assert_allclose(ad.f(p), seed_f(p), rtol=1e-15)  # the page's f is the seed
    # The rewrites in EXAMPLES compute what Part I's own code computes.
    for name, shown in [("I: coupling layer", flow["forward"]), ("I: coupling inverse", flow["inverse"]),
                        ("I: explorer layer", functools.partial(explorer_f, "layer")), ("I: seed", seed_f),
                        ("I: polar", functools.partial(explorer_f, "polar"))]:
        np.testing.assert_allclose(EXAMPLES[name][0](p), shown(p), rtol=1e-14, atol=1e-15, err_msg=name)
    np.testing.assert_allclose(ad.jacobian_forward(ad.f, p), seed_jacobian(p), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ad.jacobian_reverse(ad.f, p), seed_jacobian(p), rtol=1e-13, atol=1e-13)
    layer = EXAMPLES["II: tanh layer"][0]
    J = np.asarray(sympy_jacobian(layer, 3)(np.array(x)), float)
    (value_f, Jv), (value_r, uJ) = ad.jvp(layer, x, v), ad.vjp(layer, x, u)
    np.testing.assert_allclose(Jv, J @ np.array(v), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(uJ, np.array(u) @ J, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose([value_f, value_r], [layer(x)] * 2, rtol=1e-15)  # values returned unchanged


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: ad.jvp(3, [1.0], [1.0]), TypeError, "f must be callable"),
    (lambda: ad.jacobian_forward(ad.f, [[1.0, 2.0]]), ValueError, "x must be a non-empty 1-D"),
    (lambda: ad.jacobian_reverse(ad.f, []), ValueError, "x must be a non-empty 1-D"),
    (lambda: ad.jvp(ad.f, [np.nan, 1.0], [1.0, 0.0]), ValueError, "x must be finite"),
    (lambda: ad.vjp(ad.f, "12", [1.0]), TypeError, "x must be an array of numbers, got str"),
    (lambda: ad.jvp(ad.f, ["a", "b"], [1.0, 0.0]), TypeError, "x must be an array of numbers"),
    (lambda: ad.jvp(ad.f, [1.0, 2.0], [1.0]), ValueError, "tangent v has shape"),
    (lambda: ad.jvp(ad.f, [1.0, 2.0], [np.inf, 0.0]), ValueError, "tangent v must be finite"),
    (lambda: ad.vjp(ad.f, [1.0, 2.0], [1.0, 0.0, 0.0]), ValueError, "cotangent u has shape .* 2 outputs"),
    (lambda: ad.vjp(ad.f, [1.0, 2.0], [np.nan, 0.0]), ValueError, "cotangent u must be finite"),
    (lambda: ad.jvp(lambda p: [[p[0]]], [1.0], [1.0]), ValueError, "f must return a scalar or a non-empty 1-D"),
    (lambda: CountingFunction(None), TypeError, "f must be callable"),
    (lambda: pass_counts(ad.f, [1.0, np.nan]), ValueError, "x must be finite"),
    (lambda: ad.vjp(lambda p: p[0] ** p[1], [-1.0, 2.0], [1.0]), ValueError, "varying exponent y needs a base x > 0"),
    (lambda: ad.jvp(lambda p: p[0] ** p[1], [0.0, 2.0], [0.0, 1.0]), ValueError, "needs a base x > 0, got x = 0.0"),
    (lambda: ad.jvp(lambda p: p[0] ** 0.5, [0.0], [1.0]), ZeroDivisionError, "negative power"),  # infinite slope
    (lambda: ad.vjp(lambda p: p[0] ** 0.5, [0.0], [1.0]), ZeroDivisionError, "negative power"),
])
def test_bad_input_is_rejected_with_a_message_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


@settings(max_examples=40, deadline=None)
@given(coord, coord, coord, coord)
def test_dual_by_hand_follows_the_product_and_chain_rules_and_gives_x_sin_x_at_2(example, a, b, c, d):
    ns = example(PAGE, "dual_by_hand")
    assert (ns["x"].value, ns["x"].tangent) == (2.0, 1.0)
    assert (ns["y"].value, ns["y"].tangent) == pytest.approx((2 * np.sin(2), np.sin(2) + 2 * np.cos(2)), rel=1e-14)
    # The page's rules: (a + b eps)(c + d eps) = ac + (bc + ad) eps and sin(a + b eps) = sin a + (cos a) b eps.
    product, sine = ns["TinyDual"](a, b) * ns["TinyDual"](c, d), np.sin(ns["TinyDual"](a, b))
    assert (product.value, product.tangent) == pytest.approx((a * c, b * c + a * d), rel=1e-15, abs=1e-15)
    assert (sine.value, sine.tangent) == pytest.approx((np.sin(a), np.cos(a) * b), rel=1e-15, abs=1e-15)


def test_demos_tape_tall_and_wide_and_the_counts_table_of_parts_i_and_ii():
    np.testing.assert_array_equal(np.stack([ad.p, ad.v]), [[1.0, 2.0], [1.0, 1.0]])  # v: exercise 2
    by_hand = np.array([[4.0, 1.0], [5.0, np.cos(2.0)]])
    np.testing.assert_allclose(seed_jacobian([1.0, 2.0]), by_hand, rtol=1e-15)
    np.testing.assert_allclose(ad.jacobian_forward(ad.f, ad.p), by_hand, rtol=1e-15)
    np.testing.assert_allclose(ad.jacobian_reverse(ad.f, ad.p), by_hand, rtol=1e-15)
    # inputs x and y; a = x^2 (parent x, local 2x = 2); a y (parents a and y, locals y = 2, a = 1)
    assert ad.tape == [(), (), ((0, 2.0),), ((2, 2.0), (1, 1.0))]
    assert [v.value for v in ad.inputs] == [1.0, 2.0] and [o.value for o in ad.outputs] == [2.0]
    assert ad.record(lambda p: [p[0] ** 2 * p[1]], [1.0, 2.0])[0] == ad.tape
    for jacobian in (ad.jacobian_forward, ad.jacobian_reverse):  # x^2 y, a scalar output: one row; lists work
        np.testing.assert_array_equal(jacobian(EXAMPLES["I: scalar x^2 y"][0], [1.0, 2.0]), [[4.0, 1.0]])
        np.testing.assert_array_equal(jacobian(lambda p: [p[0] * p[1], 3.0], (1.0, 2.0))[1], [0.0, 0.0])  # constant
    # Tall and wide: shapes at the demo points, and the table of pass counts.
    for f, x, shape in [(ad.tall, ad.x_tall, (200, 2)), (ad.wide, ad.x_wide, (2, 200))]:
        assert (J := EXACT[f](x)).shape == shape
        np.testing.assert_allclose(ad.jacobian_forward(f, x), J, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ad.jacobian_reverse(f, x), J, rtol=1e-12, atol=1e-12)
    assert counts_table_markdown().splitlines() == [
        "| function | shape of J (m x n) | forward passes (JVPs) | reverse sweeps (VJPs) |",
        "| --- | --- | --- | --- |",
        "| `tall`, $m \\gg n$ | $200 \\times 2$ | 2 | 200 (after 1 recording) |",
        "| `wide`, $n \\gg m$ | $2 \\times 200$ | 200 | 2 (after 1 recording) |",
    ]


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12))
def test_pass_counts_are_n_forward_and_m_reverse(n, m):
    c = pass_counts(lambda x: [np.sin(sum(x[j] * (i + j + 1) for j in range(n))) for i in range(m)],
                    np.linspace(0.1, 0.9, n))
    assert (c["m"], c["n"], c["forward_passes"], c["reverse_sweeps"], c["reverse_recordings"]) == (m, n, n, m, 1)


def test_powers_x_to_the_0_at_0_what_each_mode_stores_and_the_overwrite_bug():
    for jacobian in (ad.jacobian_forward, ad.jacobian_reverse):  # slopes at 0 of x**0, x**1, x**2, 5**(0 x)
        np.testing.assert_array_equal(jacobian(lambda p: [p[0] ** 0, p[0] ** 1, p[0] ** 2, 5.0 ** (p[0] * 0)], [0.0]),
                                      [[0.0], [1.0], [0.0], [0.0]])
    # A negative base with a constant exponent works; forward mode needs log x only if the exponent moves.
    np.testing.assert_allclose(ad.jvp(lambda p: p[0] ** p[1], [-1.0, 2.0], [1.0, 0.0]), [[1.0], [-2.0]])
    np.testing.assert_allclose(ad.jacobian_reverse(lambda p: p[0] ** 3, [-2.0]), [[12.0]])
    # Forward mode stores a value and its tangent, nothing else; the tape grows with every operation.
    assert vars(ad.Dual(1.0, 2.0)) == {"value": 1.0, "tangent": 2.0}
    for L in (1, 10, 100):
        tape = ad.record(lambda p: [functools.reduce(lambda z, _: np.sin(z), range(L), p[0])], [0.5])[0]
        assert len(tape) == L + 1
    # How operations route the adjoint: + passes it unchanged to both parents, * each parent the other factor.
    assert ad.record(lambda p: [p[0] + p[1], p[0] * p[1]], [2.0, 5.0])[0][2:] == [((0, 1.0), (1, 1.0)),
                                                                                  ((0, 5.0), (1, 2.0))]
    # The bug box: x * x lists x twice; += gives 2x = 6, = keeps one path and gives x = 3.
    assert ad.tape_xx == [(), ((0, 3.0), (0, 3.0))] and ad.adjoint_bad[0] == 3.0
    assert ad.backward(ad.tape_xx, ad.inputs_xx, ad.outputs_xx, [1.0]).tolist() == [6.0]

    def overwriting_sweep(f, x):  # the bug as a function: "every value used once still comes out right"
        tape, inputs, outputs = ad.record(f, x)
        adjoint = np.zeros(len(tape))
        adjoint[outputs[0].index] = 1.0
        for node in range(len(tape) - 1, -1, -1):
            for parent, local in tape[node]:
                adjoint[parent] = adjoint[node] * local
        return [adjoint[i.index] for i in inputs]

    once = lambda p: [np.sin(p[0]) * p[1] + np.exp(p[2])]  # noqa: E731
    np.testing.assert_allclose(overwriting_sweep(once, [0.3, 2.0, -1.0]), ad.vjp(once, [0.3, 2.0, -1.0], [1.0])[1])
    assert overwriting_sweep(lambda p: [p[0] * p[0]], [3.0]) == [ad.adjoint_bad[0]]


def test_exercises_gradient_in_one_sweep_direction_in_one_pass_and_the_powers():
    w = sp.symbols("w0:5")  # exercise 1: SymPy's gradient is the page's 2 (w - (0, ..., 4)), (0, -2, ..., -8) at 0
    L = sum((wi - i) ** 2 for i, wi in enumerate(w))
    assert [sp.diff(L, wi) for wi in w] == [2 * (wi - i) for i, wi in enumerate(w)]
    assert (ad.w.tolist(), ad.value.tolist(), ad.grad.tolist()) == ([0.0] * 5, [30.0], [0.0, -2.0, -4.0, -6.0, -8.0])
    for q in np.random.default_rng(4).uniform(-3, 3, size=(5, 5)):  # the shown loss, elsewhere
        np.testing.assert_allclose(ad.vjp(ad.loss, q, [1.0])[1], 2 * (q - np.arange(5)), rtol=1e-13, atol=1e-13)
        assert ad.loss(q) == pytest.approx(np.sum((q - np.arange(5)) ** 2), rel=1e-12)
    # Exercise 2: one JVP at (1, 2) with v = (1, 1) gives f(1, 2) and (4 + 1, 5 + cos 2).
    np.testing.assert_allclose(ad.jvp(ad.f, ad.p, ad.v), [seed_f([1.0, 2.0]), [5.0, 5.0 + np.cos(2.0)]], rtol=1e-15)
    # Exercise 3: (x**y, 2**x) at (2, 3): the hand values against SymPy, both modes there and elsewhere; x**0 at 0.
    x, y = sp.symbols("x y", positive=True)
    exact = sp.Matrix([x**y, 2**x]).jacobian([x, y])
    assert exact.subs({x: 2, y: 3}) == sp.Matrix([[12, 8 * sp.log(2)], [4 * sp.log(2), 0]])
    np.testing.assert_array_equal(ad.q, [2.0, 3.0])
    np.testing.assert_allclose(ad.by_hand, np.array(exact.subs({x: 2, y: 3}), float), rtol=1e-15)
    for q in [ad.q, *np.random.default_rng(5).uniform(0.2, 3, size=(4, 2))]:
        for jacobian in (ad.jacobian_forward, ad.jacobian_reverse):
            np.testing.assert_allclose(jacobian(ad.powers, q), np.array(exact.subs({x: q[0], y: q[1]}), float),
                                       rtol=1e-13)
        for mode in (ad.jvp, ad.vjp):  # and the values: x**y and 2**x on both kinds of number
            np.testing.assert_allclose(mode(ad.powers, q, [1.0, 1.0])[0], [q[0] ** q[1], 2 ** q[0]], rtol=1e-14)
    assert ad.slope_at_0.tolist() == [0.0]


def test_page_shows_every_section_of_the_ad_once_in_file_order_and_its_figure():
    """The chain file is covered by its sections, the page includes each once, in order; one column, one row shaded."""
    text = (ROOT / "docs" / "forward-reverse.md").read_text(encoding="utf-8")
    source = (ROOT / "snippets" / "forward_reverse" / "autodiff.py").read_text(encoding="utf-8")
    sections = re.findall(r"^# --8<-- \[start:([-a-z]+)\]$", source, re.M)
    assert sections[:5] == ["checks", "forward", "reverse", "overwrite-bug", "tall-wide"] and len(sections) == 8
    assert not re.sub(r"(?ms)^# --8<-- \[start:([-a-z]+)\]\n.*?^# --8<-- \[end:\1\]\n", "", source).strip()
    assert re.findall(r'--8<-- "snippets/forward_reverse/autodiff\.py:([-a-z]+)"', text) == sections
    assert text.count('title="Continued from the') == len(sections) - 1  # every block after the checks
    assert re.search(r'\?\?\? note .*\n +```python exec="on" .*session="forward-reverse"\n +--8<-- .*:checks"', text)
    assert ad.message == "x must be a non-empty 1-D array, got shape (1, 2)"  # what the folded block prints
    assert "grad can be implicitly created only for scalar outputs" in text
    fig = modes_figure()
    assert len(fig.axes) == 2 and all(len(ax.patches) == 24 for ax in fig.axes)
    shaded = [sorted(p.get_xy() for p in ax.patches if p.get_facecolor()[3] > 0) for ax in fig.axes]
    # forward: column 1, all 6 rows; reverse: row 2 (drawn at height 6 - 1 - 2), all 4 columns
    assert shaded == [[(1, i) for i in range(6)], [(j, 3) for j in range(4)]]
    for ax in fig.axes:  # the whole grid is in view, the note below it, centred
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x0 < 0 and x1 > 4 and y0 < 0 and y1 > 6
        (note,) = [t for t in ax.texts if t.get_text().startswith("m = 6 rows")]
        assert note.get_position()[0] == 2 and y0 < note.get_position()[1] < 0
    plt.close(fig)

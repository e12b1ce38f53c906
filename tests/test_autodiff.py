"""snippets/autodiff.py: forward mode (dual numbers) and reverse mode (tape) agree with sympy and
with finite differences on every example of Parts I and II, and count their passes correctly."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.shared.autodiff import (
    RULES,
    CountingFunction,
    counts_table_markdown,
    jacobian_forward,
    jacobian_reverse,
    jvp,
    modes_figure,
    pass_counts,
    record,
    tall,
    vjp,
    wide,
)
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_jacobian
from tests.conftest import ROOT
from tests.shown_code import shown_blocks


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


for _name in RULES:
    setattr(Sym, _name, lambda self, fn=getattr(sp, _name): Sym(fn(self.e)))


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


def coupling_layer(z):  # Part I, determinant: the affine coupling layer of snippets/determinant.py
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
    ("II: tall", tall, 2, -1, 1),
    ("II: wide", wide, 200, -1, 1),
]


@pytest.mark.parametrize(("name", "f", "n", "low", "high"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_both_modes_agree_with_sympy_and_finite_differences(name, f, n, low, high):
    exact = sympy_jacobian(f, n)
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    for x in rng.uniform(low, high, size=(4 if n < 10 else 2, n)):
        J = np.asarray(exact(x), dtype=float)
        # AD is exact up to rounding: both modes match sympy to ~1e-12 relative.
        np.testing.assert_allclose(jacobian_forward(f, x), J, rtol=1e-10, atol=1e-10, err_msg=f"{name}: forward")
        np.testing.assert_allclose(jacobian_reverse(f, x), J, rtol=1e-10, atol=1e-10, err_msg=f"{name}: reverse")
        # Central differences: error ~ h^2 |f'''| + eps |f| / h ~ 1e-9 on these domains; 1e-6
        # relative to (1 + |J|) leaves a margin and still catches any wrong entry.
        numeric = numerical_jacobian(f, x, method="central")
        assert np.all(np.abs(numeric - J) <= 1e-6 * (1 + np.abs(J))), name


coord = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


def test_part_one_examples_are_the_ones_in_part_one():
    """The generic rewrites above compute what Part I's own functions compute."""
    from snippets.determinant import coupling_forward
    from snippets.determinant import coupling_inverse as part_one_inverse
    from snippets.shared.explorer import explorer_f

    for p in np.random.default_rng(5).uniform(-2, 2, size=(10, 2)):
        np.testing.assert_allclose(coupling_layer(p), coupling_forward(p), rtol=1e-14)
        np.testing.assert_allclose(coupling_inverse(p), part_one_inverse(p), rtol=1e-14)
        np.testing.assert_allclose(explorer_layer(p), explorer_f("layer", p), rtol=1e-14)
        np.testing.assert_allclose(polar(p), explorer_f("polar", p), rtol=1e-14)
        np.testing.assert_allclose(seed(p), explorer_f("seed", p), rtol=1e-14)


@settings(max_examples=100, deadline=None)
@given(coord, coord)
def test_both_modes_equal_the_seed_jacobian_everywhere(px, py):
    p = np.array([px, py])
    np.testing.assert_allclose(jacobian_forward(seed, p), seed_jacobian(p), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(jacobian_reverse(seed, p), seed_jacobian(p), rtol=1e-13, atol=1e-13)


@settings(max_examples=100, deadline=None)
@given(st.lists(coord, min_size=3, max_size=3), st.lists(coord, min_size=2, max_size=2),
       st.lists(coord, min_size=3, max_size=3))
def test_vjp_and_jvp_are_transposes(x, u, v):
    """u . (J v) = (u^T J) . v for every x, u, v: the two modes see the same matrix."""
    Jv = jvp(tanh_layer, x, v)[1]
    uJ = vjp(tanh_layer, x, u)[1]
    assert np.isclose(np.dot(u, Jv), np.dot(uJ, v), rtol=1e-12, atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(coord, min_size=2, max_size=2), st.lists(coord, min_size=2, max_size=2),
       st.lists(coord, min_size=2, max_size=2), coord, coord)
def test_jvp_is_linear_in_the_tangent(x, v, w, a, b):
    lhs = jvp(seed, x, a * np.array(v) + b * np.array(w))[1]
    rhs = a * jvp(seed, x, v)[1] + b * jvp(seed, x, w)[1]
    np.testing.assert_allclose(lhs, rhs, rtol=1e-12, atol=1e-10)


def test_values_are_returned_unchanged():
    p = np.array([1.0, 2.0])
    np.testing.assert_allclose(jvp(seed, p, [0.0, 1.0])[0], seed(p))
    np.testing.assert_allclose(vjp(seed, p, [0.0, 1.0])[0], seed(p))


def test_constant_outputs_have_zero_derivative():
    f = lambda p: [p[0] * p[1], 3.0]  # noqa: E731
    np.testing.assert_array_equal(jacobian_forward(f, [1.0, 2.0])[1], [0.0, 0.0])
    np.testing.assert_array_equal(jacobian_reverse(f, [1.0, 2.0])[1], [0.0, 0.0])


def test_tape_of_x2y_matches_the_page():
    tape, inputs, outputs = record(lambda p: [p[0] ** 2 * p[1]], [1.0, 2.0])
    assert tape == [(), (), ((0, 2.0),), ((2, 2.0), (1, 1.0))]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12))
def test_pass_counts_are_n_forward_and_m_reverse(n, m):
    def f(x):
        return [np.sin(sum(x[j] * (i + j + 1) for j in range(n))) for i in range(m)]

    c = pass_counts(f, np.linspace(0.1, 0.9, n))
    assert (c["m"], c["n"]) == (m, n)
    assert c["forward_passes"] == n
    assert c["reverse_sweeps"] == m
    assert c["reverse_recordings"] == 1


def test_tall_and_wide_counts():
    rng = np.random.default_rng(0)
    t = pass_counts(tall, rng.normal(size=2))
    w = pass_counts(wide, rng.normal(size=200))
    assert (t["m"], t["n"], t["forward_passes"], t["reverse_sweeps"]) == (200, 2, 2, 200)
    assert (w["m"], w["n"], w["forward_passes"], w["reverse_sweeps"]) == (2, 200, 200, 2)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: jvp(3, [1.0], [1.0]), TypeError, "callable"),
        (lambda: vjp("f", [1.0], [1.0]), TypeError, "callable"),
        (lambda: jacobian_forward(seed, [[1.0, 2.0]]), ValueError, "1-D"),
        (lambda: jacobian_reverse(seed, []), ValueError, "non-empty"),
        (lambda: jvp(seed, [np.nan, 1.0], [1.0, 0.0]), ValueError, "finite"),
        (lambda: jvp(seed, [1.0, 2.0], [1.0]), ValueError, "tangent v has shape"),
        (lambda: jvp(seed, [1.0, 2.0], [np.inf, 0.0]), ValueError, "finite"),
        (lambda: vjp(seed, [1.0, 2.0], [1.0, 0.0, 0.0]), ValueError, "2 outputs"),
        (lambda: vjp(seed, "12", [1.0]), TypeError, "str"),
        (lambda: jvp(lambda p: [[p[0]]], [1.0], [1.0]), ValueError, "1-D"),
        (lambda: CountingFunction(None), TypeError, "callable"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_figure_builds():
    import matplotlib.pyplot as plt

    fig = modes_figure()
    assert len(fig.axes) == 2 and all(len(ax.patches) == 24 for ax in fig.axes)
    plt.close(fig)


def test_page_examples_run_and_agree():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.shared.autodiff"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    lines = out.splitlines()
    value_line = next(line for line in lines if line.startswith("value:"))
    deriv_line = next(line for line in lines if line.startswith("derivative:"))
    assert float(value_line.split()[1]) == pytest.approx(float(value_line.split()[-1]), rel=1e-15)
    assert float(deriv_line.split()[1]) == pytest.approx(np.sin(2) + 2 * np.cos(2), rel=1e-14)
    J_text = np.array2string(seed_jacobian([1.0, 2.0]))
    assert f"forward mode, 2 passes:\n {J_text}" in out
    assert f"reverse mode, 1 recording + 2 sweeps:\n {J_text}" in out
    assert "node 3: (parent, local derivative) pairs ((2, 2.0), (1, 1.0))" in out
    grad_line = next(line for line in lines if line.startswith("loss:"))
    assert "[ 0. -2. -4. -6. -8.]" in grad_line.split("expected")[0]
    jv = [line for line in lines if line.startswith("J v by") or line.startswith("J v from")]
    assert jv[0].split(":")[1].split() == jv[1].split(":")[1].split()


def test_counts_table_on_the_page():
    table = counts_table_markdown()
    rows = [r.split("|")[1:-1] for r in table.splitlines()[2:]]
    assert [c.strip() for c in rows[0][1:3]] == ["$200 \\times 2$", "2"] and rows[0][3].strip().startswith("200 ")
    assert [c.strip() for c in rows[1][1:3]] == ["$2 \\times 200$", "200"] and rows[1][3].strip().startswith("2 ")
    assert "m \\gg n" in rows[0][0] and "n \\gg m" in rows[1][0]


def test_shown_blocks_run_alone(tmp_path):
    for code, output in shown_blocks(ROOT / "docs" / "forward-reverse.md", tmp_path):
        assert output is not None, code


def test_exercise_solutions():
    x = sp.symbols("w0:5")
    L = sum((xi - i) ** 2 for i, xi in enumerate(x))
    grad = [sp.diff(L, xi).subs({xj: 0 for xj in x}) for xi in x]
    assert grad == [0, -2, -4, -6, -8]
    np.testing.assert_array_equal(vjp(lambda w: sum((wi - i) ** 2 for i, wi in enumerate(w)), np.zeros(5), [1.0])[1], [float(g) for g in grad])
    np.testing.assert_allclose(jvp(seed, [1.0, 2.0], [1.0, 1.0])[1], [5.0, 5.0 + np.cos(2.0)], rtol=1e-15)
    c = pass_counts(lambda z: [sum(np.sin(zi) * (k + 1) for zi in z[k::3]) for k in range(3)], np.linspace(0, 1, 300))
    assert (c["forward_passes"], c["reverse_sweeps"]) == (300, 3)


# ---- added with the review fixes ---------------------------------------------------------------
def test_tall_wide_demo_and_exercise_passes_on_the_page():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.shared.autodiff"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "tall: J is 200 x 2; forward and reverse mode agree: True" in out
    assert "wide: J is 2 x 200; forward and reverse mode agree: True" in out
    assert "forward mode: 300 passes of the layer" in out
    assert "reverse mode: 1 recorded pass and 3 backward sweeps" in out
    assert "same Jacobian: True (3, 300)" in out


def test_forward_reverse_page_shows_the_autodiff_code_once():
    """The rules, forward and reverse sections are shown once; later blocks continue them."""
    text = (ROOT / "docs" / "forward-reverse.md").read_text(encoding="utf-8")
    for section in ("rules", "forward", "reverse"):
        assert text.count(f'--8<-- "snippets/autodiff.py:{section}"') == 1, section
    assert text.count('title="Continued from the block above"') == 5
    assert "grad can be implicitly created only for scalar outputs" in text

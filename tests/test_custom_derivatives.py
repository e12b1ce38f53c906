"""docs/custom-derivatives.md: custom_jvp, custom_vjp, stop_gradient, the straight-through estimator, checkpointing.

Every claim of the page is checked on the objects its examples make (snippets/custom_derivatives/):
the exact rules (softplus, sinc, checkpointing) against SymPy at high precision, central
differences and the site's own tape (snippets/forward_reverse/autodiff.py); the deliberate
changes (clipping, stop_gradient, straight-through) against the exact Jacobian they replace,
entry by entry; the memory counts of the prose, of the JAX report and of the figure, against
their formulas and against the site's tape; and the exercises.
"""

from __future__ import annotations

import math
import re

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import mpmath
import numpy as np
import pytest
import sympy as sp

from snippets.custom_derivatives.figures import SQUARES, memory_curves, memory_figure, tape_vjp
from snippets.forward_reverse.tables import site_autodiff
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_jacobian
from tests.conftest import ROOT

jax.config.update("jax_enable_x64", True)  # the page's blocks set it too; the comparisons need float64
ad = site_autodiff()
PAGE = "custom_derivatives"
POINTS = np.random.default_rng(7).uniform(-2.0, 2.0, size=(5, 2))
# Central differences (h = 6e-6) on functions with entries of size <= 30: error ~1e-9.
FD_TOL = 1e-6
X = sp.Symbol("x", real=True)


def sympy_sigmoid(x: float) -> float:
    """d/dx log(1 + e^x) = e^x / (1 + e^x), evaluated with 50 digits (no overflow in mpmath)."""
    slope = sp.diff(sp.log(1 + sp.exp(X)), X)
    assert sp.simplify(slope - 1 / (1 + sp.exp(-X))) == 0
    return float(slope.subs(X, sp.Float(x, 50)).evalf(50))


def test_softplus_table_naive_overflows_where_nans_custom_rule_is_exact(example):
    ns = example(PAGE, "softplus")
    assert math.log(np.finfo(float).max) == pytest.approx(709.78, abs=0.01)  # "overflows above 709.8"
    assert math.exp(-40) < np.spacing(40.0) / 2  # "for x > 40, e^-x is below the rounding error of x"
    table = ns["table"]
    assert sorted(table) == [-1000.0, -40.0, 0.0, 40.0, 1000.0]
    (naive_v, naive_s), (where_v, where_s), (custom_v, custom_s) = table[1000.0]
    assert naive_v == np.inf and np.isnan(naive_s) and where_v == 1000.0 and np.isnan(where_s)
    assert (custom_v, custom_s) == (1000.0, 1.0)
    assert table[-40.0][0][0] == 0.0  # the naive value rounds log(1 + 4e-18) to 0
    for x, rows in table.items():
        exact_value = float(mpmath.log1p(mpmath.exp(mpmath.mpf(x))))
        assert rows[2][0] == pytest.approx(exact_value, rel=1e-15)
        assert rows[2][1] == pytest.approx(sympy_sigmoid(x), rel=1e-14, abs=1e-300)
        if abs(x) < 709:  # where nothing overflows, the three agree
            assert rows[0][1] == pytest.approx(rows[2][1], rel=1e-12, abs=1e-30)
    for x in np.linspace(-35, 35, 7):  # the rule in every mode, against SymPy and central differences
        exact = sympy_sigmoid(x)
        _, forward = jax.jvp(ns["softplus"], (x,), (1.0,))
        assert float(jax.grad(ns["softplus"])(x)) == pytest.approx(exact, rel=1e-13)
        assert float(forward) == pytest.approx(exact, rel=1e-13)
        assert float(jax.jacrev(ns["softplus"])(x)) == float(jax.jacfwd(ns["softplus"])(x))
        assert numerical_jacobian(lambda p: [float(ns["softplus"](p[0]))], [x])[0, 0] == pytest.approx(exact, abs=FD_TOL)
        assert float(ns["softplus"](x)) == pytest.approx(float(jax.nn.softplus(x)), rel=1e-14)
    assert ns["softplus"].__class__ is jax.custom_jvp and float(jax.grad(ns["softplus"])(-1000.0)) == 0.0
    # The continued block: the check it prints.
    np.testing.assert_allclose(ns["xs"], np.linspace(-30.0, 30.0, 61), rtol=0, atol=1e-13)  # jnp.linspace rounds its own way
    assert ns["largest"] == float(jnp.max(jnp.abs(ns["reverse"] - ns["central"]))) < 1e-8
    np.testing.assert_array_equal(ns["forward"], ns["reverse"])


def test_clip_gradient_changes_only_the_backward_pass(example):
    ns = example(PAGE, "clip_gradient")
    for p in POINTS * 1.5:
        np.testing.assert_array_equal(ns["f_clipped"](p), ns["f"](p))
        J = seed_jacobian(p)
        np.testing.assert_allclose(jax.jacrev(ns["f_clipped"])(p), np.clip(J, -2, 2), rtol=1e-14)
        np.testing.assert_allclose(numerical_jacobian(ns["f_clipped"], p), J, atol=FD_TOL)  # the true Jacobian
        np.testing.assert_allclose(jax.jacrev(ns["f"])(p), ad.jacobian_reverse(ad.f, p), rtol=1e-14)
    p = np.array([1.0, 2.0])  # the shown point: 4 and 5 become 2, the rest is unchanged
    np.testing.assert_allclose(jax.jacrev(ns["f_clipped"])(p), [[2.0, 1.0], [2.0, np.cos(2.0)]], rtol=1e-15)
    assert isinstance(ns["forward_mode_error"], TypeError)
    with pytest.raises(TypeError, match="forward-mode"):
        jax.jvp(ns["f_clipped"], (jnp.asarray(p),), (jnp.ones(2),))


def test_stop_gradient_removes_one_entry_of_the_jacobian(example):
    ns = example(PAGE, "stop_gradient")
    for p in POINTS:
        J = seed_jacobian(p)
        np.testing.assert_allclose(jax.jacfwd(ns["f"])(p), J, rtol=1e-15)
        stopped = J.copy()
        stopped[0, 1] = 0.0  # d f1 / d y, and nothing else
        np.testing.assert_allclose(jax.jacfwd(ns["f_stopped"])(p), stopped, rtol=1e-15)
        np.testing.assert_allclose(jax.jacrev(ns["f_stopped"])(p), stopped, rtol=1e-15)
        np.testing.assert_allclose(ns["f_stopped"](p), seed_f(p), rtol=1e-15)
        np.testing.assert_allclose(numerical_jacobian(ns["f_stopped"], p), J, atol=FD_TOL)
    np.testing.assert_allclose(ns["J_forward"], [[4.0, 0.0], [5.0, np.cos(2.0)]], rtol=1e-15)


def test_straight_through_has_the_value_of_round_and_the_slope_one(example):
    ns = example(PAGE, "straight_through")
    for w in np.linspace(-3.2, 3.2, 17):
        assert float(ns["round_ste"](w)) == float(np.round(w))
        assert float(jax.grad(ns["round_ste"])(w)) == 1.0 and float(jax.grad(jnp.round)(w)) == 0.0
        assert float(jax.grad(ns["loss_true"])(w)) == 0.0
        assert float(ns["loss_true"](w)) == float(ns["loss_ste"](w)) == (3 * np.round(w) - 6) ** 2
        assert float(jax.grad(ns["loss_ste"])(w)) == 2 * (3 * np.round(w) - 6) * 3  # chain rule with round' := 1
    w, path = 0.0, []  # the shown descent, step by step: w -= 0.02 * 2 (3 round(w) - 6) 3
    for _ in range(6):
        w -= 0.02 * 2 * (3 * np.round(w) - 6) * 3
        path.append(round(w, 2))
    assert ns["path"] == path == [0.72, 1.08, 1.44, 1.8, 1.8, 1.8]
    assert np.round(ns["w"]) == 2 and float(ns["loss_ste"](ns["w"])) == 0.0 and float(ns["loss_true"](0.0)) == 36.0
    # "with the target 7, w never settles, and round(w) keeps jumping between 2 and 3"
    loss_7 = lambda w: (3.0 * ns["round_ste"](w) - 7.0) ** 2  # noqa: E731
    w, rounded = 0.0, []
    for _ in range(60):
        w = w - 0.02 * jax.grad(loss_7)(w)
        rounded.append(float(jnp.round(w)))
    assert set(rounded[20:]) == {2.0, 3.0} and sum(a != b for a, b in zip(rounded[20:], rounded[21:])) >= 10


def test_checkpointing_in_jax_stores_fewer_arrays_and_gives_the_same_gradient(example):
    ns = example(PAGE, "checkpoint_jax")
    layers, every = ns["LAYERS"], ns["EVERY"]
    assert ns["saved_numbers"](ns["loss"], ns["x0"]) == (2 * layers, 4 * layers)  # tanh and 1 - tanh^2 per layer
    segments = layers // every  # the inputs of the segments after the first: the first is x itself
    assert ns["saved_numbers"](ns["loss_checkpointed"], ns["x0"]) == (segments - 1, 2 * (segments - 1))
    tape = example(PAGE, "checkpoint_tape")
    grad_jax = np.asarray(jax.grad(ns["loss_checkpointed"])(ns["x0"]))
    np.testing.assert_array_equal(grad_jax, jax.grad(ns["loss"])(ns["x0"]))
    np.testing.assert_allclose(grad_jax, tape["grad_plain"], rtol=1e-13)  # NumPy tape = JAX
    np.testing.assert_allclose(grad_jax, tape_vjp(ns["x0"], [1.0, 1.0], layers)[0], rtol=1e-13)  # the site's tape
    fd = numerical_jacobian(lambda x: [sum(tape["chain"](list(x), layers))], np.asarray(ns["x0"]))[0]
    np.testing.assert_allclose(grad_jax, fd, atol=FD_TOL)


def test_checkpointing_on_the_tape_counts_of_the_prose_and_the_sites_tape(example):
    ns = example(PAGE, "checkpoint_tape")
    x0, u0 = ns["x0"], ns["u0"]
    assert (ns["peak_plain"], ns["peak_checkpointed"]) == (514, 82) == (2 + 16 * 32, 2 + 16 * 4 + 8 * 2)
    assert ns["ratio"] == 514 / 82 and f"{ns['ratio']:.1f}" == "6.3"
    np.testing.assert_array_equal(ns["grad_plain"], ns["grad_checkpointed"])
    for layers, every in [(32, 4), (12, 3), (6, 6), (5, 1)]:  # the shown tape and the site's: same nodes
        grad, peak, _ = tape_vjp(x0, u0, layers, every)
        assert ns["vjp_checkpointed"](x0, u0, layers=layers, every=every)[1] == peak
        np.testing.assert_allclose(ns["vjp_checkpointed"](x0, u0, layers=layers, every=every)[0], grad, rtol=1e-15)
        tape, inputs, outputs = ns["record"](lambda z: ns["chain"](z, layers), x0)
        site_tape, _, _ = ad.record(lambda z: ns["chain"](z, layers), x0)
        assert len(tape) == len(site_tape) == 2 + 16 * layers  # 16 nodes per layer
        assert [[parent for parent, _ in node] for node in tape] == [[parent for parent, _ in node] for node in site_tape]
    # "Every layer runs twice": count the layer's runs through the file's own globals.
    glob = ns["layer"].__globals__
    shown_layer, runs = glob["layer"], []
    glob["layer"] = lambda x: (runs.append(1), shown_layer(x))[1]
    try:
        ns["vjp_checkpointed"](x0, u0)
        assert len(runs) == 2 * ns["LAYERS"]
        runs.clear()
        ns["vjp_plain"](x0, u0)
        assert len(runs) == ns["LAYERS"]
    finally:
        glob["layer"] = shown_layer
    assert tape_vjp(x0, u0, 32, 4)[2] == 64 and tape_vjp(x0, u0, 32)[2] == 32  # the site's tape, counted too


def test_memory_figure_is_measured_on_the_sites_tape_and_grows_like_l_and_sqrt_l():
    curves = memory_curves()
    assert curves["layers"] == list(SQUARES)
    assert curves["plain"] == [2 + 16 * L for L in SQUARES]  # all L layers on the tape
    assert curves["checkpointed"] == [2 + 18 * math.isqrt(L) for L in SQUARES]  # sqrt(L) layers + sqrt(L) checkpoints
    assert (curves["plain"][-1], curves["checkpointed"][-1]) == (2306, 218)  # the numbers in the alt text
    fig = memory_figure()
    lines = fig.axes[0].get_lines()
    assert [list(line.get_ydata()) for line in lines] == [curves["plain"], curves["checkpointed"]]
    plt.close(fig)
    with pytest.raises(ValueError, match="every must divide layers"):
        tape_vjp([0.5, -1.0], [1.0, 1.0], 10, 3)
    with pytest.raises(ValueError, match="x must have shape"):
        tape_vjp([0.5], [1.0, 1.0], 4)
    with pytest.raises(TypeError, match="layers must be an integer"):
        tape_vjp([0.5, -1.0], [1.0, 1.0], 4.0)


def test_exercises_sinc_clip_by_norm_stop_gradient_and_best_segment(example):
    ns = example(PAGE, "exercise_sinc")
    for x in [-2.0, 0.5, 3.0]:  # the guarded values are sin(x) / x, and 1 at 0
        assert float(ns["sinc_where"](x)) == float(ns["sinc"](x)) == pytest.approx(np.sin(x) / x, rel=1e-15)
    assert float(ns["sinc_where"](0.0)) == float(ns["sinc"](0.0)) == 1.0
    assert np.isnan(float(jax.grad(ns["sinc_where"])(0.0))) and float(jax.grad(ns["sinc"])(0.0)) == 0.0
    slope = sp.diff(sp.sin(X) / X, X)
    assert float(ns["by_hand"]) == pytest.approx(float(slope.subs(X, 2)), rel=1e-15)
    assert sp.limit(slope, X, 0) == 0 and sp.simplify(slope - (X * sp.cos(X) - sp.sin(X)) / X**2) == 0
    for x in [-3.0, -0.5, 1e-3, 0.7, 2.0, 5.0]:
        exact = float(slope.subs(X, x))
        assert float(jax.grad(ns["sinc"])(x)) == pytest.approx(exact, rel=1e-9, abs=1e-12)
        assert float(jax.grad(lambda t: jnp.sinc(t / jnp.pi))(x)) == pytest.approx(exact, rel=1e-9, abs=1e-12)
        assert numerical_jacobian(lambda p: [float(ns["sinc"](p[0]))], [x])[0, 0] == pytest.approx(exact, abs=FD_TOL)

    ns = example(PAGE, "exercise_clip_norm")
    np.testing.assert_allclose(ns["g"], np.array([4.0, 1.0]) / np.sqrt(17), rtol=1e-15)
    np.testing.assert_allclose(ns["by_hand"], np.array([4.0, 1.0]) / np.sqrt(17), rtol=1e-15)
    np.testing.assert_array_equal(ns["clip_norm"](POINTS[0]), POINTS[0])  # the identity on the way forward
    clipped = jax.grad(lambda p: ns["f1"](ns["clip_norm"](p)))
    for p in POINTS:
        true = np.array([2 * p[0] * p[1], p[0] ** 2])
        np.testing.assert_allclose(clipped(p), true / max(1.0, np.linalg.norm(true)), rtol=1e-14)

    ns = example(PAGE, "exercise_stop_gradient")
    assert float(jax.grad(ns["h"])(3.0)) == 3.0 and float(ns["h"](3.0)) == 9.0 and sp.diff(X**2, X).subs(X, 3) == 6

    ns = example(PAGE, "checkpoint_tape")
    assert ns["segment_lengths"] == [1, 2, 4, 8, 16, 32, 64] and ns["formula_agrees"] is True
    assert all(ns["peak_formula"](L, k) == tape_vjp(ns["x0"], ns["u0"], L, k)[1] for L, k in [(64, 4), (12, 3), (9, 9)])
    assert ns["measured"] == {k: 2 + 16 * k + 128 // k for k in ns["segment_lengths"]}
    assert ns["best"] == 98 and [k for k, v in ns["measured"].items() if v == 98] == [2, 4]
    assert ns["vjp_plain"](ns["x0"], ns["u0"], layers=64)[1] == 1026
    k = sp.Symbol("k", positive=True)
    assert sp.solve(sp.diff(2 + 16 * k + 128 / k, k), k) == [2 * sp.sqrt(2)]  # sqrt(8), about 2.8


def test_page_tables_name_real_jax_functions_and_include_every_example():
    text = (ROOT / "docs" / "custom-derivatives.md").read_text(encoding="utf-8")
    for dotted in ["jax.custom_jvp", "jax.custom_vjp", "jax.lax.stop_gradient", "jax.checkpoint"]:
        obj = jax
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part)
        assert f"`{dotted}`" in text and callable(obj)
    shown = set(re.findall(r'--8<-- "snippets/custom_derivatives/(\w+)\.py', text))
    files = {p.stem for p in (ROOT / "snippets" / PAGE).glob("*.py")} - {"__init__", "figures"}
    assert shown == files
    for name in files:  # every shown JAX block switches JAX to float64 itself (it runs alone)
        source = (ROOT / "snippets" / PAGE / f"{name}.py").read_text(encoding="utf-8")
        assert "import jax" not in source or 'jax.config.update("jax_enable_x64", True)' in source

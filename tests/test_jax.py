"""docs/jax.md: JAX's jvp, vjp, linearize, jacfwd, jacrev and vmap compute the Jacobian products of Part II.

Every claim of the page is checked on the objects its examples make (snippets/jax/): each JVP,
VJP and Jacobian against the exact one (SymPy or a formula by hand), central differences, and
the site's own forward and reverse mode (snippets/forward_reverse/autodiff.py, run on NumPy
versions of the same functions); the five-line jacfwd and jacrev against JAX's on several maps;
the per-example gradients, the Jacobian in the parameters and the kernel K = J J^T; the numbers
the prose states; and the timing table, sentence and figure against the recorded benchmark run
(its data, never a timing measured here).
"""

from __future__ import annotations

import re

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp

from snippets.forward_reverse.tables import site_autodiff
from snippets.jax.figures import timing_figure
from snippets.jax.tables import load_results, speedups, timing_sentence, timing_table_markdown
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols
from tests.conftest import ROOT

jax.config.update("jax_enable_x64", True)  # the page's blocks set it too; the comparisons need float64
ad = site_autodiff()
PAGE = "jax"
# AD in float64 is exact up to rounding: 1e-12 relative leaves room for a few hundred operations.
AD_TOL = 1e-12
# Central differences, h = 6e-6, entries of size <= 30: error ~ h^2 |f'''| + eps |f| / h ~ 1e-9.
FD_TOL = 1e-6
POINTS = np.random.default_rng(12).uniform(-1.5, 1.5, size=(3, 5))

# Test maps written once for any array module m: JAX (jnp) and the site's AD (np on Dual/Var objects).
MAPS = {
    "seed R^2 -> R^2": (2, lambda p, m: [p[0] ** 2 * p[1], 5 * p[0] + m.sin(p[1])]),
    "tall R^2 -> R^5": (2, lambda p, m: [p[0] * p[1], m.exp(p[0]), m.tanh(p[1]), m.sin(p[0]) * m.cos(p[1]), p[1] ** 3]),
    "wide R^5 -> R^2": (5, lambda p, m: [p[0] ** 2 + p[1] * p[2] - p[3] / (2 + m.cos(p[4])),
                                         m.tanh(p[0] * p[1] + p[2]) * p[3] - m.exp(p[4])]),
}


def as_jax(fn):
    return lambda p: jnp.array(fn(p, jnp))


def as_numpy(fn):
    return lambda p: fn(p, np)


def test_jvp_and_vjp_of_the_running_example_and_the_tuple_of_the_pullback(example):
    ns = example(PAGE, "jvp_vjp")
    np.testing.assert_allclose(ns["value"], seed_f([1.0, 2.0]), rtol=1e-15)
    np.testing.assert_allclose(ns["Jv"], seed_jacobian([1.0, 2.0])[:, 0], rtol=1e-15)  # column 1: (4, 5)
    assert isinstance(ns["row_1"], tuple) and len(ns["row_1"]) == 2 == len(ns["row_2"])  # one entry per argument
    x, y = seed_symbols()
    J = seed_f_sympy().jacobian([x, y]).subs({x: 1, y: 2})
    assert J.row(0) == sp.Matrix([[4, 1]]) and J.row(1) == sp.Matrix([[5, sp.cos(2)]])
    np.testing.assert_allclose(np.array([ns["row_1"], ns["row_2"]], float), np.array(J, float), rtol=1e-15)
    for p, v in zip(POINTS[:, :2], POINTS[:, 2:4]):  # the shown f, elsewhere: JAX = SymPy = site's AD
        value, jv = jax.jvp(ns["f"], (p[0], p[1]), (v[0], v[1]))
        _, pullback = jax.vjp(ns["f"], p[0], p[1])
        J = seed_jacobian(p)
        np.testing.assert_allclose(value, seed_f(p), rtol=AD_TOL)
        np.testing.assert_allclose(jv, J @ v, rtol=AD_TOL, atol=AD_TOL)
        np.testing.assert_allclose(np.array(pullback(jnp.asarray(v)), float), v @ J, rtol=AD_TOL, atol=AD_TOL)
        np.testing.assert_allclose(jv, ad.jvp(ad.f, p, v)[1], rtol=AD_TOL, atol=AD_TOL)
        np.testing.assert_allclose(np.array(pullback(jnp.asarray(v)), float), ad.vjp(ad.f, p, v)[1], rtol=AD_TOL, atol=AD_TOL)


def test_linearize_runs_f_once_and_predicts_to_second_order(example):
    ns = example(PAGE, "linearize")
    p, step = np.array([1.0, 2.0]), np.asarray(ns["step"])
    J = seed_jacobian(p)
    np.testing.assert_allclose(np.array(ns["columns"]).T, J, rtol=1e-15)
    np.testing.assert_allclose(ns["first_order"], seed_f(p) + J @ step, rtol=1e-15)
    counter = ns["f"].__globals__  # the shown f counts its runs in the globals of the file's run
    counter["calls"] = 0
    value, f_jvp = jax.linearize(ns["f"], jnp.asarray(p))
    for v in POINTS[:, :2]:
        np.testing.assert_allclose(f_jvp(jnp.asarray(v)), J @ v, rtol=AD_TOL, atol=AD_TOL)
    assert counter["calls"] == 1  # "f ran 1 time", however many JVPs follow
    # "misses by about 1e-4, the size of the step squared": |step|^2 = 5e-4.
    miss = np.max(np.abs(seed_f(p + step) - np.asarray(ns["first_order"])))
    assert 1e-4 <= miss < 3e-4 and miss < np.sum(step**2)


def test_the_trace_holds_the_nodes_of_the_tape_and_the_jvp_is_a_longer_program_with_cos(example):
    ns = example(PAGE, "trace")
    names = [e.primitive.name for e in ns["program"].eqns]
    assert names[:5] == ["integer_pow", "mul", "mul", "sin", "add"]
    # The site's tape of the same f at (1, 2): inputs, constants (no parents), and 5 operations.
    tape, _, _ = ad.record(lambda p: [p[0] ** 2 * p[1], 5 * p[0] + np.sin(p[1])], [1.0, 2.0])
    assert sum(1 for parents in tape if parents) == 5
    jvp_names = [e.primitive.name for e in ns["jvp_program"].eqns]
    assert len(jvp_names) > len(names) and "cos" in jvp_names and "cos" not in names
    np.testing.assert_allclose(jax.core.eval_jaxpr(ns["program"].jaxpr, ns["program"].consts, 1.0, 2.0)[0],
                               seed_f([1.0, 2.0]), rtol=1e-15)


@pytest.mark.parametrize("name", MAPS)
def test_five_line_jacobians_equal_jax_sympy_free_references_and_the_sites_ad(example, name):
    ns = example(PAGE, "jacobians_by_hand")
    n, fn = MAPS[name]
    for p in POINTS[:, :n]:
        J_fd = numerical_jacobian(as_numpy(fn), p)
        J_site = ad.jacobian_forward(as_numpy(fn), p)
        np.testing.assert_allclose(ad.jacobian_reverse(as_numpy(fn), p), J_site, rtol=AD_TOL, atol=AD_TOL)
        assert np.all(np.abs(J_fd - J_site) <= FD_TOL * (1 + np.abs(J_site))), name
        for mine, theirs in [(ns["jacfwd_by_hand"], jax.jacfwd), (ns["jacrev_by_hand"], jax.jacrev)]:
            J = np.asarray(mine(as_jax(fn), jnp.asarray(p)))
            assert J.shape == J_site.shape  # m x n, numerator layout
            np.testing.assert_allclose(J, J_site, rtol=AD_TOL, atol=AD_TOL, err_msg=name)
            np.testing.assert_allclose(J, theirs(as_jax(fn))(jnp.asarray(p)), rtol=1e-14, atol=1e-14)


def test_five_line_jacobians_shown_values(example):
    ns = example(PAGE, "jacobians_by_hand")
    np.testing.assert_allclose(ns["J_fwd"], [[4.0, 1.0], [5.0, np.cos(2.0)]], rtol=1e-15)
    np.testing.assert_allclose(ns["J_rev"], ns["J_fwd"], rtol=1e-15)
    assert ns["same"] == [True] * 4 and ns["jacrev_by_hand"](ns["g"], ns["p"]).shape == (3, 2)
    p = np.array([1.0, 2.0])  # g = (xy, e^x, tanh y): J by hand
    np.testing.assert_allclose(ns["jacfwd_by_hand"](ns["g"], ns["p"]),
                               [[p[1], p[0]], [np.exp(p[0]), 0.0], [0.0, 1 - np.tanh(p[1]) ** 2]], rtol=1e-15)


def test_numerical_check_block(example):
    ns = example(PAGE, "numerical_check")
    assert len(ns["errors"]) == 10 and max(ns["errors"]) < 1e-8
    for x in ns["points"]:
        np.testing.assert_allclose(ns["f"](jnp.asarray(x)), seed_f(x), rtol=1e-15)
        np.testing.assert_allclose(ns["central_differences"](seed_f, x), seed_jacobian(x), atol=1e-8)


def test_per_example_gradients_are_rows_of_the_jacobian_of_the_losses(example):
    ns = example(PAGE, "per_example")
    X, t, w = (np.asarray(ns[k]) for k in ("X", "t", "w"))
    by_formula = (1 / (1 + np.exp(-X @ w)) - t)[:, None] * X  # (sigma(w . x_b) - t_b) x_b
    np.testing.assert_allclose(ns["per_example"], by_formula, rtol=1e-13)
    np.testing.assert_allclose(ns["looped"], by_formula, rtol=1e-13)
    losses_np = lambda w: [np.log(1 + np.exp(sum(w[j] * X[b, j] for j in range(3))))  # noqa: E731
                           - t[b] * sum(w[j] * X[b, j] for j in range(3)) for b in range(4)]
    np.testing.assert_allclose(ad.jacobian_reverse(losses_np, w), by_formula, rtol=1e-13)
    assert np.all(np.abs(numerical_jacobian(losses_np, w) - by_formula) <= FD_TOL)
    np.testing.assert_allclose(ns["mean_gradient"], by_formula.mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(ns["loss"](w, X[0], t[0]), losses_np(w)[0], rtol=1e-14)


def test_parameter_jacobian_kernel_and_the_first_order_step(example):
    ns = example(PAGE, "ntk")
    theta, X, targets = (np.asarray(ns[k], float) for k in ("theta", "X", "targets"))
    params = ns["params"]
    # ravel_pytree's order: sorted keys W, b, v; the page's "6 + 3 + 3 = 12 parameters".
    np.testing.assert_array_equal(theta, np.concatenate([np.ravel(params[k]) for k in ("W", "b", "v")]))
    assert theta.size == 12

    def outputs_np(th):
        W, b, v = np.reshape(th[:6], (3, 2)), th[6:9], th[9:12]
        return [sum(v[i] * np.tanh(W[i, 0] * x[0] + W[i, 1] * x[1] + b[i]) for i in range(3)) for x in X]

    np.testing.assert_allclose(ns["outputs"](jnp.asarray(theta)), outputs_np(theta), rtol=1e-14)
    J_site = ad.jacobian_reverse(outputs_np, theta)
    np.testing.assert_allclose(ns["J"], J_site, rtol=AD_TOL, atol=AD_TOL)
    assert np.all(np.abs(numerical_jacobian(outputs_np, theta) - J_site) <= FD_TOL)
    K = np.asarray(ns["K"])
    np.testing.assert_allclose(K, J_site @ J_site.T, rtol=1e-13)
    np.testing.assert_array_equal(K, K.T)
    assert np.all(np.linalg.eigvalsh(K) > 0) and np.all(np.asarray(ns["K"]).shape == (4, 4))
    residual = np.asarray(outputs_np(theta)) - targets  # gradient of the squared loss: J^T (F - t)
    np.testing.assert_allclose(jax.grad(ns["sq_loss"])(jnp.asarray(theta)), J_site.T @ residual, rtol=1e-13)
    np.testing.assert_allclose(ns["predicted"], -ns["eta"] * K @ residual, rtol=1e-13)
    np.testing.assert_allclose(ns["change"], np.asarray(outputs_np(theta - ns["eta"] * J_site.T @ residual))
                               - outputs_np(theta), rtol=1e-9, atol=1e-15)
    # "agree to about 1e-6, the size of eta^2": the left-out term is second order in eta.
    gap = np.max(np.abs(np.asarray(ns["change"]) - np.asarray(ns["predicted"])))
    assert 1e-7 < gap < 1e-5 and gap < 10 * ns["eta"] ** 2 * np.max(np.abs(residual)) * np.max(K)


def test_exercises_hessian_batched_matrix_free_kernel_and_clipped_mean(example):
    ns = example(PAGE, "exercise_hessian")
    x, y = seed_symbols()
    assert sp.hessian(x**2 * y, (x, y)).subs({x: 1, y: 2}) == sp.Matrix([[4, 2], [2, 0]])
    np.testing.assert_array_equal(ns["H"], [[4.0, 2.0], [2.0, 0.0]])
    np.testing.assert_allclose(numerical_jacobian(lambda q: [2 * q[0] * q[1], q[0] ** 2], [1.0, 2.0]), ns["H"], atol=FD_TOL)

    ns = example(PAGE, "exercise_batched")
    assert ns["Js"].shape == (3, 2, 2)
    for point, J in zip(np.asarray(ns["points"]), np.asarray(ns["Js"])):
        np.testing.assert_allclose(J, seed_jacobian(point), rtol=1e-15)
        np.testing.assert_allclose(J, ad.jacobian_forward(ad.f, point), rtol=1e-15)
    np.testing.assert_array_equal(ns["Js"][1], [[0.0, 0.0], [5.0, 1.0]])

    ns = example(PAGE, "exercise_ntk_matrix_free")
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]])
    outputs_np = lambda th: [np.tanh(x[0] * th[0] + x[1] * th[1] + th[2]) for x in X]  # noqa: E731
    theta, u = np.asarray(ns["theta"]), np.asarray(ns["u"])
    J = ad.jacobian_reverse(outputs_np, theta)
    assert np.all(np.abs(numerical_jacobian(outputs_np, theta) - J) <= FD_TOL)
    np.testing.assert_allclose(ns["Jt_u"], u @ J, rtol=1e-13)
    np.testing.assert_allclose(ns["K_u"], J @ J.T @ u, rtol=1e-13)

    ns = example(PAGE, "exercise_clipped_mean")
    G = np.asarray(ns["G"])
    norms = np.linalg.norm(G, axis=1)
    assert np.sum(norms > 1) == 3  # "Three of the four gradients are longer than 1"
    np.testing.assert_allclose(ns["clipped_mean"], np.mean(G / np.maximum(1, norms)[:, None], axis=0), rtol=1e-14)
    np.testing.assert_allclose(ns["loop"], ns["clipped_mean"], rtol=1e-14)
    per_example = example(PAGE, "per_example")  # the same logistic example, the same gradients
    np.testing.assert_allclose(G, per_example["per_example"], rtol=1e-15)


FAKE = {"date": "d", "machine": "m", "commit": "c", "jax": "j", "backend": "cpu", "dtype": "float64",
        "load_average": 0.5, "functions": {
            "tall": {"n": 2, "m": 8, "jvps": 2, "vjps": 8,
                     "jacfwd_ms": {"median": 1.0, "min": 0.5, "max": 2.0, "runs": 5},
                     "jacrev_ms": {"median": 4.0, "min": 3.0, "max": 5.0, "runs": 5},
                     "jacfwd_first_call_ms": {"median": 100.0}, "jacrev_first_call_ms": {"median": 300.0}},
            "wide": {"n": 8, "m": 2, "jvps": 8, "vjps": 2,
                     "jacfwd_ms": {"median": 6.0, "min": 5.0, "max": 7.0, "runs": 5},
                     "jacrev_ms": {"median": 2.0, "min": 1.0, "max": 3.0, "runs": 5},
                     "jacfwd_first_call_ms": {"median": 200.0}, "jacrev_first_call_ms": {"median": 50.0}}}}


def test_timing_table_sentence_and_figure_report_the_recorded_run():
    from benchmarks import jax_jacobians as bench  # here, not above: it is not an example of the page

    assert speedups(FAKE) == {"tall": 4.0, "wide": 3.0}
    assert timing_table_markdown(FAKE).splitlines()[2:] == [
        "| `tall` | $8 \\times 2$ | 2 | 8 | 1 (0.5 to 2) | 4 (3 to 5) |",
        "| `wide` | $2 \\times 8$ | 8 | 2 | 6 (5 to 7) | 2 (1 to 3) |"]
    sentence = timing_sentence(FAKE)
    assert "on `tall`, `jacfwd` was about 4 times faster; on `wide`, `jacrev` was about 3 times faster" in sentence
    assert "Medians of 5 timed runs" in sentence and "took up to 0.3 s" in sentence and "load average 0.5" in sentence
    fig = timing_figure(FAKE)
    heights = sorted(p.get_height() for p in fig.axes[0].patches)
    assert heights == [1.0, 2.0, 4.0, 6.0] and fig.axes[0].get_yscale() == "log"
    plt.close(fig)
    # The recorded run: the benchmark's functions and pass counts, and what the page says of it:
    # the mode with fewer passes won on each function, by a wide margin.
    results = load_results()
    assert bench.SHAPES == {"tall": (16, 1024), "wide": (1024, 16)} and bench.HIDDEN == 64 == results["hidden"]
    for name, (n, m) in bench.SHAPES.items():
        r = results["functions"][name]
        assert (r["n"], r["m"], r["jvps"], r["vjps"]) == (n, m, n, m)
        shape = jax.eval_shape(jax.jacrev(bench.make_function(n, m)), jnp.zeros(n)).shape
        assert shape == (m, n)
        assert all(r[k]["min"] <= r[k]["median"] <= r[k]["max"] for k in ("jacfwd_ms", "jacrev_ms"))
    fwd_wins = {name: r["jacfwd_ms"]["median"] < r["jacrev_ms"]["median"] for name, r in results["functions"].items()}
    assert fwd_wins == {"tall": True, "wide": False} and min(speedups(results).values()) > 5
    assert len(timing_table_markdown().splitlines()) == 4 and results["dtype"] == "float64"


def test_page_mapping_table_names_exist_in_jax_and_the_page_includes_every_example():
    text = (ROOT / "docs" / "jax.md").read_text(encoding="utf-8")
    table = text[text.index("| JAX | PyTorch | computes |"):].split("\n\n")[0]
    jax_names = re.findall(r"^\| `(jax\.[\w.]+)` \| `torch\.func\.\w+` \|", table, re.M)
    assert len(jax_names) == 8
    for dotted in jax_names:  # each JAX name of the table is a real function of the pinned JAX
        obj = jax
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part)
        assert callable(obj), dotted
    shown = set(re.findall(r'--8<-- "snippets/jax/(\w+)\.py"', text))
    files = {p.stem for p in (ROOT / "snippets" / "jax").glob("*.py")} - {"__init__", "figures", "tables"}
    assert shown == files
    for name in files:  # every shown block switches JAX to float64 itself (it runs alone)
        assert 'jax.config.update("jax_enable_x64", True)' in (ROOT / "snippets" / "jax" / f"{name}.py").read_text()

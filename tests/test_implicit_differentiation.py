"""docs/implicit-differentiation.md: the implicit function theorem, a Newton solver's Jacobian, a
fixed-point (deep equilibrium) layer, the ridge penalty, a fold, and the exercises.

Closed forms are checked against SymPy; implicit derivatives against central differences of the
solvers themselves (snippets.shared.finite_differences) and, for the fixed-point layer, against
jax.grad through the unrolled iterations, which converges to the implicit gradient as the
iterates converge to z*; the NumPy and JAX versions of the layer against each other.
"""

from __future__ import annotations

import re

import jax
import jax.numpy as jnp
import mpmath
import numpy as np
import pytest
import sympy as sp
from jax._src.ad_checkpoint import saved_residuals

from snippets.implicit_differentiation.figures import FOLDS, SLOPE0, solution_curves, solution_figure
from snippets.shared.finite_differences import numerical_jacobian
from tests.conftest import ROOT

jax.config.update("jax_enable_x64", True)  # the page's blocks set it too; the comparisons need float64
PAGE = "implicit_differentiation"
# Central differences (h = 6e-6) of solvers converged to ~1e-15, on values of size <= 5:
# error ~ h^2 |f'''| + eps |f| / h ~ 1e-10, so 1e-7 is safe and still far below any real mistake.
FD_TOL = 1e-7
# NumPy and JAX run the same float64 formulas in different orders: a few ulps of numbers of size ~1.
NP_JAX_TOL = 1e-12
Z, T = sp.symbols("z theta", real=True)
CUBIC = Z**3 + Z - T


def cubic_root(theta: float) -> float:
    """The real root of z^3 + z - theta, from numpy's companion-matrix roots (no Newton)."""
    roots = np.roots([1.0, 0.0, 1.0, -theta])
    return float(roots[np.argmin(np.abs(roots.imag))].real)


@pytest.mark.parametrize("theta", [-3.0, 0.0, 2.0, 10.0])
def test_cubic_slope_sympy_closed_form_and_differences(example, theta):
    ns = example(PAGE, "cubic_sympy")
    assert sp.simplify(ns["slope"] - 1 / (3 * Z**2 + 1)) == 0
    assert sp.simplify(sp.idiff(CUBIC, Z, T) - ns["slope"]) == 0 and ns["idiff_agrees"] and ns["inverse_agrees"]
    assert ns["slope_at_2"] == sp.Rational(1, 4) and SLOPE0 == 0.25 and abs(ns["root"] - 1) < 1e-14
    z = cubic_root(theta)
    fd = numerical_jacobian(lambda t: [cubic_root(t[0])], [theta])[0, 0]
    assert float(ns["slope"].subs(Z, z)) == pytest.approx(fd, abs=FD_TOL)
    # exercise 1: z'' = -6 z / (3 z^2 + 1)^3, -3/32 at theta = 2; the slope's own difference quotient
    ex = example(PAGE, "exercise_second_derivative")
    assert sp.simplify(ex["second"] - sp.idiff(CUBIC, Z, T, 2)) == 0 and ex["idiff_agrees"]
    assert ex["second_at_2"] == sp.Rational(-3, 32)
    slope = lambda t: [1 / (3 * cubic_root(t[0]) ** 2 + 1)]  # noqa: E731
    assert float(ex["second"].subs(Z, z)) == pytest.approx(numerical_jacobian(slope, [theta])[0, 0], abs=FD_TOL)


def test_figure_tangent_and_folds():
    curves = solution_curves()
    for theta, z in FOLDS:  # on the curve z^3 - z = theta, with dF/dz = 3 z^2 - 1 = 0
        assert abs(z**3 - z - theta) < 1e-15 and abs(3 * z**2 - 1) < 1e-15
    assert np.allclose(curves["theta_monotone"], curves["z"] ** 3 + curves["z"])
    assert np.allclose(curves["theta_fold"], curves["z"] ** 3 - curves["z"]) and curves["z"].min() < -1 < 1 < curves["z"].max()
    fig = solution_figure()
    (tx, ty) = fig.axes[0].get_lines()[1].get_data()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(0.25, rel=1e-14)  # the tangent at (2, 1)
    fig.clf()


def test_newton_solution_map_matches_sympy_and_differences(example):
    ns = example(PAGE, "newton_solution_map")
    z1, z2, t1, t2, t3 = sp.symbols("z1 z2 t1 t2 t3", real=True)
    F = sp.Matrix([z1**3 + z1 + t3 * z2 - t1, z2**3 + z2 - t3 * z1 - t2])
    Fz, Ft = F.jacobian([z1, z2]), F.jacobian([t1, t2, t3])
    assert sp.expand(Fz.det() - ((3 * z1**2 + 1) * (3 * z2**2 + 1) + t3**2)) == 0  # invertible everywhere
    for theta in [ns["theta0"], *np.random.default_rng(3).uniform(-3, 3, (3, 3))]:
        z, _ = ns["solve"](theta)
        at = dict(zip([z1, z2, t1, t2, t3], [*z, *theta]))
        np.testing.assert_allclose(np.array(F.subs(at), dtype=float).ravel(), 0, atol=1e-13)
        np.testing.assert_allclose(ns["dF_dz"](z, theta), np.array(Fz.subs(at), dtype=float), rtol=1e-15)
        np.testing.assert_allclose(ns["dF_dtheta"](z, theta), np.array(Ft.subs(at), dtype=float), rtol=1e-15)
        J = -np.array((Fz.inv() * Ft).subs(at), dtype=float)
        np.testing.assert_allclose(numerical_jacobian(lambda t: ns["solve"](t)[0], theta), J, atol=FD_TOL)
    np.testing.assert_allclose(ns["J_implicit"], -np.array((Fz.inv() * Ft).subs(
        dict(zip([z1, z2, t1, t2, t3], [*ns["z_star"], *ns["theta0"]]))), dtype=float), rtol=1e-13)
    assert ns["residual"] < 1e-14 and 1e-12 < ns["max_difference"] < 1e-9  # "agree to about 1e-10"


def test_deq_numpy_and_jax_agree_with_differences_unrolled_and_each_other(example):
    npy, jx = example(PAGE, "deq_numpy"), example(PAGE, "deq_jax")
    W, n = npy["W"], npy["n"]
    assert np.linalg.norm(W, 2) == pytest.approx(0.8, rel=1e-14) and np.linalg.norm(npy["A"], 2) <= 0.8
    z, zs = np.zeros(n), npy["z_star"]  # a contraction: the error shrinks at least by 0.8 per step
    for _ in range(30):
        z_next = npy["f"](z, W, npy["U"], npy["b"], npy["x"])
        assert np.linalg.norm(z_next - zs) <= 0.8 * np.linalg.norm(z - zs) + 1e-15
        z = z_next
    A_ref = numerical_jacobian(lambda z: npy["f"](z, W, npy["U"], npy["b"], npy["x"]), zs, "complex")  # exact
    np.testing.assert_allclose(npy["A"], A_ref, rtol=1e-13)
    np.testing.assert_allclose((np.eye(n) - npy["A"]).T @ npy["w"], npy["u"], atol=1e-14)
    assert npy["residual"] < 1e-14 and npy["w_difference"] < 1e-14 and npy["fd_gap"] < FD_TOL
    assert npy["theta"].size == 35 and (n, npy["d"]) == (4, 3)  # "all 35 numbers", "the 4 x 4 matrix"
    fd = numerical_jacobian(lambda t: [npy["loss"](t)], npy["theta"])[0]
    np.testing.assert_allclose(npy["implicit"], fd, atol=FD_TOL)
    # NumPy = JAX, all 35 numbers in the same order (W, U, b row by row, then x)
    np.testing.assert_allclose(jx["implicit"], npy["implicit"], atol=NP_JAX_TOL)
    np.testing.assert_allclose(jx["fixed_point"](jx["params"], jx["x"]), zs, atol=NP_JAX_TOL)
    # unrolled: converges geometrically (faster than 0.8^k) to the implicit gradient
    gaps = jx["gaps"]
    assert list(gaps) == [5, 10, 20, 40] and gaps[5] > gaps[10] > gaps[20] > gaps[40]
    assert gaps[20] < 0.8**10 * gaps[10] and gaps[40] < 1e-13 and gaps[5] > 1e-2
    np.testing.assert_allclose(jx["unrolled"][40][1], jx["grad_x"], atol=1e-13)


def test_deq_custom_vjp_on_another_layer_against_differences(example):
    jx = example(PAGE, "deq_jax")
    rng = np.random.default_rng(1)
    W = rng.standard_normal((4, 4))
    W *= 0.95 / np.linalg.norm(W, 2)  # a slower contraction than the page's
    U, b, x = rng.standard_normal((4, 3)), rng.standard_normal(4), jnp.asarray(rng.standard_normal(3))
    params = tuple(map(jnp.asarray, (W, U, b)))
    grads = jax.jit(jax.grad(jx["loss_implicit"], argnums=(0, 1)))(params, x)
    theta, unravel = jx["ravel_pytree"]((params, x))
    loss = jax.jit(lambda t: jx["loss_implicit"](*unravel(t)))
    fd = numerical_jacobian(lambda t: [float(loss(jnp.asarray(t)))], np.asarray(theta))[0]
    np.testing.assert_allclose(jx["ravel_pytree"](grads)[0], fd, atol=FD_TOL)


def test_deq_memory_counts_match_jax_saved_residuals(example):
    jx = example(PAGE, "deq_jax")
    params, x, n = jx["params"], jx["x"], jx["n"]

    def kept(loss):  # JAX's own list of residuals, arguments left out
        return sum(int(np.prod(aval.shape)) for aval, why in saved_residuals(loss, params, x) if "argument" not in why)

    assert jx["stored"]["implicit"] == kept(jx["loss_implicit"]) == n + n + 1  # z*, z* - y, a constant
    for k in (10, 20, 40):
        count = jx["stored"][f"unrolled, {k} iterations"]
        assert count == kept(lambda p, x: jx["loss_unrolled"](p, x, k)) == 2 * n * k + n + 1 + n  # 8 per step


def test_ridge_derivative_sympy_differences_and_high_precision(example):
    ns, ex = example(PAGE, "ridge"), example(PAGE, "exercise_hypergradient")
    lam = sp.Symbol("lambda", positive=True)
    X = sp.Matrix([[1, 2], [0, 1], [3, -1], [2, 2]])  # exact small data: the closed form differentiated
    y = sp.Matrix([1, -2, 0, 3])
    H = X.T * X + lam * sp.eye(2)
    w = H.inv() * X.T * y
    assert (w.diff(lam) + H.inv() * w).applyfunc(sp.cancel) == sp.zeros(2, 1)
    # The page's data in 40-digit arithmetic: central differences with h = 1e-15 have error ~1e-30.
    mpmath.mp.dps = 40
    Xm, ym, Xv, yv = (mpmath.matrix(ex[k].tolist()) for k in ("X", "y", "X_val", "y_val"))
    np.testing.assert_array_equal(ns["X"], ex["X"])  # the exercise uses the example's data

    def w_mp(lam):
        return mpmath.lu_solve(Xm.T * Xm + lam * mpmath.eye(3), Xm.T * ym)

    def V_mp(lam):
        r = Xv * w_mp(lam) - yv
        return (r.T * r)[0] / 2

    half, h = mpmath.mpf("0.5"), mpmath.mpf("1e-15")
    dw = [float(v) for v in (w_mp(half + h) - w_mp(half - h)) / (2 * h)]
    np.testing.assert_allclose(ns["w_star"], [float(v) for v in w_mp(half)], rtol=1e-13)
    np.testing.assert_allclose(ns["dw_dlam"], dw, rtol=1e-12)
    np.testing.assert_allclose(ns["dw_dlam"], numerical_jacobian(lambda t: ns["ridge"](t[0]), [0.5])[:, 0], atol=FD_TOL)
    assert ns["fd_gap"] < FD_TOL
    dV = float((V_mp(half + h) - V_mp(half - h)) / (2 * h))  # exercise 3
    assert ex["hypergradient"] == pytest.approx(dV, rel=1e-12) == pytest.approx(ex["hypergradient_fd"], abs=FD_TOL)
    assert ex["hypergradient"] > 0  # "a smaller lambda fits the held-out data better"


def test_fold_slope_blows_up_like_one_over_sqrt_delta(example):
    ns = example(PAGE, "fold")
    zf = sp.solve(sp.diff(Z**3 - Z, Z), Z)[1]  # 1/sqrt(3)
    assert ns["z_fold"] == pytest.approx(float(zf), rel=1e-15)
    assert ns["theta_fold"] == pytest.approx(float(-2 / (3 * sp.sqrt(3))), rel=1e-15) and round(ns["theta_fold"], 3) == -0.385
    limit = 1 / (2 * 3**0.25)
    assert round(limit, 3) == 0.380
    errors = []
    for delta, upper, lower, slope, scaled in ns["rows"]:
        for root in (upper, lower):  # two roots near the fold, on either side of 1/sqrt(3)
            assert abs(root**3 - root - ns["theta_fold"] - delta) < 1e-13
        assert lower < ns["z_fold"] < upper
        assert slope == pytest.approx(numerical_jacobian(lambda t: [ns["newton"](t[0], upper)], [ns["theta_fold"] + delta],
                                                         h=1e-3 * delta)[0, 0], rel=1e-5)
        errors.append(abs(scaled - limit))
    assert errors[0] > errors[1] > errors[2] and errors[2] < 1e-3 * limit


def test_exercise_custom_root(example):
    ex = example(PAGE, "exercise_custom_root")
    assert ex["slopes"] == pytest.approx({2.0: 1 / 4, 10.0: 1 / 13}, rel=1e-13) and ex["by_hand"] == {2.0: 0.25, 10.0: 1 / 13}
    assert ex["roots"] == pytest.approx({2.0: 1.0, 10.0: 2.0}, abs=1e-14)  # 1 + 1 = 2, 8 + 2 = 10
    grad = jax.jit(jax.grad(ex["root"]))  # compiled once for all thetas
    for theta in (-3.0, 0.5):
        assert float(grad(theta)) == pytest.approx(1 / (3 * cubic_root(theta) ** 2 + 1), rel=1e-12)


def test_page_includes_every_example_and_jax_files_use_float64():
    text = (ROOT / "docs" / "implicit-differentiation.md").read_text(encoding="utf-8")
    shown = set(re.findall(r'--8<-- "snippets/implicit_differentiation/(\w+)\.py', text))
    files = {p.stem for p in (ROOT / "snippets" / PAGE).glob("*.py")} - {"__init__", "figures"}
    assert shown == files
    for name in files:
        source = (ROOT / "snippets" / PAGE / f"{name}.py").read_text(encoding="utf-8")
        assert "import jax" not in source or 'jax.config.update("jax_enable_x64", True)' in source

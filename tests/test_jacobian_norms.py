"""Checks every claim of docs/jacobian-norms.md: the stretch factors of the running example
(SymPy), the MLP's hand-written JVP and VJP (central differences, JAX), power iteration in NumPy
and JAX against the SVD and the convergence bounds, the Lipschitz bound and spectral
normalisation, the Frobenius estimator (unbiased, with the predicted spread), the gradient
penalty's second derivatives, the figure's data and the exercises."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

from snippets.jacobian_norms.figures import POINT, mlp_jacobian, norms_figure, power_history
from snippets.shared.finite_differences import numerical_jacobian

jax.config.update("jax_enable_x64", True)  # the page's JAX blocks set it too; the comparisons need float64
PAGE = "jacobian_norms"
# Central differences, h = 6e-6, on smooth maps with entries of size <= 10:
# error ~ h^2 |f'''| + eps |f| / h ~ 1e-10, so 1e-8 leaves room and still catches any real mistake.
FD_TOL = 1e-8
# NumPy and JAX (or the SVD) reach the same float64 numbers by different orders of operations.
RTOL = 1e-12
RNG = np.random.default_rng(11)
POINTS = [POINT, *RNG.standard_normal((3, 4)) * 2]


@pytest.fixture(scope="module")
def pi_np(example):
    return example(PAGE, "power_iteration_numpy")


def test_stretch_factors_of_the_running_example(example):
    ns = example(PAGE, "stretch_factors")
    x, y = sp.symbols("x y")
    J = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)]).jacobian([x, y]).subs({x: 1, y: 2})
    T, D2 = (J.T * J).trace(), (J.T * J).det()  # sigma_i^2 are the roots of l^2 - T l + D2
    assert sp.expand(T - (42 + sp.cos(2) ** 2)) == 0 and sp.expand(D2 - (5 - 4 * sp.cos(2)) ** 2) == 0
    sigma = np.array([float(sp.sqrt((T + r * sp.sqrt(T**2 - 4 * D2)) / 2).evalf(30)) for r in (1, -1)])
    for name in ("sigma", "by_hand"):
        np.testing.assert_allclose(ns[name], sigma, rtol=1e-14)
    assert ns["spectral"] == pytest.approx(sigma[0], rel=1e-14)
    assert ns["frobenius"] == pytest.approx(float(sp.sqrt(42 + sp.cos(2) ** 2)), rel=1e-14)
    assert abs(float(J.det())) == pytest.approx(5 - 4 * np.cos(2), rel=1e-14)
    # The numbers typed in the worked example.
    assert (round(42 + np.cos(2) ** 2, 3), round(ns["frobenius"], 3), round(5 - 4 * np.cos(2), 3)) == (42.173, 6.494, 6.665)
    assert (round(sigma[0], 3), round(sigma[1], 3), round(sigma[0], 1)) == (6.410, 1.040, 6.4)
    assert sigma[1] <= ns["smallest"] == ns["ratios"].min() and ns["largest"] == ns["ratios"].max() <= sigma[0] * (1 + 1e-15)
    v = ns["v"]
    np.testing.assert_allclose(ns["ratios"], [np.linalg.norm(ns["J"] @ w) / np.linalg.norm(w) for w in v], rtol=1e-14)
    assert ns["ratios"].size == 1000 and ns["root_sum"] == pytest.approx(ns["frobenius"], rel=1e-14)
    assert ns["top_stretch"] == pytest.approx(sigma[0], rel=1e-14)


@pytest.mark.parametrize("x", POINTS)
def test_mlp_jvp_vjp_and_jacobian_numpy_equal_jax_and_differences(pi_np, example, x):
    ns_jax = example(PAGE, "power_iteration_jax")
    J_fd = numerical_jacobian(pi_np["mlp"], x)
    J_jax = np.asarray(jax.jit(jax.jacrev(ns_jax["mlp"]))(jnp.asarray(x)))
    np.testing.assert_allclose(J_jax, J_fd, atol=FD_TOL)
    np.testing.assert_allclose(mlp_jacobian(x), J_jax, rtol=RTOL, atol=1e-15)  # the figure's Jacobian
    np.testing.assert_allclose(pi_np["mlp"](x), ns_jax["mlp"](x), rtol=RTOL)
    v, u = RNG.standard_normal(4), RNG.standard_normal(3)
    np.testing.assert_allclose(pi_np["jvp"](x, v), J_jax @ v, rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(pi_np["vjp"](x, u), u @ J_jax, rtol=RTOL, atol=1e-14)
    # Power iteration, NumPy and JAX, at this point: the SVD's sigma_1, from below.
    sigma = np.linalg.svd(J_jax, compute_uv=False)
    steps = int(np.ceil(np.log(1e-17) / (4 * np.log(sigma[1] / sigma[0])))) + 5  # from the bound, tan theta_0 ~ 1
    estimates, _ = pi_np["spectral_norm"](x, steps)
    assert np.all(estimates <= sigma[0] * (1 + 1e-14)) and np.all(np.diff(estimates) >= -1e-15)
    assert estimates[-1] == pytest.approx(sigma[0], rel=RTOL)
    assert float(ns_jax["spectral_norm"](ns_jax["mlp"], jnp.asarray(x), steps)[0]) == pytest.approx(sigma[0], rel=RTOL)


def test_shown_power_iteration_runs_and_the_convergence_bounds(pi_np, example):
    ns_jax = example(PAGE, "power_iteration_jax")
    J = mlp_jacobian()
    sigma = np.linalg.svd(J, compute_uv=False)
    np.testing.assert_allclose(pi_np["J"], J, rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(pi_np["sigma"], sigma, rtol=RTOL)
    assert pi_np["gap_ratio"] == pytest.approx(sigma[1] / sigma[0], rel=RTOL)
    assert [W.shape for W in pi_np["Ws"]] == [(16, 4), (16, 16), (3, 16)]  # "two tanh layers of width 16"
    assert len(pi_np["estimates"]) == 20 and np.all(pi_np["x"] == POINT) and np.all(np.asarray(ns_jax["x"]) == POINT)
    for value in (pi_np["estimates"][-1], ns_jax["estimate"], ns_jax["exact"]):
        assert float(value) == pytest.approx(sigma[0], rel=RTOL)
    # The figure's history is this run (same start), and it obeys the statement's bounds.
    tangent, error = power_history(J, 20)
    np.testing.assert_allclose(error[1:], (sigma[0] - pi_np["estimates"]) / sigma[0], atol=1e-14)
    k, rate = np.arange(21), sigma[1] / sigma[0]
    assert np.all(tangent <= tangent[0] * rate ** (2 * k) * (1 + 1e-9) + 1e-15)
    assert np.all(error <= tangent[0] ** 2 * rate ** (4 * k) + 1e-15) and np.all(error >= -1e-15)
    # "follows its bound closely": within a factor 2 over the plotted steps.
    assert np.all(tangent[:13] >= tangent[0] * rate ** (2 * k[:13]) / 2)


def test_figure_draws_the_ellipse_and_the_measured_convergence():
    import matplotlib.pyplot as plt

    fig = norms_figure(steps=12)
    left, right = fig.axes
    J = np.array([[4.0, 1.0], [5.0, np.cos(2.0)]])
    circle, image = (line.get_xydata() for line in left.lines[:2])
    assert np.allclose(np.linalg.norm(circle, axis=1), 1) and np.allclose(circle[0], circle[-1]) and len(circle) > 200
    assert np.ptp(np.unwrap(np.arctan2(circle[:, 1], circle[:, 0]))) == pytest.approx(2 * np.pi)  # the whole circle
    np.testing.assert_allclose(image, circle @ J.T, rtol=1e-14)
    sigma = np.linalg.svd(J, compute_uv=False)
    for arrow, s in zip(left.texts, sigma):  # the semi-axes sigma_k u_k: J J^T u = sigma^2 u
        tip = np.asarray(arrow.xy)
        assert np.linalg.norm(tip) == pytest.approx(s, rel=1e-14)
        np.testing.assert_allclose(J @ J.T @ tip, s**2 * tip, rtol=1e-12)
    x0, x1, y0, y1 = (*left.get_xlim(), *left.get_ylim())
    assert x0 < image[:, 0].min() and image[:, 0].max() < x1 and y0 < image[:, 1].min() and image[:, 1].max() < y1
    tangent, error = power_history(mlp_jacobian(), 12)
    s = np.linalg.svd(mlp_jacobian(), compute_uv=False)
    k, rate = np.arange(13), s[1] / s[0]
    for line, y in zip(right.lines, (tangent, tangent[0] * rate ** (2 * k), error, tangent[0] ** 2 * rate ** (4 * k))):
        np.testing.assert_allclose(line.get_xydata(), np.column_stack([k, y]), rtol=1e-12)
    plt.close(fig)


def test_lipschitz_bound(example, pi_np):
    ns = example(PAGE, "lipschitz_bound")
    Ws = ns["Ws"]
    np.testing.assert_allclose(ns["layer_norms"], [np.linalg.svd(W, compute_uv=False)[0] for W in Ws], rtol=RTOL)
    assert ns["bound"] == pytest.approx(np.prod(ns["layer_norms"]), rel=1e-15)
    X = ns["X"]
    assert X.shape == (5000, 4)
    batch = ns["jacobians"](X[:5])
    for x, Jx in zip(X[:5], batch):
        np.testing.assert_allclose(Jx, mlp_jacobian(x), rtol=RTOL, atol=1e-15)
        np.testing.assert_allclose(Jx, numerical_jacobian(pi_np["mlp"], x), atol=FD_TOL)  # same network
    assert np.all(ns["local"] <= ns["bound"]) and ns["local"].max() == pytest.approx(
        max(np.linalg.svd(mlp_jacobian(x), compute_uv=False)[0] for x in X[np.argsort(ns["local"])[-3:]]), rel=RTOL)
    assert ns["largest"] == ns["local"].max() and ns["looseness"] == pytest.approx(ns["bound"] / ns["largest"], rel=1e-15)
    assert ns["looseness"] > 5  # "more than 5 times"


def test_spectral_normalization(example):
    ns = example(PAGE, "spectral_normalization")
    errors = np.array(ns["errors"])
    assert len(errors) == 100 and errors[9] < errors[0] / 10 and errors[-1] < 0.01  # "falls"
    # The weights: the MLP's (the Lipschitz block's), after 100 random steps of size 0.01.
    noise = np.random.default_rng(1)
    Ws = example(PAGE, "lipschitz_bound")["Ws"]
    for W in Ws:
        noise.standard_normal(W.shape[0])  # the block draws its starting vectors u first
    for _ in range(100):
        Ws = [W + 0.01 * noise.standard_normal(W.shape) for W in Ws]
    for W, W_shown in zip(Ws, ns["Ws"], strict=True):
        np.testing.assert_allclose(W_shown, W, rtol=1e-13)
    exact = [np.linalg.svd(W, compute_uv=False)[0] for W in ns["Ws"]]
    np.testing.assert_allclose(ns["norms_after"], np.array(exact) / ns["sigmas"], rtol=RTOL)
    assert errors[-1] == pytest.approx(np.max(np.abs(np.array(ns["sigmas"]) / exact - 1)), rel=1e-9)  # relative errors
    assert np.all(ns["norms_after"] >= 1)  # "slightly above 1, never below"
    assert 1 <= ns["new_bound"] == pytest.approx(np.prod(ns["norms_after"]), rel=1e-15) and ns["new_bound"] < 1.01
    # One power step never overestimates, and repeated steps on a fixed W reach sigma_max(W).
    W = RNG.standard_normal((6, 4))
    u = RNG.standard_normal(6)
    u /= np.linalg.norm(u)
    s_max = np.linalg.svd(W, compute_uv=False)[0]
    for _ in range(200):
        s, u = ns["power_step"](W, u)
        assert s <= s_max * (1 + 1e-14)
    assert s == pytest.approx(s_max, rel=1e-10)


def test_frobenius_estimate(example):
    ns = example(PAGE, "frobenius_estimate")
    W, b, x = (np.asarray(ns[k]) for k in ("W", "b", "x"))
    J_fd = numerical_jacobian(lambda z: 1 / (1 + np.exp(-(W @ z + b))), x)
    assert ns["exact"] == pytest.approx(np.sum(J_fd**2), abs=FD_TOL)
    assert ns["from_jacfwd"] == pytest.approx(ns["exact"], rel=RTOL)
    # sqrt(n) e_1, ..., sqrt(n) e_n also have E[v v^T] = I: the estimate is then exact.
    assert float(ns["estimate"](np.sqrt(20) * jnp.eye(20))) == pytest.approx(ns["exact"], rel=RTOL)
    assert ns["k"] == 4 and ns["seeds"] == 1000 and W.shape == (8, 20)
    A = J_fd.T @ J_fd
    variance = {"Gaussian": 2 * np.sum(A**2), "Rademacher": 2 * (np.sum(A**2) - np.sum(np.diag(A) ** 2))}
    for name, V in (("Gaussian", ns["gaussian"]), ("Rademacher", ns["rademacher"])):
        r = ns["results"][name]
        redone = np.mean(np.sum((V @ J_fd.T) ** 2, axis=2), axis=1)  # NumPy, from the differenced J
        assert r["mean"] == pytest.approx(redone.mean(), rel=1e-8) and r["spread"] == pytest.approx(redone.std(ddof=1), rel=1e-7)
        assert ns["predicted"][name] == pytest.approx(np.sqrt(variance[name] / 4), rel=1e-7)
        assert r["z"] == pytest.approx((r["mean"] - ns["exact"]) / (r["spread"] / np.sqrt(1000)), rel=1e-12)
        assert abs(r["z"]) < 2  # "within two standard errors"
        assert abs(r["spread"] / ns["predicted"][name] - 1) < 0.05  # "within 5% of the predictions"
    assert ns["results"]["Rademacher"]["spread"] < ns["results"]["Gaussian"]["spread"]


def test_gradient_penalty(example):
    ns = example(PAGE, "gradient_penalty")
    critic, theta, x_hat = ns["critic"], np.asarray(ns["theta"]), np.asarray(ns["x_hat"])
    penalty = jax.jit(ns["penalty"])  # compiled once: the differences below call it 86 times
    W1, b1, w2 = theta[:24].reshape(8, 3), theta[24:32], theta[32:]  # one tanh layer of width 8, in NumPy
    for z in (x_hat, *RNG.standard_normal((2, 3))):
        assert float(critic(theta, z)) == pytest.approx(w2 @ np.tanh(W1 @ z + b1), rel=RTOL)
    eps, x_real, x_fake = ns["eps"], np.asarray(ns["x_real"]), np.asarray(ns["x_fake"])
    np.testing.assert_allclose(x_hat, eps * x_real + (1 - eps) * x_fake, rtol=1e-15)
    g_fd = numerical_jacobian(lambda z: np.asarray(critic(theta, z)), x_hat)[0]
    g = np.asarray(jax.grad(critic, argnums=1)(theta, x_hat))
    np.testing.assert_allclose(g, g_fd, atol=FD_TOL)
    assert float(ns["value"]) == pytest.approx((np.linalg.norm(g) - 1) ** 2, rel=RTOL)
    assert float(ns["grad_norm"]) == pytest.approx(np.linalg.norm(g_fd), rel=1e-8)
    assert ns["gap_theta"] < 1e-14 and ns["gap_x"] < 1e-14  # "to rounding"
    # The gradient of the penalty in theta and in x_hat: central differences of the penalty itself.
    np.testing.assert_allclose(ns["grad_theta"], numerical_jacobian(lambda t: np.asarray(penalty(t, x_hat)), theta)[0], atol=1e-7)
    np.testing.assert_allclose(ns["grad_x"], numerical_jacobian(lambda z: np.asarray(penalty(theta, z)), x_hat)[0], atol=1e-7)
    grad_x = jax.jit(jax.grad(critic, argnums=1))
    H = numerical_jacobian(lambda z: np.asarray(grad_x(theta, z)), x_hat)  # the Hessian of D in x
    np.testing.assert_allclose(ns["Hc"], H @ np.asarray(ns["c"]), atol=FD_TOL)
    np.testing.assert_allclose(ns["mixed"], ns["grad_theta"], rtol=RTOL, atol=1e-14)
    assert np.asarray(ns["c"]) == pytest.approx(2 * (np.linalg.norm(g) - 1) * g / np.linalg.norm(g), rel=RTOL)
    assert ns["h"] == 1e-5 and abs(float(ns["slope"]) - float(ns["directional"])) < 1e-8  # "better than 1e-8"


def test_exercises(example):
    ns = example(PAGE, "exercise_aligned")
    s1, s2 = (np.linalg.svd(ns[k], compute_uv=False) for k in ("W1", "W2"))
    assert ns["aligned"] == pytest.approx(s1[0] * s2[0], rel=1e-14) and ns["bound"] == pytest.approx(ns["aligned"], rel=1e-14)
    np.testing.assert_allclose(np.linalg.svd(ns["W2"] @ ns["W1"], compute_uv=False), s1 * s2, rtol=1e-13)
    assert ns["turned"] < ns["aligned"]  # "the product shrinks"
    np.testing.assert_allclose(np.linalg.svd(ns["W2_turned"], compute_uv=False), s2, rtol=1e-14)  # same stretches
    assert ns["turned"] == pytest.approx(np.linalg.svd(ns["W2_turned"] @ ns["W1"], compute_uv=False)[0], rel=1e-14)

    ns = example(PAGE, "exercise_vjp_frobenius")
    block = example(PAGE, "frobenius_estimate")  # "the encoder of the Frobenius block"
    for z in (block["x"], RNG.standard_normal(20)):
        np.testing.assert_array_equal(ns["encoder"](z), block["encoder"](z))
    J = numerical_jacobian(lambda z: np.asarray(ns["encoder"](z)), np.asarray(ns["x"]))
    assert ns["from_rows"] == pytest.approx(ns["exact"], rel=RTOL) and ns["exact"] == pytest.approx(np.sum(J**2), abs=FD_TOL)
    B = J @ J.T  # Rademacher cotangents: variance 2 (||B||_F^2 - sum B_ii^2) per draw
    se = np.sqrt(2 * (np.sum(B**2) - np.sum(np.diag(B) ** 2)) / len(ns["U"]))
    assert abs(ns["estimate"] - np.sum(J**2)) < 4 * se  # unbiased: within 4 standard errors

    ns = example(PAGE, "exercise_softmax")
    np.testing.assert_array_equal(ns["S"], 3 * np.random.default_rng(0).standard_normal((20000, 5)))
    assert 0.49 < ns["largest"] == ns["norms"].max() <= 0.5 and ns["half"] == pytest.approx(0.5, rel=1e-15)
    S = RNG.standard_normal((3, 5)) * 3
    J = np.asarray(jax.jit(jax.vmap(jax.jacfwd(jax.nn.softmax)))(jnp.asarray(S)))
    np.testing.assert_allclose(ns["softmax_jacobians"](S), J, rtol=RTOL, atol=1e-16)
    s, J = S[0], J[0]
    p = np.asarray(jax.nn.softmax(s))
    eig = np.linalg.eigvalsh(J)  # Gershgorin: every eigenvalue in [0, max 2 p_i (1 - p_i)]
    assert eig.min() > -1e-15 and eig.max() <= np.max(2 * p * (1 - p)) + 1e-15

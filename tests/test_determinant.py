"""docs/determinant.md: |det J| scales small areas, its sign is orientation, and flows correct densities by it.

Every claim of the page is checked on the objects its examples make (snippets/determinant/):
the shown shoelace area and square against exact areas, the polar and spherical determinants and
the seed determinant against SymPy, the change-of-variables integrals against the exact value,
the shown coupling flow against SymPy's Jacobian and against a density derived without det J_T,
the singular values (circle -> ellipse, |det| = product, rank) and the surface factor
sqrt(det(J^T J)) against SymPy and finite differences, the stacked flow (log-dets add, the
inverse's log-det is minus the forward one, the sign bug's integral), and the figures' numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from snippets.determinant.figures import ellipse_figure, flow_density, flow_figure, square_figure
from snippets.shared.explorer import det2, explorer_f, explorer_jacobian
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols

PAGE = "determinant"
ROOT = Path(__file__).resolve().parent.parent
# Central differences (h = 6e-6), inputs |z| <= 10: error ~ 1e-9 per entry, a wrong formula is off by O(1).
FD_TOL = 1e-6
DET_SEED = 4 * np.cos(2.0) - 5  # det J_f(1, 2), worked by hand on the page

# The page's coupling layer T(z1, z2) = (z1, z2 e^{s(z1)} + mu(z1)) and its inverse, exactly.
Z1, Z2 = sp.symbols("z1 z2", real=True)
S, MU = sp.Rational(4, 5) * sp.tanh(Z1), sp.Rational(7, 10) * Z1**2 - sp.Rational(7, 10)
T, T_INV = sp.Matrix([Z1, Z2 * sp.exp(S) + MU]), sp.Matrix([Z1, (Z2 - MU) * sp.exp(-S)])
FLOW = sp.lambdify((Z1, Z2), (S, MU, T, T.jacobian([Z1, Z2])), "numpy")
# log p_X(x) = log p_Z(T^{-1}(x)) + log|det J_{T^{-1}}(x)|: the change of variables the other way, no s(z1) shortcut.
LOG_DENSITY = sp.lambdify((Z1, Z2), -(T_INV[0] ** 2 + T_INV[1] ** 2) / 2 - sp.log(2 * sp.pi)
                          + sp.log(sp.Abs(T_INV.jacobian([Z1, Z2]).det())), "numpy")
# The stacked flow: layer 2 keeps y2 and moves y1 by s2(y2) = tanh(y2) / 2 and mu2(y2) = 0.6 sin y2.
Y1, Y2 = sp.symbols("y1 y2", real=True)
LAYER2 = sp.Matrix([Y1 * sp.exp(sp.tanh(Y2) / 2) + sp.Rational(3, 5) * sp.sin(Y2), Y2])
LAYER2_INV = sp.Matrix([(Y1 - sp.Rational(3, 5) * sp.sin(Y2)) * sp.exp(-sp.tanh(Y2) / 2), Y2])
STACK = LAYER2.subs({Y1: T[0], Y2: T[1]}, simultaneous=True)
STACK_INV = T_INV.subs({Z1: LAYER2_INV[0], Z2: LAYER2_INV[1]}, simultaneous=True).subs({Y1: Z1, Y2: Z2})
STACKED = sp.lambdify((Z1, Z2), (STACK, STACK.jacobian([Z1, Z2]).det()), "numpy")
STACKED_J = sp.lambdify((Z1, Z2), STACK.jacobian([Z1, Z2]), "numpy")
STACKED_INV = sp.lambdify((Z1, Z2), (STACK_INV, STACK_INV.jacobian([Z1, Z2])), "numpy")  # in x = (z1, z2)


def test_seed_determinant_is_4_cos_2_minus_5_polar_is_r_and_spherical_is_r2_sin_phi(example):
    ns, x, y = example(PAGE, "exercise_seed_det"), *seed_symbols()
    J = seed_f_sympy().jacobian([x, y])
    assert sp.simplify(ns["J"] - J) == sp.zeros(2, 2) and sp.expand(J.det() - (2 * x * y * sp.cos(y) - 5 * x**2)) == 0
    assert sp.simplify(ns["d"] - (4 * sp.cos(2) - 5)) == 0
    # Negative since cos 2 < 0 (orientation reversed): "about -6.66"; the figure's alt text: "about 6.7 times".
    assert round(float(ns["d"]), 2) == -6.66 and round(abs(float(ns["d"])), 1) == 6.7
    np.testing.assert_allclose(np.linalg.det(numerical_jacobian(seed_f, [1.0, 2.0])), float(ns["d"]), atol=FD_TOL)
    ns, sph = example(PAGE, "polar_sympy"), example(PAGE, "exercise_spherical")
    r, theta = ns["r"], ns["theta"]
    by_hand = sp.Matrix([[sp.cos(theta), -r * sp.sin(theta)], [sp.sin(theta), r * sp.cos(theta)]])
    assert sp.simplify(ns["J"] - by_hand) == sp.zeros(2, 2) and ns["det"] == r
    assert sp.simplify(sph["det"] - sph["r"] ** 2 * sp.sin(sph["phi"])) == 0 and sph["volume"] == sp.pi * 4 / 3


def test_area_scaling_ratios_tend_to_det_j(example):
    ns = example(PAGE, "area_scaling")
    np.testing.assert_allclose(ns["det_J"], DET_SEED, rtol=1e-15)
    assert list(ns["c"]) == [1.0, 2.0] and sorted(ns["ratios"]) == [0.001, 0.01, 0.1]
    gaps = [abs(ns["ratios"][side] - DET_SEED) for side in (0.1, 0.01, 0.001)]
    # Centred squares: the gap is ~0.5 side^2 < side^2, so each ratio is negative ("sign included") and gaps shrink.
    assert all(gap < side**2 for side, gap in zip((0.1, 0.01, 0.001), gaps)) and gaps[0] > gaps[1] > gaps[2]
    square, area = ns["square"], ns["signed_area"]  # the unit square's boundary, counterclockwise
    assert square.shape == (800, 2) and area(square) == pytest.approx(1.0, rel=1e-14)
    np.testing.assert_allclose(np.max(np.abs(square), axis=1), 0.5, rtol=0, atol=0)  # on the boundary
    for n in (3, 4, 7, 50):  # regular polygons of radius 1.7, away from the origin
        angles = 2 * np.pi * np.arange(n) / n + 0.3
        polygon = 1.7 * np.stack([np.cos(angles), np.sin(angles)], axis=1) + [0.4, -2.0]
        assert area(polygon) == pytest.approx(n / 2 * 1.7**2 * np.sin(2 * np.pi / n), rel=1e-13)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=-3, max_value=3), min_size=12, max_size=12))
def test_shown_f_and_signed_area_measure_det_j(example, v):
    ns = example(PAGE, "area_scaling")  # v: a point, a triangle and a 2 x 2 matrix
    area, p, tri, A = ns["signed_area"], np.array(v[:2]), np.array(v[2:8]).reshape(3, 2), np.reshape(v[8:], (2, 2))
    np.testing.assert_allclose(ns["f"](p), seed_f(p), rtol=1e-15, atol=1e-15)
    exact = 0.5 * np.linalg.det([tri[1] - tri[0], tri[2] - tri[0]])  # > 0 when counterclockwise; reversed, translated
    assert area(tri) == pytest.approx(exact, abs=1e-12) and area(tri[::-1]) == pytest.approx(-exact, abs=1e-12)
    assert area(tri + p) == pytest.approx(exact, abs=1e-11)
    # A linear map scales areas by det A exactly ...
    assert area((p + 0.7 * ns["square"]) @ A.T) / 0.7**2 == pytest.approx(np.linalg.det(A), abs=1e-9)
    # ... and f in the limit: gap ~ side^2 x derivatives (<= 13) < 1e-4 at side 1e-3; a wrong f is off by O(1).
    image = np.array([ns["f"](p + 1e-3 * q) for q in ns["square"]])
    assert abs(area(image) / 1e-6 - np.linalg.det(seed_jacobian(p))) < 1e-3


def test_change_of_variables_on_the_disk(example):
    ns = example(PAGE, "change_of_variables")
    r = sp.Symbol("r", positive=True)
    exact = sp.integrate(sp.exp(-(r**2)) * r, (r, 0, 1)) * 2 * sp.pi
    assert sp.simplify(exact - sp.pi * (1 - sp.exp(-1))) == 0 and ns["exact"] == pytest.approx(float(exact), rel=1e-15)
    pts = np.random.default_rng(4).uniform(-1, 1, size=(10, 2))
    np.testing.assert_allclose(ns["g"](pts[:, 0], pts[:, 1]), np.exp(-np.sum(pts**2, axis=1)), rtol=1e-15)
    # Midpoint rule, 400 cells: exact in theta (periodic), ~2e-6 in r; 1e-5 bounds it: "agrees with the exact value".
    assert abs(ns["polar"] - float(exact)) < 1e-5
    # Monte Carlo "within its standard error", and the standard error is that of 4 * mean.
    assert ns["std_error"] == pytest.approx(np.std(4 * ns["values"]) / np.sqrt(1_000_000), rel=1e-12)
    assert abs(ns["monte_carlo"] - float(exact)) < ns["std_error"]
    radius2 = np.sum(ns["pts"] ** 2, axis=1)
    assert ns["monte_carlo"] == pytest.approx(4 * np.mean(np.where(radius2 <= 1, np.exp(-radius2), 0)), rel=1e-12)
    assert ns["forgot_r"] == pytest.approx(float(2 * sp.pi * sp.integrate(sp.exp(-(r**2)), (r, 0, 1))), abs=1e-5)
    assert abs(ns["forgot_r"] - float(exact)) > max(1, 1000 * ns["std_error"])  # "wrong by far more than any ..."
    # The rule samples only the open rectangle (0, 1) x (0, 2 pi), where polar coordinates are one-to-one, det r > 0.
    assert 0 < ns["r"].min() and ns["r"].max() < 1 and 0 < ns["theta"].min() and ns["theta"].max() < 2 * np.pi


def test_singular_values_circle_to_ellipse_product_is_det_and_rank(example):
    ns, x, y = example(PAGE, "singular_values"), *seed_symbols()
    J = seed_f_sympy().jacobian([x, y])
    for point, name in (((1, 2), "sigma"), ((0, 1), "sigma_q")):  # SymPy: sqrt of the eigenvalues of J^T J
        A = J.subs({x: point[0], y: point[1]})
        exact = sorted((float(sp.sqrt(e)) for e in (A.T * A).eigenvals(multiple=True)), reverse=True)
        np.testing.assert_allclose(ns[name], exact, rtol=1e-12, atol=1e-12)
    assert ns["product"] == pytest.approx(abs(DET_SEED), rel=1e-13) and ns["abs_det"] == pytest.approx(abs(DET_SEED))
    assert ns["rank_q"] == 1 and ns["sigma_q"][1] < 1e-14 and J.subs({x: 0}).rank() == 1  # rank 1 wherever x = 0
    np.testing.assert_allclose(ns["U"] @ np.diag(ns["sigma"]) @ ns["Vt"], seed_jacobian([1, 2]), atol=1e-14)
    # Semi-axes within the remainder: |D^2 f| <= 5 near (1, 2), so within 5 * radius / 2 = 2.5e-4.
    np.testing.assert_allclose(ns["semi_axes"], ns["sigma"], atol=2.5e-4)
    t, rho = np.linspace(0, 2 * np.pi, 3600, endpoint=False), 1e-5
    for p in np.random.default_rng(5).uniform(-2, 2, size=(5, 2)):  # the same recipe at other points
        d = np.linalg.norm([ns["f"](p + rho * np.array([np.cos(a), np.sin(a)])) - ns["f"](p) for a in t], axis=1)
        sigma = np.linalg.svd(numerical_jacobian(seed_f, p), compute_uv=False)
        np.testing.assert_allclose([d.max() / rho, d.min() / rho], sigma, atol=1e-3)
        np.testing.assert_allclose([ns["f"](p), *ns["J"](p)], [seed_f(p), *seed_jacobian(p)], rtol=1e-15)


def test_surface_area_factor_is_sin_phi_the_product_of_singular_values(example):
    ns = example(PAGE, "surface_area")
    phi, theta = ns["phi"], ns["theta"]
    assert ns["gram"] == sp.diag(1, sp.sin(phi) ** 2) and ns["factor"] == sp.Abs(sp.sin(phi)) and ns["area"] == 4 * sp.pi
    sphere = sp.lambdify((phi, theta), list(ns["sphere"]), "numpy")
    for a, b in np.random.default_rng(6).uniform([0.1, 0.0], [3.0, 6.2], size=(5, 2)):
        h, p = 1e-6, np.array(sphere(a, b))  # the image of a small square: area |cross product| / h^2
        e1, e2 = np.array(sphere(a + h, b)) - p, np.array(sphere(a, b + h)) - p
        assert np.linalg.norm(np.cross(e1, e2)) / h**2 == pytest.approx(np.sin(a), abs=1e-5)
        J = np.array(ns["J"].subs({phi: a, theta: b}), dtype=float)
        assert np.prod(np.linalg.svd(J, compute_uv=False)) == pytest.approx(np.sin(a), rel=1e-12)
    A = np.array([[2.0, 1.0], [-1.0, 0.5]])  # square J: sqrt(det(J^T J)) = |det J|
    assert np.sqrt(np.linalg.det(A.T @ A)) == pytest.approx(abs(np.linalg.det(A)), rel=1e-14)

@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-4, max_value=4), st.floats(min_value=-5, max_value=10))
def test_shown_coupling_layer_and_log_density_are_the_change_of_variables(example, a, b):
    ns, z = example(PAGE, "flow"), np.array([a, b])
    s, mu, Tz, _ = FLOW(a, b)
    np.testing.assert_allclose([ns["s"](a), ns["mu"](a)], [s, mu], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(ns["forward"](z), Tz.ravel(), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose([ns["inverse"](ns["forward"](z)), ns["forward"](ns["inverse"](z))], [z, z], atol=1e-12)
    # the page: "the log-determinant formula (against a finite-difference Jacobian)"
    assert np.log(abs(np.linalg.det(numerical_jacobian(ns["forward"], z)))) == pytest.approx(s, abs=FD_TOL)
    for log_p in (ns["log_density"](z), np.log(flow_density(a, b))):  # the figure's: p(x1) p(x2 | x1), no det J_T
        assert log_p == pytest.approx(LOG_DENSITY(a, b), rel=1e-12, abs=1e-12)


def test_flow_log_det_is_s_and_density_integrates_to_1_and_matches_samples(example):
    J = T.jacobian([Z1, Z2])  # lower triangular, det e^s
    assert J[0, 1] == 0 and J[0, 0] == 1 and sp.simplify(J.det() - sp.exp(S)) == 0  # so log|det J_T| = s
    ns = example(PAGE, "flow")
    # h = 1e-6: truncation ~ h^2 |T'''| < 1e-11, round-off ~ eps |T| / h < 1e-9 here.
    np.testing.assert_allclose(ns["J_fd"], FLOW(*ns["z0"])[3], atol=1e-8)
    assert abs(ns["log_det_fd"] - ns["s"](ns["z0"][0])) < 1e-8  # equal to the 8 printed decimals
    # Midpoint rule on a box holding all but ~1e-9 of the mass; its error is well below 1e-6.
    assert ns["cell"] == pytest.approx(0.02 * 0.02, rel=1e-12) and abs(ns["total"] - 1.0) < 1e-6
    p = ns["in_box"].mean()
    assert ns["std_error"] == pytest.approx(np.sqrt(p * (1 - p) / 400_000), rel=1e-12)
    assert abs(p - ns["density_in_box"]) < 3 * ns["std_error"]
    # Three more boxes, fresh samples through forward: each fraction's standard error is <= 0.0008; allow 5.
    x = ns["forward"](np.random.default_rng(3).normal(size=(400_000, 2)))
    for lo, hi in (((-0.5, -1.0), (0.5, 0.0)), ((-2.0, 0.0), (0.0, 3.0)), ((0.5, -2.0), (2.0, 1.0))):
        a, b = np.linspace(lo[0], hi[0], 401), np.linspace(lo[1], hi[1], 401)
        X1, X2 = np.meshgrid((a[:-1] + a[1:]) / 2, (b[:-1] + b[1:]) / 2)
        prob = np.sum(np.exp(ns["log_density"](np.stack([X1, X2], -1)))) * (a[1] - a[0]) * (b[1] - b[0])
        assert abs(np.mean(np.all((x > lo) & (x < hi), axis=1)) - prob) < 5 * 0.0008
    zb = np.random.default_rng(11).normal(size=(4, 5, 2))  # batches keep their shapes
    assert ns["forward"](zb).shape == ns["inverse"](zb).shape == (4, 5, 2) and ns["log_density"](zb).shape == (4, 5)


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=-3, max_value=3), st.floats(min_value=-3, max_value=3))
def test_stacked_flow_log_dets_add_and_the_inverse_has_the_opposite_sign(example, a, b):
    ns, z = example(PAGE, "flow_stack"), np.array([a, b])
    (x_exact, det), (x, log_det) = STACKED(a, b), ns["T"](z)
    np.testing.assert_allclose(x, x_exact.ravel(), rtol=1e-12, atol=1e-12)
    assert log_det == pytest.approx(np.log(abs(det)), abs=1e-12)  # the sum over layers = log|det J_T|
    z_back, log_det_inverse = ns["T_inverse"](x)
    z_exact, J_inverse = STACKED_INV(*x)
    np.testing.assert_allclose([z_back, z_exact.ravel()], [z, z], atol=1e-9)
    assert log_det_inverse == pytest.approx(-log_det, abs=1e-12)
    # The inverse function theorem: J_{T^-1}(T(z)) J_T(z) = I, both Jacobians by SymPy.
    np.testing.assert_allclose(np.array(J_inverse, dtype=float) @ STACKED_J(a, b), np.eye(2), atol=1e-9)
    assert ns["log_p_X"](x) == pytest.approx(ns["log_p_Z"](z) - log_det, abs=1e-12)
    assert ns["log_p_X_sign_bug"](x) == pytest.approx(ns["log_p_Z"](z) + log_det, abs=1e-12)  # p_Z |det J_T|


def test_stacked_flow_block_checks_and_the_sign_bug_integral(example):
    ns = example(PAGE, "flow_stack")
    _, det = STACKED(*ns["z"])
    # A point where the log-det is not 0 ("test at a point where it is not"): both signs would agree at 0.
    assert ns["log_det_T"] == pytest.approx(np.log(abs(det)), abs=1e-12) and abs(ns["log_det_T"]) > 0.1
    # Central differences, h = 1e-6: error ~ h^2 |T'''| + eps |T| / h < 1e-9 per entry.
    assert abs(ns["log_det_T_fd"] - ns["log_det_T"]) < 1e-8 and ns["gap"] < 1e-8
    assert ns["log_det_inverse"] == pytest.approx(-ns["log_det_T"], abs=1e-12) and abs(ns["log_det_sum"]) < 1e-15
    np.testing.assert_allclose(ns["jacobian_fd"](ns["T"], ns["z"]), STACKED_J(*ns["z"]), atol=1e-8)
    assert abs(ns["total"] - 1) < 1e-6  # midpoint rule on a box holding all but ~1e-8 of the mass
    # The sign bug integrates to E[|det J_T(Z)|^2]: SymPy's det on a grid in z (midpoint, spacing 0.02).
    g = np.arange(-8, 8, 0.02) + 0.01
    Za, Zb = np.meshgrid(g, g)
    expected = np.sum(np.exp(-(Za**2 + Zb**2) / 2) / (2 * np.pi) * STACKED(Za, Zb)[1] ** 2) * 0.02**2
    assert ns["total_sign_bug"] == pytest.approx(expected, rel=1e-5) and ns["total_sign_bug"] > 1.5


def test_exercise_linear_flow_equals_the_gaussian(example):
    ns = example(PAGE, "exercise_linear_flow")
    np.testing.assert_array_equal(np.concatenate([ns["A"].ravel(), ns["b"], ns["x"]]), [2, 0, 1, 0.5, 1, -1, 0.3, 0.7])
    A, b, x = (sp.Matrix(ns[k]).applyfunc(sp.nsimplify) for k in "Abx")  # exactly, in rationals
    cov, d = A * A.T, x - b
    exact = float(-(d.T * cov.inv() * d)[0] / 2 - sp.log(2 * sp.pi) - sp.log(cov.det()) / 2)  # N(b, A A^T)
    assert ns["flow"] == pytest.approx(exact, abs=1e-12) and ns["gaussian"] == pytest.approx(exact, abs=1e-12)
    np.testing.assert_allclose(ns["A"] @ ns["z"] + ns["b"], ns["x"], atol=1e-15)
    np.testing.assert_allclose(numerical_jacobian(lambda v: ns["A"] @ v + ns["b"], ns["z"]), ns["A"], atol=FD_TOL)
    # The solution's argument, on other matrices: the flow formula with log|det A| is the
    # log-density of N(b, A A^T), written here with a Cholesky factor of the covariance.
    rng = np.random.default_rng(10)
    for _ in range(10):
        A, b, x = rng.normal(size=(2, 2)) + 2 * np.eye(2), rng.normal(size=2), rng.normal(size=2)
        z, L = np.linalg.solve(A, x - b), np.linalg.cholesky(A @ A.T)
        w = np.linalg.solve(L, x - b)
        flow = -0.5 * z @ z - np.log(abs(np.linalg.det(A)))  # both sides without their common -log(2 pi)
        assert flow == pytest.approx(-0.5 * w @ w - np.sum(np.log(np.diag(L))), abs=1e-10)


def _overlaps(fig, texts):
    """Screen boxes of texts (with the circle drawn around a label), and whether any two overlap."""
    fig.canvas.draw()
    boxes = [(t.get_bbox_patch() or t).get_window_extent(fig.canvas.get_renderer()) for t in texts]
    return boxes, any(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))


def test_square_figure_numbers_agree_and_corners_turn_counterclockwise_then_clockwise():
    fig = square_figure(side=0.2)
    det, factor = re.search(r"= (-?\d+\.\d+): small areas scale by about (\d+\.\d+)", fig._suptitle.get_text()).groups()
    assert len(det.split(".")[1]) == len(factor.split(".")[1]) == 3 and factor == det.lstrip("-")
    assert float(det) == pytest.approx(DET_SEED, abs=5e-4) and fig._suptitle.get_fontsize() >= 10
    square_area = float(re.search(r"area (\d\.\d{4})", fig.axes[0].get_title()).group(1))
    image_area, ratio = map(float, re.search(r"area (\d\.\d{4})\n= (\d+\.\d{3}) ×", fig.axes[1].get_title()).groups())
    assert square_area == pytest.approx(0.04) and abs(ratio - abs(float(det))) < 0.05  # side 0.2 is not infinitesimal
    assert ratio == pytest.approx(image_area / square_area, abs=2e-3)  # 4-decimal areas, 3-decimal ratio
    assert len(fig.axes) == 2
    for ax, orientation in zip(fig.axes, (1, -1)):  # "counterclockwise before and clockwise after"
        edges = np.array([line.get_xydata() for line in ax.get_lines() if len(line.get_xydata()) > 1])
        labels = sorted((t for t in ax.texts if t.get_text() in set("ABCD")), key=lambda t: t.get_text())
        arrows = [t for t in ax.texts if t.get_text() == "" and hasattr(t, "xyann")]
        assert [t.get_text() for t in labels] == list("ABCD") and edges.shape == (4, 21, 2)
        assert all(t.get_fontsize() >= 10 for t in labels) and ax.title.get_fontsize() >= 10
        boxes, overlap = _overlaps(fig, labels)
        drawn = np.concatenate([ax.transData.transform(line.get_xydata()) for line in ax.get_lines()])
        for box in boxes:  # labels apart, and no drawn point (edge or corner) under a label
            assert not overlap and not np.any(np.all((drawn > box.min) & (drawn < box.max), axis=1))
        for k in range(4):  # the edges chain into the closed boundary, arrows along travel
            np.testing.assert_array_equal(edges[k][-1], edges[(k + 1) % 4][0])
            assert np.dot(np.subtract(arrows[k].xy, arrows[k].xyann), edges[k][-1] - edges[k][0]) > 0
        points = np.concatenate([e[:-1] for e in edges])
        centre, span = points.mean(axis=0), np.ptp(points, axis=0).max()
        positions = np.array([t.get_position() for t in labels])
        for k, (label, edge) in enumerate(zip(positions, edges)):  # outside, a fixed distance from its corner
            corner, d = edge[0], (label - edge[0]) / np.linalg.norm(label - edge[0])
            assert np.linalg.norm(label - centre) > np.linalg.norm(corner - centre)
            assert np.linalg.norm(label - corner) == pytest.approx(0.09 * span, rel=1e-9)
            # along the outward bisector: equal, obtuse angles with the two edges at the corner
            ahead, behind = edge[1] - corner, edges[k - 1][-2] - corner
            cos_ahead, cos_behind = d @ ahead / np.linalg.norm(ahead), d @ behind / np.linalg.norm(behind)
            assert cos_ahead == pytest.approx(cos_behind, abs=1e-9) and cos_ahead < 0
        x, y = positions[:, 0], positions[:, 1]
        assert np.sign(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)) == orientation
        if orientation > 0:  # the square's corners, A at the bottom left
            np.testing.assert_allclose(edges[:, 0], [[0.9, 1.9], [1.1, 1.9], [1.1, 2.1], [0.9, 2.1]], atol=1e-12)
    plt.close(fig)
    fig = square_figure(centre=[0.5, 1.0], side=0.1)  # a list centre is accepted
    assert "det J_f(0.5, 1)" in fig._suptitle.get_text()
    plt.close(fig)


def test_ellipse_figure_draws_the_image_ellipse_its_semi_axes_and_the_rank():
    fig, rho = ellipse_figure(radius=0.05), 0.05
    circle_ax, image_ax, flat_ax = fig.axes
    c, t = np.array([1.0, 2.0]), np.linspace(0, 2 * np.pi, 241)
    circle = rho * np.stack([np.cos(t), np.sin(t)], axis=1)
    np.testing.assert_allclose(circle_ax.lines[0].get_xydata(), c + circle, rtol=1e-14)
    tips = [np.asarray(a.xy) for a in circle_ax.texts]  # the right singular vectors, times the radius
    np.testing.assert_allclose(tips, c + rho * np.linalg.svd(seed_jacobian(c))[2], atol=1e-14)
    for ax, p, rank in ((image_ax, c, 2), (flat_ax, np.array([0.0, 1.0]), 1)):
        J, fp = seed_jacobian(p), seed_f(p)
        U, sigma, _ = np.linalg.svd(J)
        np.testing.assert_allclose(ax.lines[0].get_xydata(), [seed_f(p + v) for v in circle], rtol=1e-13)
        ellipse = ax.lines[1].get_xydata() - fp
        np.testing.assert_allclose(ellipse, circle @ J.T, atol=1e-13)
        # An ellipse with semi-axes sigma_i * radius: the farthest and nearest points of the dashed curve,
        # sampled every 2 pi / 240, so within sigma_1 * radius * pi / 240 (the segment's centre may fall between).
        d = np.linalg.norm(ellipse, axis=1)
        np.testing.assert_allclose([d.max(), d.min()], rho * sigma, atol=rho * sigma[0] * np.pi / 240)
        tips = [np.asarray(a.xy) for a in ax.texts]  # one arrow per nonzero singular value
        np.testing.assert_allclose(tips, [fp + rho * sigma[k] * U[:, k] for k in range(rank)], atol=1e-12)
        assert ax.get_title().endswith(f"σ = {sigma[0]:.2f}, {sigma[1]:.2f}; rank {rank}")
    assert "σ = 6.41, 1.04; rank 2" in image_ax.get_title() and "(0, 1)" in flat_ax.get_title()
    plt.close(fig)
    for kwargs, message in (({"radius": -1.0}, "radius must be a positive"), ({"flat": (0.0,)}, "flat must have shape"),
                            ({"centre": (np.inf, 2.0)}, "centre must be finite")):
        with pytest.raises(ValueError, match=message):
            ellipse_figure(**kwargs)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"side": 0.0}, ValueError, "side must be a positive"),
    ({"side": "0.2"}, TypeError, "side must be a positive number"),
    ({"centre": (1.0, 2.0, 3.0)}, ValueError, r"centre must have shape \(2,\)"),
    ({"centre": (np.nan, 2.0)}, ValueError, "centre must be finite"),
])
def test_square_figure_rejects_bad_input_naming_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        square_figure(**kwargs)


def test_flow_figure_base_contours_are_circles_and_labels_are_few_readable_and_apart():
    fig = flow_figure()
    assert len(fig.axes) == 2
    contours = fig.axes[0].collections[0]
    for level, path in zip(contours.levels, contours.get_paths()):
        radius = np.sqrt(-2 * np.log(2 * np.pi * level))  # exp(-r^2 / 2) / (2 pi) = level
        # Linear interpolation on a grid of spacing 0.09 puts vertices within ~0.01 of the circle.
        np.testing.assert_allclose(np.linalg.norm(path.vertices, axis=1), radius, atol=0.03)
    for ax in fig.axes:
        labels = [t for t in ax.texts if re.fullmatch(r"0\.\d\d", t.get_text())]
        assert 1 <= len(labels) <= 3 and all(t.get_fontsize() >= 8 for t in labels) and not _overlaps(fig, labels)[1]
    plt.close(fig)


def test_page_wording_hypotheses_and_notation():
    page = (ROOT / "docs" / "determinant.md").read_text(encoding="utf-8")
    assert "continuously differentiable on a neighbourhood of $\\vx$" in page and "t(z_1)" not in page
    assert "\\mu(z_1) = 0.7 z_1^2 - 0.7" in page
    assert "J_T" not in page.split("## In deep learning")[1].split("```python")[0]  # bold T: \J_\mathbf{T}
    block = page.split("from snippets.determinant.figures import square_figure")[1].split("```")[0]
    assert "square_figure(side=side)" in block and "{side:g}" in block and "side 0.2" not in block
    assert "invertible network" not in page and "with $r > 0$" in page


def test_explorer_caption_is_about_areas_and_negative_r_folds_polar_coordinates(capsys):
    page = (ROOT / "docs" / "determinant.md").read_text(encoding="utf-8")
    exec(page.split("## Try it: areas and orientation")[1].split('```python exec="on" html="1"')[1].split("```")[0], {})
    figure = capsys.readouterr().out
    caption = figure.split("<figcaption>")[-1]
    assert caption.startswith("The Jacobian determinant as the local area scale.") and "|det J_f(p)|" in caption
    assert "best local linear map" not in caption and 'data-jx-function="polar"' in figure
    # "(r, theta) with r < 0 lands on (-r, theta + pi), and det = r < 0"; at r = 0 the line goes to the origin.
    for r, theta in ((-1.5, 0.5), (-0.3, 2.0), (2.0, 0.5)):
        np.testing.assert_allclose(explorer_f("polar", (r, theta)), explorer_f("polar", (-r, theta + np.pi)), atol=1e-14)
        assert det2(explorer_jacobian("polar", (r, theta))) == pytest.approx(r, rel=1e-14)
    assert np.allclose([explorer_f("polar", (0.0, t)) for t in (0.0, 1.0, 2.5)], 0)


def test_planar_flow_determinant_by_the_matrix_determinant_lemma():
    rng = np.random.default_rng(12)  # T(z) = z + u tanh(w.z + b): det J_T = 1 + tanh'(w.z + b) w.u
    for n in (2, 5):
        u, w, z, b = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n), 0.3
        planar = lambda v: v + u * np.tanh(w @ v + b)  # noqa: E731
        lemma = 1 + (1 - np.tanh(w @ z + b) ** 2) * (w @ u)
        assert np.linalg.det(numerical_jacobian(planar, z)) == pytest.approx(lemma, abs=1e-8)

"""docs/determinant.md: |det J| scales small areas, its sign is orientation, and flows correct densities by it.

Every claim of the page is checked on the objects its examples make (snippets/determinant/):
the shown shoelace area and square against exact areas, the polar and spherical determinants and
the seed determinant against SymPy, the change-of-variables integrals against the exact value,
the shown coupling flow against SymPy's Jacobian and against a density derived without det J_T,
and the figures' numbers and labels.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.determinant.figures import flow_density, flow_figure, square_figure
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols

PAGE = "determinant"
ROOT = Path(__file__).resolve().parent.parent
# Central differences (h = 6e-6) on these smooth maps with inputs |z| <= 3: error ~ 1e-9 per
# entry, so determinants and log-determinants agree to 1e-6 with a wide margin, while a wrong
# formula is off by O(1).
FD_TOL = 1e-6
DET_SEED = 4 * np.cos(2.0) - 5  # det J_f(1, 2), worked by hand on the page

coordinate = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)
entry = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


def flow_sympy():
    """The page's coupling layer T(z1, z2) = (z1, z2 e^{s(z1)} + mu(z1)), exactly."""
    z1, z2 = sp.symbols("z1 z2", real=True)
    s = sp.Rational(4, 5) * sp.tanh(z1)
    mu = sp.Rational(7, 10) * z1**2 - sp.Rational(7, 10)
    return (z1, z2), s, mu, sp.Matrix([z1, z2 * sp.exp(s) + mu])


def flow_log_density_via_inverse():
    """log p_X(x) = log p_Z(T^{-1}(x)) + log|det J_{T^{-1}}(x)|, with SymPy's Jacobian of the
    inverse: the change of variables taken the other way, without the page's s(z1) shortcut."""
    x1, x2 = sp.symbols("x1 x2", real=True)
    s = sp.Rational(4, 5) * sp.tanh(x1)
    mu = sp.Rational(7, 10) * x1**2 - sp.Rational(7, 10)
    inv = sp.Matrix([x1, (x2 - mu) * sp.exp(-s)])
    log_pz = -(inv[0] ** 2 + inv[1] ** 2) / 2 - sp.log(2 * sp.pi)
    return sp.lambdify((x1, x2), log_pz + sp.log(sp.Abs(inv.jacobian([x1, x2]).det())), "numpy")


# --- the running example: the worked example and exercise 1 --------------------------------


def test_seed_determinant_closed_form_and_value():
    x, y = seed_symbols()
    det = seed_f_sympy().jacobian([x, y]).det()
    assert sp.expand(det - (2 * x * y * sp.cos(y) - 5 * x**2)) == 0
    at_point = det.subs({x: 1, y: 2})
    assert sp.simplify(at_point - (4 * sp.cos(2) - 5)) == 0
    assert float(at_point) < 0  # cos 2 < 0: orientation is reversed
    assert round(float(at_point), 2) == -6.66  # the page's "about -6.66" and "about 6.66"
    assert round(abs(float(at_point)), 1) == 6.7  # the figure's alt text: "about 6.7 times"
    np.testing.assert_allclose(np.linalg.det(numerical_jacobian(seed_f, [1.0, 2.0])), float(at_point), atol=FD_TOL)


def test_exercise_seed_det_is_4_cos_2_minus_5(example):
    ns = example(PAGE, "exercise_seed_det")
    x, y = seed_symbols()
    assert sp.simplify(ns["J"] - seed_f_sympy().jacobian([x, y])) == sp.zeros(2, 2)
    assert sp.simplify(ns["d"] - (4 * sp.cos(2) - 5)) == 0


# --- area scaling, measured -----------------------------------------------------------------


def test_area_scaling_ratios_tend_to_det_j(example):
    ns = example(PAGE, "area_scaling")
    np.testing.assert_allclose(ns["det_J"], DET_SEED, rtol=1e-15)
    assert sorted(ns["ratios"]) == [0.001, 0.01, 0.1]
    gaps = [abs(ns["ratios"][side] - DET_SEED) for side in (0.1, 0.01, 0.001)]
    # The square is centred at c, so the first-order term cancels: the gap is O(side^2) (about
    # 0.5 side^2 here); side^2 bounds it, and the gaps shrink as the page says.
    for side, gap in zip((0.1, 0.01, 0.001), gaps):
        assert gap < side**2
    assert gaps[0] > gaps[1] > gaps[2]
    assert all(ratio < 0 for ratio in ns["ratios"].values())  # "sign included"


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_shown_f_is_the_running_example(example, px, py):
    ns = example(PAGE, "area_scaling")
    p = np.array([px, py])
    np.testing.assert_allclose(ns["f"](p), seed_f(p), rtol=1e-15, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.lists(coordinate, min_size=6, max_size=6), coordinate, coordinate)
def test_shown_signed_area_of_triangles_is_half_the_cross_product(example, v, dx, dy):
    ns = example(PAGE, "area_scaling")
    tri = np.array(v).reshape(3, 2)
    (ax, ay), (bx, by) = tri[1] - tri[0], tri[2] - tri[0]
    exact = 0.5 * (ax * by - ay * bx)  # positive when counterclockwise
    assert ns["signed_area"](tri) == pytest.approx(exact, abs=1e-12)
    assert ns["signed_area"](tri[::-1]) == pytest.approx(-exact, abs=1e-12)
    assert ns["signed_area"](tri + [dx, dy]) == pytest.approx(exact, abs=1e-11)  # translation


@pytest.mark.parametrize("n", [3, 4, 7, 50])
def test_shown_signed_area_of_regular_polygons(example, n):
    ns = example(PAGE, "area_scaling")
    angles = 2 * np.pi * np.arange(n) / n + 0.3
    polygon = 1.7 * np.stack([np.cos(angles), np.sin(angles)], axis=1) + [0.4, -2.0]
    exact = n / 2 * 1.7**2 * np.sin(2 * np.pi / n)
    assert ns["signed_area"](polygon) == pytest.approx(exact, rel=1e-13)


def test_shown_square_is_the_unit_square_boundary_counterclockwise(example):
    ns = example(PAGE, "area_scaling")
    square = ns["square"]
    assert square.shape == (800, 2)
    np.testing.assert_allclose(np.max(np.abs(square), axis=1), 0.5, rtol=0, atol=0)  # on the boundary
    assert ns["signed_area"](square) == pytest.approx(1.0, rel=1e-14)
    np.testing.assert_array_equal(ns["c"], [1.0, 2.0])


@settings(max_examples=40, deadline=None)
@given(entry, entry, entry, entry, coordinate, coordinate)
def test_area_ratio_is_det_a_exactly_for_linear_maps(example, a, b, c, d, px, py):
    ns = example(PAGE, "area_scaling")
    A, centre, side = np.array([[a, b], [c, d]]), np.array([px, py]), 0.7
    image = np.array([A @ (centre + side * q) for q in ns["square"]])
    assert ns["signed_area"](image) / side**2 == pytest.approx(np.linalg.det(A), abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(coordinate, coordinate)
def test_small_square_area_ratio_tends_to_det_j_everywhere(example, px, py):
    ns = example(PAGE, "area_scaling")
    c = np.array([px, py])
    # The gap is O(side^2) times second and third derivatives (<= 2|x| + 2|y| + 1 <= 13 here):
    # side 1e-3 makes it < 1e-4, so 1e-3 is safe while a wrong f, square or area is off by O(1).
    side = 1e-3
    image = np.array([ns["f"](c + side * q) for q in ns["square"]])
    assert abs(ns["signed_area"](image) / side**2 - np.linalg.det(seed_jacobian(c))) < 1e-3


# --- polar and spherical coordinates --------------------------------------------------------


def test_polar_jacobian_and_determinant_is_r(example):
    ns = example(PAGE, "polar_sympy")
    r, theta = ns["r"], ns["theta"]
    by_hand = sp.Matrix([[sp.cos(theta), -r * sp.sin(theta)], [sp.sin(theta), r * sp.cos(theta)]])
    assert sp.simplify(ns["J"] - by_hand) == sp.zeros(2, 2)
    assert ns["det"] == r
    polar = lambda v: np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])  # noqa: E731
    for p in np.random.default_rng(8).uniform([0.1, -np.pi], [3, np.pi], size=(20, 2)):
        assert np.linalg.det(numerical_jacobian(polar, p)) == pytest.approx(p[0], abs=FD_TOL)


def test_exercise_spherical_determinant_and_ball_volume(example):
    ns = example(PAGE, "exercise_spherical")
    r, phi = ns["r"], ns["phi"]
    assert sp.simplify(ns["det"] - r**2 * sp.sin(phi)) == 0
    assert ns["volume"] == sp.Rational(4, 3) * sp.pi
    sph = lambda v: np.array([v[0] * np.sin(v[1]) * np.cos(v[2]),  # noqa: E731
                              v[0] * np.sin(v[1]) * np.sin(v[2]), v[0] * np.cos(v[1])])
    for p in np.random.default_rng(9).uniform([0.1, 0.1, -3], [2, 3, 3], size=(10, 3)):
        assert np.linalg.det(numerical_jacobian(sph, p)) == pytest.approx(p[0] ** 2 * np.sin(p[1]), abs=FD_TOL)


# --- a numerical check: change of variables -------------------------------------------------


def test_change_of_variables_on_the_disk(example):
    ns = example(PAGE, "change_of_variables")
    r = sp.Symbol("r", positive=True)
    exact = sp.integrate(sp.exp(-(r**2)) * r, (r, 0, 1)) * 2 * sp.pi
    assert sp.simplify(exact - sp.pi * (1 - sp.exp(-1))) == 0
    assert ns["exact"] == pytest.approx(float(exact), rel=1e-15)
    pts = np.random.default_rng(4).uniform(-1, 1, size=(10, 2))
    np.testing.assert_allclose(ns["g"](pts[:, 0], pts[:, 1]), np.exp(-np.sum(pts**2, axis=1)), rtol=1e-15)
    # Midpoint rule with 400 cells: exact in theta (periodic), error (1/400)^2 / 24 * 2 pi *
    # [d/dr (r e^{-r^2})]_0^1 ~ 2e-6 in r; 1e-5 bounds it: "agrees with the exact value".
    assert abs(ns["polar"] - float(exact)) < 1e-5
    # Monte Carlo "within its standard error", and the standard error is that of 4 * mean.
    assert ns["std_error"] == pytest.approx(np.std(4 * ns["values"]) / np.sqrt(1_000_000), rel=1e-12)
    assert abs(ns["monte_carlo"] - float(exact)) < ns["std_error"]
    inside = np.sum(ns["pts"] ** 2, axis=1) <= 1
    assert ns["monte_carlo"] == pytest.approx(4 * np.mean(np.where(inside, np.exp(-np.sum(ns["pts"] ** 2, axis=1)), 0)),
                                              rel=1e-12)
    # Without r: "wrong by far more than any numerical error".
    gap = abs(ns["forgot_r"] - float(exact))
    assert gap > 1 and gap > 1000 * ns["std_error"]
    assert ns["forgot_r"] == pytest.approx(float(2 * sp.pi * sp.integrate(sp.exp(-(r**2)), (r, 0, 1))), abs=1e-5)


# --- normalizing flows: the coupling layer --------------------------------------------------


def test_coupling_jacobian_is_triangular_with_log_det_s():
    (z1, z2), s, _, T = flow_sympy()
    J = T.jacobian([z1, z2])
    assert J[0, 1] == 0 and J[0, 0] == 1  # lower triangular
    assert sp.simplify(J.det() - sp.exp(s)) == 0
    assert sp.simplify(sp.log(J.det()) - s) == 0


@settings(max_examples=60, deadline=None)
@given(coordinate, coordinate)
def test_shown_coupling_layer_matches_sympy_and_inverts(example, a, b):
    ns = example(PAGE, "flow")
    (z1, z2), s, mu, T = flow_sympy()
    z = np.array([a, b])
    np.testing.assert_allclose(ns["s"](a), float(s.subs(z1, a)), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(ns["mu"](a), float(mu.subs(z1, a)), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(ns["forward"](z), np.array(T.subs({z1: a, z2: b}), float).ravel(), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ns["inverse"](ns["forward"](z)), z, atol=1e-12)
    np.testing.assert_allclose(ns["forward"](ns["inverse"](z)), z, atol=1e-12)
    # the page: "the log-determinant formula (against a finite-difference Jacobian)"
    J = numerical_jacobian(ns["forward"], z)
    assert np.log(abs(np.linalg.det(J))) == pytest.approx(float(ns["s"](a)), abs=FD_TOL)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-4, max_value=4), st.floats(min_value=-5, max_value=10))
def test_shown_log_density_is_the_change_of_variables(example, a, b):
    ns = example(PAGE, "flow")
    x = np.array([a, b])
    expected = flow_log_density_via_inverse()(a, b)
    assert ns["log_density"](x) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # The figure draws the same density, derived as p(x1) p(x2 | x1) without det J_T.
    assert np.log(flow_density(a, b)) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_flow_finite_difference_check_at_z0(example):
    ns = example(PAGE, "flow")
    (z1, z2), _, _, T = flow_sympy()
    z0 = ns["z0"]
    J = np.array(T.jacobian([z1, z2]).subs({z1: z0[0], z2: z0[1]}), float)
    # h = 1e-6: truncation ~ h^2 |T'''| < 1e-11, round-off ~ eps |T| / h < 1e-9 here.
    np.testing.assert_allclose(ns["J_fd"], J, atol=1e-8)
    assert abs(ns["log_det_fd"] - ns["s"](z0[0])) < 1e-8  # equal to the 8 printed decimals


def test_flow_density_integrates_to_1_and_without_log_det_it_does_not(example):
    ns = example(PAGE, "flow")
    assert ns["cell"] == pytest.approx(0.02 * 0.02, rel=1e-12)
    # Midpoint rule on a box holding all but ~1e-9 of the mass; its error is well below 1e-6.
    assert abs(ns["total"] - 1.0) < 1e-6
    z = ns["inverse"](np.stack([ns["X1"], ns["X2"]], axis=-1))
    without_log_det = np.sum(np.exp(-0.5 * np.sum(z**2, axis=-1) - np.log(2 * np.pi))) * ns["cell"]
    assert abs(without_log_det - 1.0) > 0.05  # "does not integrate to 1"


def test_flow_density_matches_pushed_samples(example):
    ns = example(PAGE, "flow")
    p = ns["in_box"].mean()
    assert ns["std_error"] == pytest.approx(np.sqrt(p * (1 - p) / 400_000), rel=1e-12)
    assert abs(p - ns["density_in_box"]) < 3 * ns["std_error"]
    # Three more boxes with fresh samples, through the shown forward and log_density. The
    # sample fraction has standard error <= 0.0008; allow 5 standard errors.
    x = ns["forward"](np.random.default_rng(3).normal(size=(400_000, 2)))
    for lo, hi in (((-0.5, -1.0), (0.5, 0.0)), ((-2.0, 0.0), (0.0, 3.0)), ((0.5, -2.0), (2.0, 1.0))):
        lo, hi = np.array(lo), np.array(hi)
        frac = np.mean(np.all((x > lo) & (x < hi), axis=1))
        a, b = np.linspace(lo[0], hi[0], 401), np.linspace(lo[1], hi[1], 401)
        X1, X2 = np.meshgrid((a[:-1] + a[1:]) / 2, (b[:-1] + b[1:]) / 2)
        prob = np.sum(np.exp(ns["log_density"](np.stack([X1, X2], -1)))) * (a[1] - a[0]) * (b[1] - b[0])
        assert abs(frac - prob) < 5 * 0.0008


def test_shown_flow_keeps_batch_shapes(example):
    ns = example(PAGE, "flow")
    z = np.random.default_rng(11).normal(size=(4, 5, 2))
    assert ns["forward"](z).shape == (4, 5, 2) and ns["inverse"](z).shape == (4, 5, 2)
    assert ns["log_density"](z).shape == (4, 5)


# --- exercise 3: a linear flow is a Gaussian ------------------------------------------------


def test_exercise_linear_flow_equals_the_gaussian(example):
    ns = example(PAGE, "exercise_linear_flow")
    A = sp.Matrix([[2, 0], [1, sp.Rational(1, 2)]])
    b, x = sp.Matrix([1, -1]), sp.Matrix([sp.Rational(3, 10), sp.Rational(7, 10)])
    np.testing.assert_array_equal(ns["A"], np.array(A, float))
    np.testing.assert_array_equal(ns["b"], np.array(b, float).ravel())
    np.testing.assert_array_equal(ns["x"], np.array(x, float).ravel())
    cov, d = A * A.T, x - b
    exact = -(d.T * cov.inv() * d)[0] / 2 - sp.log(2 * sp.pi) - sp.log(cov.det()) / 2  # N(b, A A^T)
    assert ns["flow"] == pytest.approx(float(exact), abs=1e-12)
    assert ns["gaussian"] == pytest.approx(float(exact), abs=1e-12)
    np.testing.assert_allclose(ns["A"] @ ns["z"] + ns["b"], ns["x"], atol=1e-15)
    np.testing.assert_allclose(numerical_jacobian(lambda v: ns["A"] @ v + ns["b"], ns["z"]), ns["A"], atol=FD_TOL)


def test_linear_flow_identity_holds_for_any_invertible_a():
    # The solution's argument, checked on other matrices: the flow formula with log|det A| is the
    # log-density of N(b, A A^T), written here with a Cholesky factor of the covariance.
    rng = np.random.default_rng(10)
    for _ in range(10):
        A = rng.normal(size=(2, 2)) + 2 * np.eye(2)
        b, x = rng.normal(size=2), rng.normal(size=2)
        z = np.linalg.solve(A, x - b)
        flow = -0.5 * z @ z - np.log(2 * np.pi) - np.log(abs(np.linalg.det(A)))
        L = np.linalg.cholesky(A @ A.T)
        w = np.linalg.solve(L, x - b)
        assert flow == pytest.approx(-0.5 * w @ w - np.log(2 * np.pi) - np.sum(np.log(np.diag(L))), abs=1e-10)


# --- the figures ----------------------------------------------------------------------------


def _text_boxes(fig, texts):
    """Screen boxes of texts, including the circle drawn around a label when there is one."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t.get_bbox_patch() or t).get_window_extent(renderer) for t in texts]


def test_figures_have_two_panels():
    import matplotlib.pyplot as plt

    for fig in (square_figure(), flow_figure()):
        assert len(fig.axes) == 2
        plt.close(fig)


def test_square_figure_numbers_share_one_precision_and_agree():
    import matplotlib.pyplot as plt

    fig = square_figure(side=0.2)
    suptitle = fig._suptitle.get_text()
    det, factor = re.search(r"= (-?\d+\.\d+): small areas scale by about (\d+\.\d+)", suptitle).groups()
    assert len(det.split(".")[1]) == len(factor.split(".")[1]) == 3
    assert float(det) == pytest.approx(DET_SEED, abs=5e-4) and factor == det.lstrip("-")
    square_area = float(re.search(r"area (\d\.\d{4})", fig.axes[0].get_title()).group(1))
    image_area, ratio = map(float, re.search(r"area (\d\.\d{4})\n= (\d+\.\d{3}) ×", fig.axes[1].get_title()).groups())
    assert square_area == pytest.approx(0.04)
    assert ratio == pytest.approx(image_area / square_area, abs=2e-3)  # 4-decimal areas, 3-decimal ratio
    assert abs(ratio - abs(float(det))) < 0.05  # a square of side 0.2 is small, not infinitesimal
    plt.close(fig)


def test_square_figure_corner_labels_do_not_overlap_and_text_is_large_enough():
    import matplotlib.pyplot as plt

    fig = square_figure()
    for ax in fig.axes:
        labels = [t for t in ax.texts if t.get_text() in ("A", "B", "C", "D")]
        assert sorted(t.get_text() for t in labels) == ["A", "B", "C", "D"]
        boxes = _text_boxes(fig, labels)
        for i in range(4):
            for j in range(i + 1, 4):
                assert not boxes[i].overlaps(boxes[j]), (labels[i].get_text(), labels[j].get_text())
        # No label hides part of an edge or a corner: no drawn point lies under a label.
        drawn = np.concatenate([ax.transData.transform(line.get_xydata()) for line in ax.get_lines()])
        for label, box in zip(labels, boxes):
            inside = (drawn[:, 0] > box.x0) & (drawn[:, 0] < box.x1) & (drawn[:, 1] > box.y0) & (drawn[:, 1] < box.y1)
            assert not np.any(inside), label.get_text()
        assert all(t.get_fontsize() >= 10 for t in labels) and ax.title.get_fontsize() >= 10
    assert fig._suptitle.get_fontsize() >= 10
    plt.close(fig)


def _square_panel(ax):
    """(edge lines, corner label positions A..D, arrows) of one panel of the square figure."""
    edges = [line.get_xydata() for line in ax.get_lines() if len(line.get_xydata()) > 1]
    labels = {t.get_text(): np.array(t.get_position()) for t in ax.texts if t.get_text() in ("A", "B", "C", "D")}
    arrows = [t for t in ax.texts if t.get_text() == "" and hasattr(t, "xyann")]
    return edges, np.array([labels[k] for k in "ABCD"]), arrows


def test_square_figure_corners_turn_counterclockwise_then_clockwise():
    import matplotlib.pyplot as plt

    fig = square_figure()
    (square_edges, before, _), (_, after, _) = (_square_panel(ax) for ax in fig.axes)
    signed = lambda v: 0.5 * np.sum(v[:, 0] * np.roll(v[:, 1], -1) - np.roll(v[:, 0], -1) * v[:, 1])  # noqa: E731
    assert signed(before) > 0 > signed(after)  # "counterclockwise before and clockwise after"
    assert before[0, 0] < before[2, 0] and before[0, 1] < before[2, 1]  # A is the bottom-left corner
    corners = np.array([e[0] for e in square_edges])
    np.testing.assert_allclose(corners, [[0.9, 1.9], [1.1, 1.9], [1.1, 2.1], [0.9, 2.1]], atol=1e-12)
    plt.close(fig)


def test_square_figure_edges_arrows_and_labels_follow_the_boundary():
    import matplotlib.pyplot as plt

    fig = square_figure()
    for ax in fig.axes:
        edges, labels, arrows = _square_panel(ax)
        assert len(edges) == 4 and all(len(e) == 21 for e in edges)
        for k in range(4):  # the four edges chain into the closed boundary
            np.testing.assert_array_equal(edges[k][-1], edges[(k + 1) % 4][0])
        for edge, arrow in zip(edges, arrows):  # each arrow points along the direction of travel
            assert np.dot(np.subtract(arrow.xy, arrow.xyann), edge[-1] - edge[0]) > 0
        points = np.concatenate([e[:-1] for e in edges])
        centre, span = points.mean(axis=0), np.ptp(points, axis=0).max()
        for k, (label, edge) in enumerate(zip(labels, edges)):  # outside, a fixed distance from its corner
            corner = edge[0]
            assert np.linalg.norm(label - centre) > np.linalg.norm(corner - centre)
            assert np.linalg.norm(label - corner) == pytest.approx(0.09 * span, rel=1e-9)
            # along the outward bisector: equal, obtuse angles with the two edges at the corner
            ahead, behind = edge[1] - corner, edges[k - 1][-2] - corner
            d = (label - corner) / np.linalg.norm(label - corner)
            cos_ahead, cos_behind = d @ ahead / np.linalg.norm(ahead), d @ behind / np.linalg.norm(behind)
            assert cos_ahead == pytest.approx(cos_behind, abs=1e-9) and cos_ahead < 0
    plt.close(fig)


def test_flow_figure_base_contours_are_circles_of_the_standard_normal():
    import matplotlib.pyplot as plt

    fig = flow_figure()
    contours = fig.axes[0].collections[0]
    for level, path in zip(contours.levels, contours.get_paths()):
        radius = np.sqrt(-2 * np.log(2 * np.pi * level))  # exp(-r^2 / 2) / (2 pi) = level
        # Linear interpolation on a grid of spacing 0.09 puts vertices within ~0.01 of the circle.
        np.testing.assert_allclose(np.linalg.norm(path.vertices, axis=1), radius, atol=0.03)
    plt.close(fig)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"side": 0.0}, ValueError, "side must be a positive"),
        ({"side": float("nan")}, ValueError, "side must be a positive"),
        ({"side": "0.2"}, TypeError, "side must be a positive number"),
        ({"centre": (1.0, 2.0, 3.0)}, ValueError, r"centre must have shape \(2,\)"),
        ({"centre": (np.nan, 2.0)}, ValueError, "centre must be finite"),
    ],
)
def test_square_figure_rejects_bad_input_naming_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        square_figure(**kwargs)


def test_square_figure_accepts_a_list_centre():
    import matplotlib.pyplot as plt

    fig = square_figure(centre=[0.5, 1.0], side=0.1)
    assert "det J_f(0.5, 1)" in fig._suptitle.get_text()
    plt.close(fig)


def test_flow_figure_contour_labels_are_few_readable_and_apart():
    import matplotlib.pyplot as plt

    fig = flow_figure()
    for ax in fig.axes:
        labels = [t for t in ax.texts if re.fullmatch(r"0\.\d\d", t.get_text())]
        assert 1 <= len(labels) <= 3
        assert all(t.get_fontsize() >= 8 for t in labels)
        boxes = _text_boxes(fig, labels)
        assert not any(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))
    plt.close(fig)


# --- the page's wording ---------------------------------------------------------------------


def test_page_wording_hypotheses_and_notation():
    page = (ROOT / "docs" / "determinant.md").read_text(encoding="utf-8")
    assert "continuously differentiable on a neighbourhood of $\\vx$" in page
    assert "t(z_1)" not in page and "\\mu(z_1) = 0.7 z_1^2 - 0.7" in page
    assert "J_T" not in page.split("## In deep learning")[1].split("```python")[0]  # bold T: \J_\mathbf{T}
    block = page.split("from snippets.determinant.figures import square_figure")[1].split("```")[0]
    assert "square_figure(side=side)" in block and "{side:g}" in block and "side 0.2" not in block

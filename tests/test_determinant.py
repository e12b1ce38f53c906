"""snippets/determinant.py: area scaling, polar coordinates, change of variables, a coupling flow."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.determinant import (
    coupling_forward,
    coupling_inverse,
    coupling_log_det,
    flow_figure,
    flow_log_density,
    polygon_area,
    square_figure,
    square_image_area_ratio,
)
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols
from tests.conftest import ROOT

# Central differences (h = 6e-6) on these smooth maps with inputs |z| <= 3: error ~ 1e-9 per
# entry, so determinants and log-determinants agree to 1e-6 with a wide margin.
FD_TOL = 1e-6

coordinate = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


def flow_sympy():
    z1, z2 = sp.symbols("z1 z2", real=True)
    T = sp.Matrix([z1, z2 * sp.exp(sp.Rational(4, 5) * sp.tanh(z1)) + sp.Rational(7, 10) * z1**2 - sp.Rational(7, 10)])
    return (z1, z2), T


def box_integral(log_density, x1=(-7, 7, 701), x2=(-10, 40, 2501)):
    a = np.linspace(*x1)
    b = np.linspace(*x2)
    X1, X2 = np.meshgrid((a[:-1] + a[1:]) / 2, (b[:-1] + b[1:]) / 2)
    return np.sum(np.exp(log_density(np.stack([X1, X2], axis=-1)))) * (a[1] - a[0]) * (b[1] - b[0])


# --- the running example -------------------------------------------------------------------


def test_seed_determinant_symbolically_and_at_the_page_point():
    x, y = seed_symbols()
    det = seed_f_sympy().jacobian([x, y]).det()
    assert sp.expand(det - (2 * x * y * sp.cos(y) - 5 * x**2)) == 0
    at_point = det.subs({x: 1, y: 2})
    assert sp.simplify(at_point - (4 * sp.cos(2) - 5)) == 0
    assert round(float(at_point), 2) == -6.66  # the page's "about -6.66" and "about 6.7 times"
    np.testing.assert_allclose(np.linalg.det(numerical_jacobian(seed_f, [1.0, 2.0])), float(at_point), atol=FD_TOL)


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_small_square_area_ratio_tends_to_det_j(px, py):
    c = np.array([px, py])
    det = np.linalg.det(seed_jacobian(c))
    # error of the ratio ~ side x (second derivatives, <= 2 |x| + 2 |y| + 1 here); side 1e-3
    # makes it < 2e-2, and the boundary polygon with 4 x 50 points is exact for linear maps.
    ratio = square_image_area_ratio(seed_f, c, 1e-3)
    assert abs(ratio - det) < 2e-2


def test_area_ratio_is_exact_for_linear_maps_and_sees_orientation():
    A = np.array([[2.0, 1.0], [0.5, -3.0]])
    ratio = square_image_area_ratio(lambda p: A @ p, [0.3, -0.2], 0.7, samples_per_edge=3)
    assert ratio == pytest.approx(np.linalg.det(A), rel=1e-12)
    assert ratio < 0  # det A < 0: the image runs clockwise


def test_polygon_area_sign_and_value():
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    assert polygon_area(square) == 1.0
    assert polygon_area(square[::-1]) == -1.0


# --- polar and spherical coordinates --------------------------------------------------------


def test_polar_determinant_is_r():
    r, theta = sp.symbols("r theta", positive=True)
    J = sp.Matrix([r * sp.cos(theta), r * sp.sin(theta)]).jacobian([r, theta])
    assert sp.simplify(J.det()) == r
    polar = lambda v: np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])
    for p in np.random.default_rng(8).uniform([0.1, -np.pi], [3, np.pi], size=(20, 2)):
        assert np.linalg.det(numerical_jacobian(polar, p)) == pytest.approx(p[0], abs=FD_TOL)


def test_spherical_exercise():
    r, theta, phi = sp.symbols("r theta phi", positive=True)
    xyz = sp.Matrix([r * sp.sin(phi) * sp.cos(theta), r * sp.sin(phi) * sp.sin(theta), r * sp.cos(phi)])
    det = sp.simplify(xyz.jacobian([r, phi, theta]).det())
    assert sp.simplify(det - r**2 * sp.sin(phi)) == 0
    assert sp.integrate(det, (r, 0, 1), (phi, 0, sp.pi), (theta, 0, 2 * sp.pi)) == sp.Rational(4, 3) * sp.pi
    sph = lambda v: np.array([v[0] * np.sin(v[1]) * np.cos(v[2]), v[0] * np.sin(v[1]) * np.sin(v[2]), v[0] * np.cos(v[1])])
    for p in np.random.default_rng(9).uniform([0.1, 0.1, -3], [2, 3, 3], size=(10, 3)):
        assert np.linalg.det(numerical_jacobian(sph, p)) == pytest.approx(p[0] ** 2 * np.sin(p[1]), abs=FD_TOL)


def test_change_of_variables_on_the_disk():
    r = sp.Symbol("r", positive=True)
    exact = sp.integrate(sp.exp(-(r**2)) * r, (r, 0, 1)) * 2 * sp.pi
    assert sp.simplify(exact - sp.pi * (1 - sp.exp(-1))) == 0
    # midpoint rule in polar coordinates with the factor r: error O(1/n^2) ~ 1e-5 for n = 400
    n = 400
    R, T = np.meshgrid((np.arange(n) + 0.5) / n, (np.arange(n) + 0.5) * 2 * np.pi / n)
    polar = np.sum(np.exp(-(R**2)) * R) * (1 / n) * (2 * np.pi / n)
    assert polar == pytest.approx(float(exact), abs=1e-4)
    forgot = np.sum(np.exp(-(R**2))) * (1 / n) * (2 * np.pi / n)
    assert abs(forgot - float(exact)) > 1


# --- the coupling flow ----------------------------------------------------------------------


def test_coupling_jacobian_and_log_det_symbolically():
    (z1, z2), T = flow_sympy()
    J = T.jacobian([z1, z2])
    assert J[0, 1] == 0 and J[0, 0] == 1  # lower triangular
    assert sp.simplify(J.det() - sp.exp(sp.Rational(4, 5) * sp.tanh(z1))) == 0
    assert sp.simplify(sp.log(J.det()) - sp.Rational(4, 5) * sp.tanh(z1)) == 0


@settings(max_examples=100, deadline=None)
@given(coordinate, coordinate)
def test_coupling_log_det_matches_finite_differences_and_inverse_inverts(a, b):
    z = np.array([a, b])
    J = numerical_jacobian(coupling_forward, z)
    assert np.log(abs(np.linalg.det(J))) == pytest.approx(float(coupling_log_det(z)), abs=FD_TOL)
    np.testing.assert_allclose(coupling_inverse(coupling_forward(z)), z, atol=1e-12)
    x = z  # also the other way round
    np.testing.assert_allclose(coupling_forward(coupling_inverse(x)), x, atol=1e-12)


def test_flow_density_integrates_to_1_and_without_log_det_it_does_not():
    # Midpoint rule on a box holding all but ~1e-9 of the mass; error well below 1e-6.
    assert box_integral(flow_log_density) == pytest.approx(1.0, abs=1e-6)

    def without_log_det(x):
        z = coupling_inverse(x)
        return -0.5 * np.sum(z**2, axis=-1) - np.log(2 * np.pi)

    assert abs(box_integral(without_log_det) - 1.0) > 0.05


def test_flow_density_matches_samples():
    # Probability of a box: density integral vs the fraction of 400k pushed samples. The
    # sample fraction has standard error <= 0.0008; allow 5 standard errors.
    x = coupling_forward(np.random.default_rng(3).normal(size=(400_000, 2)))
    for lo, hi in (((-0.5, -1.0), (0.5, 0.0)), ((-2.0, 0.0), (0.0, 3.0)), ((0.5, -2.0), (2.0, 1.0))):
        lo, hi = np.array(lo), np.array(hi)
        frac = np.mean(np.all((x > lo) & (x < hi), axis=1))
        a = np.linspace(lo[0], hi[0], 401)
        b = np.linspace(lo[1], hi[1], 401)
        X1, X2 = np.meshgrid((a[:-1] + a[1:]) / 2, (b[:-1] + b[1:]) / 2)
        prob = np.sum(np.exp(flow_log_density(np.stack([X1, X2], -1)))) * (a[1] - a[0]) * (b[1] - b[0])
        assert abs(frac - prob) < 5 * 0.0008


def test_linear_flow_exercise():
    rng = np.random.default_rng(10)
    for _ in range(10):
        A = rng.normal(size=(2, 2)) + 2 * np.eye(2)
        b, x = rng.normal(size=2), rng.normal(size=2)
        z = np.linalg.solve(A, x - b)
        flow = -0.5 * z @ z - np.log(2 * np.pi) - np.log(abs(np.linalg.det(A)))
        cov = A @ A.T
        d = x - b
        gauss = -0.5 * d @ np.linalg.solve(cov, d) - np.log(2 * np.pi) - 0.5 * np.log(np.linalg.det(cov))
        assert flow == pytest.approx(gauss, abs=1e-10)
        np.testing.assert_allclose(numerical_jacobian(lambda v: A @ v + b, z), A, atol=FD_TOL)


# --- validation, figures and the page -------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: polygon_area([[0, 0], [1, 0]]), ValueError, "at least 3 points"),
        (lambda: polygon_area([[0, 0, 0], [1, 0, 0], [1, 1, 0]]), ValueError, r"shape \(\.\.\., 2\)"),
        (lambda: polygon_area("abc"), TypeError, "array of points"),
        (lambda: polygon_area([[0, 0], [1, np.nan], [1, 1]]), ValueError, "finite"),
        (lambda: square_image_area_ratio(3, [1.0, 2.0], 0.1), TypeError, "f must be callable"),
        (lambda: square_image_area_ratio(seed_f, [1.0, 2.0], 0.0), ValueError, "side must be positive"),
        (lambda: square_image_area_ratio(seed_f, [[1.0, 2.0], [0, 0]], 0.1), ValueError, "one point"),
        (lambda: coupling_forward([1.0, 2.0, 3.0]), ValueError, r"z must have shape \(\.\.\., 2\)"),
        (lambda: coupling_inverse([np.inf, 0.0]), ValueError, "x must be finite"),
        (lambda: flow_log_density(len), TypeError, "array of points"),
        (lambda: coupling_log_det(np.ones((3, 4))), ValueError, "points of R\\^2"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_batched_inputs_keep_their_shape():
    z = np.random.default_rng(11).normal(size=(4, 5, 2))
    assert coupling_forward(z).shape == (4, 5, 2)
    assert flow_log_density(z).shape == (4, 5)


def test_figures_are_built():
    import matplotlib.pyplot as plt

    for fig in (square_figure(), flow_figure()):
        assert len(fig.axes) == 2
        plt.close(fig)


def test_page_examples_run_and_agree():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.determinant"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    det = float(re.search(r"det J_f\(1, 2\) = (\S+)\n", out).group(1))
    assert det == pytest.approx(4 * np.cos(2) - 5, abs=1e-6)
    ratio = float(re.search(r"side 0.001: .* = (\S+)", out).group(1))
    assert abs(ratio - det) < 1e-4
    assert "det J = r\n" in out
    exact = float(re.search(r"exact pi \(1 - 1/e\): +(\S+)", out).group(1))
    polar = float(re.search(r"polar, with the factor r: +(\S+)", out).group(1))
    mc, se = map(float, re.search(r"Monte Carlo \(Cartesian\): +(\S+) \+/- (\S+)", out).groups())
    assert abs(polar - exact) < 1e-4 and abs(mc - exact) < 4 * se
    fd, formula = map(float, re.search(r"finite differences: (\S+), formula s\(z1\): (\S+)", out).groups())
    assert abs(fd - formula) < FD_TOL
    assert abs(float(re.search(r"integral of p_X over the box: (\S+)", out).group(1)) - 1) < 1e-6
    samples, se, density = map(float, re.search(r"samples (\S+) \+/- (\S+), density (\S+)", out).groups())
    assert abs(samples - density) < 5 * se
    assert "det J = r**2*sin(phi)" in out and "4*pi/3" in out
    logs = re.findall(r"(-?\d+\.\d{10})\n", out.split("flow formula:")[1])
    assert len(logs) == 2 and logs[0] == logs[1]


# --- figure legibility and page wording (review items 7, 17, 26, 34, 35, 36) ----------------


def _text_boxes(fig, texts):
    """Screen boxes of texts, including the circle drawn around a label when there is one."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t.get_bbox_patch() or t).get_window_extent(renderer) for t in texts]


def test_square_figure_numbers_share_one_precision_and_agree():
    import matplotlib.pyplot as plt

    fig = square_figure(side=0.2)
    suptitle = fig._suptitle.get_text()
    det, factor = re.search(r"= (-?\d+\.\d+): small areas scale by about (\d+\.\d+)", suptitle).groups()
    assert len(det.split(".")[1]) == len(factor.split(".")[1]) == 3
    assert float(det) == pytest.approx(4 * np.cos(2) - 5, abs=5e-4) and factor == det.lstrip("-")
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
    with pytest.raises(ValueError, match="side must be positive"):
        square_figure(side=0.0)


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


def test_page_wording_hypotheses_and_notation():
    page = (ROOT / "docs" / "determinant.md").read_text(encoding="utf-8")
    assert "continuously differentiable on a neighbourhood of $\\vx$" in page
    assert "t(z_1)" not in page and "\\mu(z_1) = 0.7 z_1^2 - 0.7" in page
    assert "J_T" not in page.split("## In deep learning")[1].split("```python")[0]  # bold T: \J_\mathbf{T}
    block = page.split("from snippets.determinant import square_figure")[1].split("```")[0]
    assert "square_figure(side=side)" in block and "{side:g}" in block and "side 0.2" not in block

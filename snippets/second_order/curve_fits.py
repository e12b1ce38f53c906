"""The curve fit y ~ a exp(b t) run by every method, for the table and the figure of
docs/second-order.md (computed at build time, not shown as code).

The page's "curve-fit" block shows the same three methods as a short script; this module adds
what the table needs (the loss after each step, rejected Levenberg-Marquardt steps, and why a
run stopped) and checks its inputs.
"""

from __future__ import annotations

import functools

import numpy as np

from snippets.shared.checks import choice, count, finite_array, positive

TRUE_THETA = (2.0, -1.3)  # the data are samples of 2 exp(-1.3 t) plus noise
METHODS = ("gd", "gauss-newton", "levenberg-marquardt")
GD_STEPS = (0.05, 0.1, 0.2, 0.25, 0.3, 0.4)  # the step sizes of gradient descent in the table
STARTS = ((1.0, 0.0), (1.0, 3.0))  # the good start and the bad start (a, b)
MAX_ITER = 20_000  # the table's budget per run
LAM_CAP = 1e12  # Levenberg-Marquardt gives up when its damping would exceed this


def curve_data() -> tuple[np.ndarray, np.ndarray]:
    """The page's data: 20 samples t in [0, 2] of 2 exp(-1.3 t) plus noise of standard deviation 0.02."""
    rng = np.random.default_rng(0)
    t = np.linspace(0.0, 2.0, 20)
    return t, TRUE_THETA[0] * np.exp(TRUE_THETA[1] * t) + 0.02 * rng.normal(size=t.size)


def _residuals(theta: np.ndarray, t: np.ndarray, y: np.ndarray) -> np.ndarray:
    a, b = theta
    return a * np.exp(b * t) - y


def _jacobian(theta: np.ndarray, t: np.ndarray) -> np.ndarray:
    a, b = theta
    e = np.exp(b * t)
    return np.column_stack([e, a * t * e])


def loss_hessian(theta, t, y) -> np.ndarray:
    """The Hessian of 1/2 |r|^2: J^T J + sum_i r_i Hess(r_i), where Hess(r_i) = [[0, t e], [t e, a t^2 e]]
    with t = t_i and e = exp(b t_i)."""
    a, b = theta
    e = np.exp(b * t)
    r, J = a * e - y, _jacobian(np.asarray(theta), t)
    return J.T @ J + np.array([[0.0, r @ (t * e)], [r @ (t * e), a * r @ (t**2 * e)]])


def _loss(theta: np.ndarray, t: np.ndarray, y: np.ndarray) -> float:
    r = _residuals(theta, t, y)
    return float(0.5 * r @ r)


def fit(method: str, t, y, theta0=(1.0, 0.0), tol: float = 1e-8, max_iter: int = 100_000,
        lr: float = 0.05, lam: float = 1e-2) -> dict:
    """Minimize 1/2 |r|^2, r_i = a exp(b t_i) - y_i, by "gd", "gauss-newton" or "levenberg-marquardt".

    Stops when |J^T r| < tol (the gradient norm) or after max_iter iterations. Returns a dict:
    the final "theta", the number of "iterations", whether it "converged", the "losses" (the
    start's, then one per iteration), "jacobian" (J_r at the final theta, when the loop ended
    there), "rejected" (Levenberg-Marquardt's rejected trial steps), and "reason" = "singular"
    when Gauss-Newton stopped on a singular J^T J.
    """
    choice("method", method, METHODS)
    t = finite_array("t", t, ndim=1)
    y = finite_array("y", y, shape=(t.size,))
    theta = finite_array("theta0", theta0, shape=(2,))
    tol, lr, lam = positive("tol", tol), positive("lr", lr), positive("lam", lam)
    max_iter = count("max_iter", max_iter, minimum=1)
    with np.errstate(over="ignore", invalid="ignore"):  # gradient descent may blow up: reported, not warned
        return _fit_loop(method, theta, t, y, tol, max_iter, lr, lam)


def _fit_loop(method, theta, t, y, tol, max_iter, lr, lam) -> dict:
    losses = [_loss(theta, t, y)]
    rejected = 0

    def result(k: int, converged: bool, **extra) -> dict:
        return {"theta": theta, "iterations": k, "converged": converged, "losses": np.array(losses),
                "rejected": rejected, **extra}

    for k in range(max_iter):
        r, J = _residuals(theta, t, y), _jacobian(theta, t)
        g = J.T @ r
        if np.linalg.norm(g) < tol:
            return result(k, True, jacobian=J)
        if method == "gd":
            theta = theta - lr * g
        elif method == "gauss-newton":
            try:
                theta = theta + np.linalg.solve(J.T @ J, -g)
            except np.linalg.LinAlgError:  # J^T J singular (to machine precision): no GN step exists
                return result(k, False, jacobian=J, reason="singular")
        else:  # Levenberg-Marquardt: damp, accept only steps that lower the loss
            while True:
                trial = theta + np.linalg.solve(J.T @ J + lam * np.eye(2), -g)
                if _loss(trial, t, y) < losses[-1]:
                    theta, lam = trial, lam / 10
                    break
                lam *= 10
                rejected += 1
                if lam > LAM_CAP:
                    return result(k, False)
        if not np.all(np.isfinite(theta)):
            return result(k + 1, False)
        losses.append(_loss(theta, t, y))
    return result(max_iter, False)


def comparison(theta0) -> dict[str, dict]:
    """Gauss-Newton, Levenberg-Marquardt, and gradient descent with each step in GD_STEPS, on
    the page's data from theta0 ("gauss-newton", "levenberg-marquardt", "gd 0.05", ...)."""
    t, y = curve_data()
    out = {m: fit(m, t, y, theta0=theta0, max_iter=MAX_ITER) for m in METHODS[1:]}
    for lr in GD_STEPS:
        out[f"gd {lr}"] = fit("gd", t, y, theta0=theta0, lr=lr, max_iter=MAX_ITER)
    return out


@functools.cache
def table_runs() -> tuple[dict[str, dict], ...]:
    """``comparison`` from each start in STARTS, computed once per build (the table, the
    figure and the text below them all read these runs; do not modify them)."""
    return tuple(comparison(start) for start in STARTS)


def best_gd(results: dict[str, dict]) -> str:
    """The key of the gradient-descent run that converged in the fewest iterations."""
    runs = {k: r for k, r in results.items() if k.startswith("gd ") and r["converged"]}
    return min(runs, key=lambda k: runs[k]["iterations"])

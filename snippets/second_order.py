"""Second order: the Hessian as the Jacobian of the gradient; Newton, Gauss-Newton and
Levenberg-Marquardt against gradient descent; and what first-order optimizers consume.

``python -m snippets.second_order`` prints what the page "Second order: the Jacobian of the
gradient" shows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from snippets.shared.checks import finite_array


def _point(x, n: int | None = None, what: str = "x") -> np.ndarray:
    if n is not None and not (callable(x) or isinstance(x, (str, bytes))) and np.shape(x) != (n,):
        raise ValueError(f"{what} must have shape ({n},), got shape {np.shape(x)}")
    return finite_array(what, x)


# ---- Rosenbrock: f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 ----------------------------------------
def rosenbrock(p) -> float:
    x, y = _point(p, 2, "p")
    return float((1 - x) ** 2 + 100 * (y - x**2) ** 2)


def rosenbrock_grad(p) -> np.ndarray:
    """The gradient, a column (returned as a 1-D array)."""
    x, y = _point(p, 2, "p")
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def rosenbrock_hessian(p) -> np.ndarray:
    """The Hessian: the Jacobian of the gradient, symmetric."""
    x, y = _point(p, 2, "p")
    return np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])


def newton(grad: Callable, hess: Callable, x0, tol: float = 1e-10, max_iter: int = 100) -> np.ndarray:
    """Newton's method: solve H(x) d = -grad(x), step x + d, until |grad| < tol. Returns the iterates."""
    if not (callable(grad) and callable(hess)):
        raise TypeError("grad and hess must be callables")
    x = _point(x0, what="x0")
    iterates = [x]
    for _ in range(max_iter):
        g = np.asarray(grad(x), dtype=float)
        if np.linalg.norm(g) < tol:
            break
        x = x + np.linalg.solve(np.asarray(hess(x), dtype=float), -g)
        iterates.append(x)
    return np.array(iterates)


def hvp(grad: Callable, x, v) -> np.ndarray:
    """The Hessian-vector product H(x) v as one JVP of the gradient (forward over the gradient code).

    ``grad`` is code for the gradient written with ``+ - * / **`` and numpy functions, so that
    snippets.shared.autodiff's dual numbers can run through it: one forward pass, no n x n matrix.
    """
    from snippets.shared.autodiff import jvp

    if not callable(grad):
        raise TypeError(f"grad must be callable, got {type(grad).__name__}")
    x = _point(x)
    v = _point(v, x.size, "v")
    return jvp(grad, x, v)[1]


def gauss_newton_product(residual: Callable, theta, v) -> np.ndarray:
    """J_r^T (J_r v) without forming J_r: one JVP (J_r v), then one VJP (w^T J_r) of the residuals."""
    from snippets.shared.autodiff import jvp, vjp

    if not callable(residual):
        raise TypeError(f"residual must be callable, got {type(residual).__name__}")
    theta = _point(theta, what="theta")
    v = _point(v, theta.size, "v")
    Jv = jvp(residual, theta, v)[1]
    return vjp(residual, theta, Jv)[1]


def rosenbrock_grad_code(p):
    """The Rosenbrock gradient as plain arithmetic, so that dual numbers can run through it."""
    x, y = p
    return [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)]


# ---- curve fit: y ~ a exp(b t) -------------------------------------------------------------
TRUE_THETA = np.array([2.0, -1.3])


def curve_data(n: int = 20, noise: float = 0.02, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Samples t in [0, 2] of 2 exp(-1.3 t) plus Gaussian noise of standard deviation ``noise``."""
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 2.0, n)
    return t, TRUE_THETA[0] * np.exp(TRUE_THETA[1] * t) + noise * rng.normal(size=n)


def residuals(theta, t, y) -> np.ndarray:
    """r_i(a, b) = a exp(b t_i) - y_i."""
    a, b = _point(theta, 2, "theta")
    return a * np.exp(b * t) - y


def residual_jacobian(theta, t) -> np.ndarray:
    """J_r: row i is (exp(b t_i), a t_i exp(b t_i)), an N x 2 matrix."""
    a, b = _point(theta, 2, "theta")
    e = np.exp(b * t)
    return np.column_stack([e, a * t * e])


def fit_loss(theta, t, y) -> float:
    """L(theta) = 1/2 |r(theta)|^2; its gradient is J_r^T r."""
    r = residuals(theta, t, y)
    return float(0.5 * r @ r)


def fit(method: str, t, y, theta0=(1.0, 0.0), tol: float = 1e-8, max_iter: int = 100_000,
        lr: float = 0.05, lam: float = 1e-2) -> dict:
    """Minimize 1/2 |r|^2 by "gd", "gauss-newton" or "levenberg-marquardt".

    Stops when |J^T r| < tol (the gradient norm) or after max_iter iterations. Returns the final
    theta, the number of iterations, whether it converged, and the loss after each iteration.
    """
    if method not in ("gd", "gauss-newton", "levenberg-marquardt"):
        raise ValueError(f"method must be 'gd', 'gauss-newton' or 'levenberg-marquardt', got {method!r}")
    if not (np.isfinite(lr) and lr > 0 and np.isfinite(lam) and lam > 0):
        raise ValueError(f"lr and lam must be positive and finite, got lr={lr!r}, lam={lam!r}")
    theta = _point(theta0, 2, "theta0")
    t, y = np.asarray(t, float), np.asarray(y, float)
    if t.shape != y.shape or t.ndim != 1:
        raise ValueError(f"t and y must be 1-D arrays of equal length, got {t.shape} and {y.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        return _fit_loop(method, theta, t, y, tol, max_iter, lr, lam)


def _fit_loop(method, theta, t, y, tol, max_iter, lr, lam) -> dict:
    losses = [fit_loss(theta, t, y)]
    rejected = 0
    for k in range(max_iter):
        r, J = residuals(theta, t, y), residual_jacobian(theta, t)
        g = J.T @ r
        if np.linalg.norm(g) < tol:
            return {"theta": theta, "iterations": k, "converged": True, "losses": np.array(losses),
                    "rejected": rejected}
        if method == "gd":
            theta = theta - lr * g
        elif method == "gauss-newton":
            try:
                theta = theta + np.linalg.solve(J.T @ J, -g)
            except np.linalg.LinAlgError:  # J^T J singular (to machine precision): no GN step exists
                return {"theta": theta, "iterations": k, "converged": False, "losses": np.array(losses),
                        "reason": "singular"}
        else:  # Levenberg-Marquardt: damp, accept only steps that lower the loss
            while True:
                trial = theta + np.linalg.solve(J.T @ J + lam * np.eye(2), -g)
                if fit_loss(trial, t, y) < losses[-1]:
                    theta, lam = trial, lam / 10
                    break
                lam *= 10
                rejected += 1
                if lam > 1e12:
                    return {"theta": theta, "iterations": k, "converged": False, "losses": np.array(losses)}
        if not np.all(np.isfinite(theta)):
            return {"theta": theta, "iterations": k + 1, "converged": False, "losses": np.array(losses)}
        losses.append(fit_loss(theta, t, y))
    return {"theta": theta, "iterations": max_iter, "converged": False, "losses": np.array(losses)}


def rmsprop(grad: Callable, theta0, lr: float = 0.01, steps: int = 2000, rho: float = 0.9,
            eps: float = 1e-8) -> np.ndarray:
    """RMSprop (Tieleman and Hinton, 2012), as on the page. Returns the iterates."""
    if not callable(grad):
        raise TypeError(f"grad must be callable, got {type(grad).__name__}")
    theta = _point(theta0, what="theta0")
    v, path = np.zeros_like(theta), [theta]
    for _ in range(steps):
        g = np.asarray(grad(theta), dtype=float)
        v = rho * v + (1 - rho) * g**2
        theta = theta - lr * g / (np.sqrt(v) + eps)
        path.append(theta)
    return np.array(path)


def adam(grad: Callable, theta0, lr: float = 0.05, steps: int = 2000, beta1: float = 0.9,
         beta2: float = 0.999, eps: float = 1e-8) -> np.ndarray:
    """Adam (Kingma and Ba, 2015). Its only input from the model is grad(theta). Returns the iterates."""
    if not callable(grad):
        raise TypeError(f"grad must be callable, got {type(grad).__name__}")
    theta = _point(theta0, what="theta0")
    m, v, path = np.zeros_like(theta), np.zeros_like(theta), [theta]
    for k in range(1, steps + 1):
        g = np.asarray(grad(theta), dtype=float)
        m = beta1 * m + (1 - beta1) * g  # running mean of the gradient
        v = beta2 * v + (1 - beta2) * g**2  # running mean of its elementwise square
        theta = theta - lr * (m / (1 - beta1**k)) / (np.sqrt(v / (1 - beta2**k)) + eps)
        path.append(theta)
    return np.array(path)


GD_STEPS = (0.05, 0.1, 0.2, 0.25, 0.3, 0.4)
STARTS = ((1.0, 0.0), (1.0, 3.0))


def comparison(theta0=(1.0, 0.0), max_iter: int = 20_000) -> dict[str, dict]:
    """Gauss-Newton, Levenberg-Marquardt, and gradient descent with each step in GD_STEPS,
    on the curve fit from theta0."""
    t, y = curve_data()
    out = {m: fit(m, t, y, theta0=theta0, max_iter=max_iter) for m in ("gauss-newton", "levenberg-marquardt")}
    for lr in GD_STEPS:
        out[f"gd {lr}"] = fit("gd", t, y, theta0=theta0, lr=lr, max_iter=max_iter)
    return out


def best_gd(results: dict[str, dict]) -> str:
    """The key of the gradient-descent run that converged in the fewest iterations."""
    runs = {k: r for k, r in results.items() if k.startswith("gd ") and r["converged"]}
    if not runs:
        raise ValueError("no gradient-descent run converged")
    return min(runs, key=lambda k: runs[k]["iterations"])


def comparison_table_markdown() -> str:
    """Iterations to convergence from each start in STARTS, as a Markdown table."""
    runs = [comparison(start) for start in STARTS]
    best = best_gd(runs[0])
    optimum = runs[0]["levenberg-marquardt"]["theta"]

    def cell(res: dict) -> str:
        if res["converged"] and np.allclose(res["theta"], optimum, atol=1e-6):
            return f"{res['iterations']:,}"
        if res["converged"]:  # the gradient vanished, but far from the fit: a flat region
            mantissa, exponent = f"{res['theta'][1]:.1e}".split("e")
            return f"stalls at $b \\approx {mantissa} \\times 10^{{{int(exponent)}}}$"
        if res.get("reason") == "singular":
            mantissa, exponent = f"{res['theta'][1]:.1e}".split("e")
            return (f"fails at step {res['iterations']}: $b \\approx {mantissa} \\times 10^{{{int(exponent)}}}$, "
                    f"$\\J_\\mathbf{{r}}^\\top \\J_\\mathbf{{r}}$ singular")
        return f"does not converge in {res['iterations']:,}"

    head = " | ".join(f"from $(a, b) = ({a:g}, {b:g})$" for a, b in STARTS)
    lines = [f"| method | {head} |", "| --- |" + " ---: |" * len(STARTS)]
    for key in runs[0]:
        if key.startswith("gd "):
            name = f"gradient descent, step {key[3:]}" + (" (fastest from the first start)" if key == best else "")
        else:
            name = {"gauss-newton": "Gauss–Newton", "levenberg-marquardt": "Levenberg–Marquardt"}[key]
        cells = [cell(r[key]) for r in runs]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _sci(value: float) -> str:
    """A number for KaTeX: 2.9 \\times 10^{4}, or plain digits for moderate sizes."""
    if value != 0 and not 1e-3 <= abs(value) < 1e4:
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return f"{value:.6g}"


def bad_start_summary(lr: float = 0.25) -> str:
    """Page text: where Gauss-Newton fails and gradient descent stalls from the bad start."""
    t, y = curve_data()
    start = STARTS[1]
    gn = fit("gauss-newton", t, y, theta0=start, max_iter=20_000)
    gd = fit("gd", t, y, theta0=start, lr=lr, max_iter=20_000)
    J = residual_jacobian(gn["theta"], t)
    JtJ = J.T @ J
    matrix = (f"\\operatorname{{diag}}({JtJ[0, 0]:g}, {JtJ[1, 1]:g})" if JtJ[0, 1] == 0 and JtJ[1, 0] == 0
              else f"\\begin{{bmatrix}} {JtJ[0, 0]:.3g} & {JtJ[0, 1]:.3g} \\\\ {JtJ[1, 0]:.3g} & {JtJ[1, 1]:.3g} \\end{{bmatrix}}")
    a_gn, b_gn = gn["theta"]
    a_gd, b_gd = gd["theta"]
    return (
        f"Computed: Gauss–Newton stops at step {gn['iterations']} at $(a, b) \\approx ({_sci(a_gn)},\\; {_sci(b_gn)})$, "
        f"where $\\J_\\mathbf{{r}}^\\top \\J_\\mathbf{{r}} = {matrix}$. Gradient descent (step {lr:g}) drifts into "
        f"the same flat region and stops after {gd['iterations']} iterations at $a = {a_gd:.6f}$, "
        f"$b \\approx {_sci(b_gd)}$: there only the first residual, $a - y_1$, still depends on the "
        f"parameters, and $a$ equals the first data point $y_1 = {y[0]:.6f}$. Its gradient is below "
        f"$10^{{-8}}$, yet this is a flat region, not the fit."
    )


def condition_number_at_fit() -> float:
    """cond(J^T J) at the Gauss-Newton solution: what sets gradient descent's speed here."""
    t, y = curve_data()
    J = residual_jacobian(fit("gauss-newton", t, y)["theta"], t)
    return float(np.linalg.cond(J.T @ J))


def convergence_results() -> dict[str, dict]:
    """The three runs the convergence figure shows: the fastest gradient descent, GN and LM."""
    everything = comparison(STARTS[0])
    best = best_gd(everything)
    return {best: everything[best], "gauss-newton": everything["gauss-newton"],
            "levenberg-marquardt": everything["levenberg-marquardt"]}


def gn_lm_loss_gap() -> float:
    """Largest relative difference between the Gauss-Newton and Levenberg-Marquardt losses,
    iteration by iteration, in the convergence figure (LM's damping only shrinks there)."""
    runs = convergence_results()
    gn, lm = runs["gauss-newton"]["losses"], runs["levenberg-marquardt"]["losses"]
    n = min(gn.size, lm.size)
    return float(np.max(np.abs(gn[:n] - lm[:n]) / gn[:n]))


def convergence_alt_text() -> str:
    """The figure's alt text, with its numbers taken from the runs it shows."""
    t, y = curve_data()
    runs = convergence_results()
    gd_key = next(k for k in runs if k.startswith("gd "))
    gn, lm, gd = runs["gauss-newton"], runs["levenberg-marquardt"], runs[gd_key]
    return (f"Left: {t.size} data points decaying from {y[0]:.1f} to {y[-1]:.2f}, with the fitted "
            f"exponential curve through them. Right: loss minus its minimum against the iteration, "
            f"on log-log axes. Gauss-Newton and Levenberg-Marquardt reach the gradient tolerance in "
            f"{gn['iterations']} and {lm['iterations']} iterations, their losses within "
            f"{gn_lm_loss_gap():.0%} of each other at every iteration, so their curves overlap; "
            f"gradient descent with step {gd_key[3:]} needs {gd['iterations']}.")


def convergence_caption() -> str:
    """The figure's caption, with the GN/LM gap computed."""
    return ("The curve fit from (a, b) = (1, 0): data and fit (left), convergence (right). "
            "Levenberg–Marquardt's damping only shrank here, so its losses stay within "
            f"{gn_lm_loss_gap():.0%} of Gauss–Newton's and the two curves overlap (crosses on "
            "circles). Differences below machine precision are drawn at machine precision.")


def convergence_figure():
    """Left: the data and the fitted curve. Right: loss above its minimum, per iteration."""
    import matplotlib.pyplot as plt

    t, y = curve_data()
    results = convergence_results()
    best = min(res["losses"].min() for res in results.values())
    floor = np.finfo(float).eps * best  # below this, differences of the loss are round-off
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.8, 3.0), gridspec_kw={"width_ratios": [1, 1.15]})
    a, b = results["levenberg-marquardt"]["theta"]
    tt = np.linspace(0, 2, 100)
    ax1.plot(t, y, "o", color="black", ms=3, label="data")
    ax1.plot(tt, a * np.exp(b * tt), color="#1f4e9c", label="fit a exp(b t)")
    ax1.set_xlabel("t")
    ax1.set_ylabel("y")
    ax1.legend(fontsize=8, framealpha=0)
    styles = {"gauss-newton": ("Gauss–Newton", "#1f4e9c", "-", "o", 6.5),
              "levenberg-marquardt": ("Levenberg–Marquardt", "#1e7b34", "none", "x", 5)}
    for m, res in results.items():
        label, color, ls, marker, size = styles.get(m, (f"gradient descent ({m[3:]})", "#b03a2e", "-", None, 0))
        gap = np.maximum(res["losses"] - best, floor)
        ax2.loglog(np.arange(1, gap.size + 1), gap, linestyle=ls, marker=marker, ms=size, mfc="none",
                   color=color, label=label, lw=1.6)
    ax2.set_xlabel("iteration (1 = the start)")
    ax2.set_ylabel("loss − minimum")
    ax2.legend(fontsize=8, framealpha=0, loc="upper left", bbox_to_anchor=(1.02, 1.0))  # beside the curves
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    # --8<-- [start:hessian-sympy]
    import sympy as sp

    x, y = sp.symbols("x y")
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2  # Rosenbrock's function
    grad = sp.Matrix([f]).jacobian([x, y]).T  # the gradient: a column, 2 x 1
    H = grad.jacobian([x, y])  # the Jacobian of the gradient: 2 x 2

    print("gradient:", list(sp.expand(grad)))
    print("J(grad f) =", sp.expand(H))
    print("equals sympy.hessian:", sp.simplify(H - sp.hessian(f, (x, y))) == sp.zeros(2, 2))
    print("symmetric:", H == H.T)
    # --8<-- [end:hessian-sympy]

    # --8<-- [start:hessian-numeric]
    import numpy as np


    def grad(p):
        x, y = p
        return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


    def hessian(p):
        x, y = p
        return np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])


    p, h = np.array([-1.2, 1.0]), 1e-6
    # Column j of the Jacobian of the gradient, by central differences.
    H_fd = np.stack([(grad(p + h * e) - grad(p - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
    print("Jacobian of the gradient (central differences):\n", H_fd)
    print("Hessian formula:\n", hessian(p))
    print("largest |difference|:", f"{np.max(np.abs(H_fd - hessian(p))):.1e}")
    # --8<-- [end:hessian-numeric]

    # --8<-- [start:newton]
    import numpy as np


    def grad(p):
        x, y = p
        return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


    def hessian(p):
        x, y = p
        return np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])


    p = np.array([-1.2, 1.0])  # the classic starting point
    for k in range(20):
        g = grad(p)
        error = np.linalg.norm(p - np.array([1.0, 1.0]))  # distance to the minimum (1, 1)
        print(f"step {k}: p = ({p[0]: .8f}, {p[1]: .8f}), |grad| = {np.linalg.norm(g):.1e}, |p - (1, 1)| = {error:.1e}")
        if np.linalg.norm(g) < 1e-10:
            break
        p = p + np.linalg.solve(hessian(p), -g)  # the Newton step: H d = -grad
    # --8<-- [end:newton]

    # --8<-- [start:curve-fit]
    import numpy as np

    rng = np.random.default_rng(0)
    t = np.linspace(0.0, 2.0, 20)
    y = 2.0 * np.exp(-1.3 * t) + 0.02 * rng.normal(size=t.size)  # data from a = 2, b = -1.3


    def r(theta):  # residuals r_i = a exp(b t_i) - y_i
        a, b = theta
        return a * np.exp(b * t) - y


    def J(theta):  # Jacobian of the residuals, N x 2
        a, b = theta
        return np.column_stack([np.exp(b * t), a * t * np.exp(b * t)])


    def loss(theta):
        return 0.5 * r(theta) @ r(theta)


    def solve(step, theta=(1.0, 0.0), tol=1e-8, max_iter=100_000):
        """Iterate theta, lam <- step(theta, lam) until |J^T r| < tol; return theta and the count."""
        theta, lam = np.array(theta), 1e-2  # lam: the damping, used by Levenberg-Marquardt only
        for k in range(max_iter):
            if np.linalg.norm(J(theta).T @ r(theta)) < tol:
                return theta, k
            theta, lam = step(theta, lam)
        return theta, max_iter


    def gradient_descent(theta, lam, lr=0.25):  # the fastest step on the grid in the table below
        return theta - lr * J(theta).T @ r(theta), lam


    def gauss_newton(theta, lam):  # solve (J^T J) d = -J^T r
        Jt = J(theta)
        return theta + np.linalg.solve(Jt.T @ Jt, -Jt.T @ r(theta)), lam


    def levenberg_marquardt(theta, lam):  # solve (J^T J + lam I) d = -J^T r; keep only improvements
        Jt = J(theta)
        while lam <= 1e12:  # a cap, so that a hopeless problem cannot loop forever
            trial = theta + np.linalg.solve(Jt.T @ Jt + lam * np.eye(2), -Jt.T @ r(theta))
            if loss(trial) < loss(theta):
                return trial, lam / 10  # accepted: trust the quadratic model more
            lam *= 10  # rejected: damp more, towards a short gradient step
        raise RuntimeError("Levenberg-Marquardt: no step lowers the loss, even with damping 1e12")


    for name, step in [("gradient descent", gradient_descent), ("Gauss-Newton", gauss_newton),
                       ("Levenberg-Marquardt", levenberg_marquardt)]:
        theta, k = solve(step)
        print(f"{name:<20} {k:>6} iterations   (a, b) = ({theta[0]:.6f}, {theta[1]:.6f})")
    # --8<-- [end:curve-fit]

    # --8<-- [start:hvp]
    import numpy as np


    class Dual:
        """a + b eps with eps^2 = 0 (page "Forward and reverse mode"): just what this block needs."""

        def __init__(self, value, tangent=0.0):
            self.value, self.tangent = value, tangent

        @staticmethod
        def lift(o):
            return o if isinstance(o, Dual) else Dual(o)

        def __add__(self, o):
            o = Dual.lift(o)
            return Dual(self.value + o.value, self.tangent + o.tangent)

        def __mul__(self, o):
            o = Dual.lift(o)
            return Dual(self.value * o.value, self.tangent * o.value + self.value * o.tangent)

        def __neg__(self):
            return Dual(-self.value, -self.tangent)

        def __sub__(self, o):
            return self + (-Dual.lift(o))

        def __rsub__(self, o):
            return Dual.lift(o) - self

        def __pow__(self, k):  # constant exponent k
            return Dual(self.value**k, k * self.value ** (k - 1) * self.tangent)

        def exp(self):  # np.exp(d) calls d.exp()
            return Dual(np.exp(self.value), np.exp(self.value) * self.tangent)

        __radd__, __rmul__ = __add__, __mul__


    # 1. Hessian-vector product = the JVP of the gradient, on Rosenbrock's function.
    def grad(p):  # the gradient, as ordinary arithmetic: dual numbers can run through it
        x, y = p
        return [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)]


    def hvp(p, v):  # one forward pass through grad with tangent v: H(p) v, no n x n matrix
        return np.array([g.tangent for g in grad([Dual(pi, vi) for pi, vi in zip(p, v)])])


    p, v = np.array([-1.2, 1.0]), np.array([1.0, 2.0])
    H = np.array([[1200 * p[0] ** 2 - 400 * p[1] + 2, -400 * p[0]], [-400 * p[0], 200.0]])
    print("H v, one JVP of the gradient:", hvp(p, v))
    print("H v, Hessian formed:         ", H @ v)

    # 2. Gauss-Newton product J^T (J v) for the curve fit: one JVP, then one VJP.
    rng = np.random.default_rng(0)
    t = np.linspace(0.0, 2.0, 20)
    y = 2.0 * np.exp(-1.3 * t) + 0.02 * rng.normal(size=t.size)


    def r(theta):  # residuals a exp(b t_i) - y_i, all 20 at once
        a, b = theta
        return a * np.exp(b * t) - y


    def gauss_newton_product(theta, v):
        Jv = r([Dual(theta[0], v[0]), Dual(theta[1], v[1])]).tangent  # JVP: J v, a 20-vector
        a, b = theta
        e = np.exp(b * t)
        return np.array([e @ Jv, (a * t * e) @ Jv])  # VJP: (J v)^T J, from the residuals' formula


    theta, v = np.array([1.0, 0.0]), np.array([1.0, 2.0])
    J = np.column_stack([np.exp(theta[1] * t), theta[0] * t * np.exp(theta[1] * t)])  # 20 x 2
    print("J^T (J v), one JVP + one VJP:", gauss_newton_product(theta, v))
    print("(J^T J) v, J formed:         ", J.T @ J @ v)
    # --8<-- [end:hvp]

    # --8<-- [start:optimizers]
    import numpy as np

    rng = np.random.default_rng(0)
    t = np.linspace(0.0, 2.0, 20)
    y = 2.0 * np.exp(-1.3 * t) + 0.02 * rng.normal(size=t.size)


    def gradient(theta):  # J_r^T r: the only thing the optimizers below ever see
        a, b = theta
        r = a * np.exp(b * t) - y
        return np.column_stack([np.exp(b * t), a * t * np.exp(b * t)]).T @ r


    # Step sizes are untuned: each is one that works for its method on this problem.
    def momentum(theta, lr=0.02, mu=0.9, steps=2000):
        velocity = np.zeros_like(theta)
        for _ in range(steps):
            velocity = mu * velocity - lr * gradient(theta)
            theta = theta + velocity
        return theta, velocity  # the last step taken is the velocity


    def rmsprop(theta, lr=0.01, rho=0.9, eps=1e-8, steps=2000):
        v = np.zeros_like(theta)
        for _ in range(steps):
            g = gradient(theta)
            v = rho * v + (1 - rho) * g**2  # running mean of squared gradients
            step = -lr * g / (np.sqrt(v) + eps)
            theta = theta + step
        return theta, step


    def adam(theta, lr=0.05, beta1=0.9, beta2=0.999, eps=1e-8, steps=2000):
        m, v = np.zeros_like(theta), np.zeros_like(theta)
        for k in range(1, steps + 1):
            g = gradient(theta)
            m = beta1 * m + (1 - beta1) * g  # running mean of gradients
            v = beta2 * v + (1 - beta2) * g**2  # running mean of squared gradients
            step = -lr * (m / (1 - beta1**k)) / (np.sqrt(v / (1 - beta2**k)) + eps)
            theta = theta + step
        return theta, step


    for name, opt in [("momentum", momentum), ("RMSprop", rmsprop), ("Adam", adam)]:
        theta, last = opt(np.array([1.0, 0.0]))
        print(f"{name:<9} after 2000 steps: (a, b) = ({theta[0]:.6f}, {theta[1]:.6f}), "
              f"|gradient| = {np.linalg.norm(gradient(theta)):.1e}, last step {np.linalg.norm(last):.1e}")
    # --8<-- [end:optimizers]

    # --8<-- [start:exercise-hessian]
    import sympy as sp

    x, y = sp.symbols("x y")
    f1 = x**2 * y  # the first output of the seed example
    grad = sp.Matrix([f1.diff(x), f1.diff(y)])
    H = grad.jacobian([x, y])
    print("grad f1 =", list(grad), " H =", H, " symmetric:", H == H.T)
    # --8<-- [end:exercise-hessian]

    # --8<-- [start:exercise-quadratic]
    import numpy as np

    rng = np.random.default_rng(2)
    M = rng.normal(size=(3, 3))
    A = M @ M.T + 3 * np.eye(3)  # symmetric positive definite
    b = rng.normal(size=3)
    # f(x) = 1/2 x^T A x - b^T x: gradient A x - b, Hessian A.
    x0 = rng.normal(size=3)
    x1 = x0 + np.linalg.solve(A, -(A @ x0 - b))  # one Newton step
    print("|gradient| after one Newton step:", f"{np.linalg.norm(A @ x1 - b):.1e}")
    # --8<-- [end:exercise-quadratic]

    # --8<-- [start:exercise-linear-gn]
    import numpy as np

    rng = np.random.default_rng(3)
    A = rng.normal(size=(10, 3))  # a linear model: r(theta) = A theta - y, so J_r = A
    y = rng.normal(size=10)
    theta0 = rng.normal(size=3)
    theta1 = theta0 + np.linalg.solve(A.T @ A, -A.T @ (A @ theta0 - y))  # one Gauss-Newton step
    print("one Gauss-Newton step == least squares:", np.allclose(theta1, np.linalg.lstsq(A, y, rcond=None)[0]))
    # --8<-- [end:exercise-linear-gn]

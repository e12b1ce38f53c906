"""The table and the computed sentences of docs/second-order.md (made at build time, not shown
as code), all read from the runs of ``curve_fits.table_runs``."""

from __future__ import annotations

import numpy as np

from snippets.second_order.curve_fits import GD_STEPS, STARTS, best_gd, curve_data, loss_hessian, table_runs

BAD_START_GD_KEY = "gd 0.25"  # the gradient-descent run the bad-start sentence describes


def _power_of_ten(value: float) -> str:
    """-2.9 \\times 10^{4}: a number with two significant digits, for KaTeX."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def _sci(value: float) -> str:
    """A number for KaTeX: 2.9 \\times 10^{4}, or plain digits for moderate sizes."""
    if value != 0 and not 1e-3 <= abs(value) < 1e4:
        return _power_of_ten(value)
    return f"{value:.6g}"


def _cell(res: dict, optimum: np.ndarray) -> str:
    if res["converged"] and np.allclose(res["theta"], optimum, atol=1e-6):
        return f"{res['iterations']:,}"
    if res["converged"]:  # the gradient vanished, but far from the fit: a flat region
        return f"stalls at $b \\approx {_power_of_ten(res['theta'][1])}$"
    if res.get("reason") == "singular":
        return (f"fails at step {res['iterations']}: $b \\approx {_power_of_ten(res['theta'][1])}$, "
                f"$\\J_\\mathbf{{r}}^\\top \\J_\\mathbf{{r}}$ singular")
    return f"does not converge in {res['iterations']:,}"


def comparison_table_markdown() -> str:
    """Iterations to convergence of every method from each start in STARTS, as a Markdown table."""
    runs = table_runs()
    best = best_gd(runs[0])
    optimum = runs[0]["levenberg-marquardt"]["theta"]
    head = " | ".join(f"from $(a, b) = ({a:g}, {b:g})$" for a, b in STARTS)
    lines = [f"| method | {head} |", "| --- |" + " ---: |" * len(STARTS)]
    for key in runs[0]:
        if key.startswith("gd "):
            name = f"gradient descent, step {key[3:]}" + (" (fastest from the first start)" if key == best else "")
        else:
            name = {"gauss-newton": "Gauss–Newton", "levenberg-marquardt": "Levenberg–Marquardt"}[key]
        lines.append(f"| {name} | " + " | ".join(_cell(r[key], optimum) for r in runs) + " |")
    return "\n".join(lines)


def condition_number_at_fit() -> float:
    """cond(J^T J) at the Gauss-Newton solution from the good start: what sets gradient
    descent's speed here."""
    J = table_runs()[0]["gauss-newton"]["jacobian"]
    return float(np.linalg.cond(J.T @ J))


def bad_start_summary() -> str:
    """Page text: where Gauss-Newton fails and gradient descent stalls from the bad start."""
    _, y = curve_data()
    bad = table_runs()[1]
    gn, gd = bad["gauss-newton"], bad[BAD_START_GD_KEY]
    JtJ = gn["jacobian"].T @ gn["jacobian"]
    matrix = (f"\\operatorname{{diag}}({JtJ[0, 0]:g}, {JtJ[1, 1]:g})" if JtJ[0, 1] == 0 and JtJ[1, 0] == 0
              else f"\\begin{{bmatrix}} {JtJ[0, 0]:.3g} & {JtJ[0, 1]:.3g} \\\\ {JtJ[1, 0]:.3g} & {JtJ[1, 1]:.3g} \\end{{bmatrix}}")
    a_gn, b_gn = gn["theta"]
    a_gd, b_gd = gd["theta"]
    return (
        f"Computed: Gauss–Newton stops at step {gn['iterations']} at $(a, b) \\approx ({_sci(a_gn)},\\; {_sci(b_gn)})$, "
        f"where $\\J_\\mathbf{{r}}^\\top \\J_\\mathbf{{r}} = {matrix}$. Gradient descent (step {BAD_START_GD_KEY[3:]}) drifts into "
        f"the same flat region and stops after {gd['iterations']} iterations at $a = {a_gd:.6f}$, "
        f"$b \\approx {_sci(b_gd)}$: there only the first residual, $a - y_1$, still depends on the "
        f"parameters, and $a$ equals the first data point $y_1 = {y[0]:.6f}$. Its gradient is below "
        f"$10^{{-8}}$, yet this is a flat region, not the fit."
    )


def curvature_numbers() -> dict:
    """The Hessian's eigenvalues at the fit and at the good start, gradient descent's window
    2 / lam_max and best step 2 / (lam_min + lam_max) there, each step's contraction factor
    max |1 - lr lam_i| at the fit, and the steps whose first iteration raises the loss."""
    t, y = curve_data()
    good = table_runs()[0]
    fit_eigs = np.linalg.eigvalsh(loss_hessian(good["gauss-newton"]["theta"], t, y))
    start_eigs = np.linalg.eigvalsh(loss_hessian(STARTS[0], t, y))
    return {"fit": fit_eigs, "start": start_eigs, "window": 2 / fit_eigs[-1], "best": 2 / fit_eigs.sum(),
            "factor": {lr: float(np.max(np.abs(1 - lr * fit_eigs))) for lr in GD_STEPS},
            "rises": [lr for lr in GD_STEPS if good[f"gd {lr}"]["losses"][1] > good[f"gd {lr}"]["losses"][0]],
            "first": good[best_gd(good)]["losses"][:2]}


def curvature_summary() -> str:
    """Page text: gradient descent's window and speed from the Hessian's eigenvalues, and its
    first-step rise."""
    c, good = curvature_numbers(), table_runs()[0]
    (lo, hi), (s_lo, s_hi), best = c["fit"], c["start"], best_gd(good)
    slow = max(lr for lr in GD_STEPS if lr < c["window"])
    outside = [lr for lr in GD_STEPS if lr > c["window"]]
    return (
        f"Computed: at the fit $\\lambda_{{\\min}} = {lo:.2f}$ and $\\lambda_{{\\max}} = {hi:.2f}$, so "
        f"$2/\\lambda_{{\\max}} = {c['window']:.3f}$ and "
        f"$2/(\\lambda_{{\\min}} + \\lambda_{{\\max}}) = {c['best']:.3f}$. "
        f"Per iteration the error shrinks by the factor {c['factor'][float(best[3:])]:.3f} with step {best[3:]} "
        f"({good[best]['iterations']} iterations), but only {c['factor'][slow]:.3f} with step {slow:g} "
        f"({good[f'gd {slow}']['iterations']:,} iterations); step {', '.join(f'{lr:g}' for lr in outside)} "
        f"lies outside the window. At the start $(a, b) = (1, 0)$ the eigenvalues are ${s_lo:.2f}$ and "
        f"${s_hi:.1f}$: negative curvature along one direction, {s_hi / hi:.0f} times the fit's largest along "
        f"another. Every step from {min(c['rises']):g} up raises the loss on its first iteration "
        f"(step {best[3:]}: from {c['first'][0]:.2f} to {c['first'][1]:.2f}, the rise in the figure)."
    )

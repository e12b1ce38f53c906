"""Jacobians by finite differences: forward, central and complex step.

``numerical_jacobian`` is the reusable piece: tests across the site check analytic Jacobians
against it. Its input validation names the problem in the message. Below it: the error of a
derivative estimate against the step size in float64 or float32, the relative error and the
gradient check of the page "Computing Jacobians numerically", whose examples sit in the
``__main__`` block at the end (``python -m snippets.numerical`` prints what the page shows).
"""

from __future__ import annotations

# --8<-- [start:numerical-jacobian]
import numpy as np

# Step sizes that balance truncation and round-off error in float64 (eps ~ 2.2e-16):
# forward: error ~ h + eps/h, best near sqrt(eps); central: ~ h^2 + eps/h, best near eps^(1/3).
DEFAULT_STEP = {"forward": 1.5e-8, "central": 6e-6, "complex": 1e-20}


def numerical_jacobian(f, x, method="central", h=None):
    """Approximate the m x n Jacobian of f: R^n -> R^m at x, one column per input.

    method: "forward" (error O(h)), "central" (error O(h^2)) or "complex"
    (complex step, error O(h^2) with no cancellation; f must accept complex input
    and be real-analytic, e.g. no abs(), no np.real(), no comparisons on the complex
    value itself; branching on its real part is fine).
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if method not in DEFAULT_STEP:
        raise ValueError(f"method must be one of {sorted(DEFAULT_STEP)}, got {method!r}")
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x must be a non-empty 1-D array (a point of R^n), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite (no nan or inf)")
    h = DEFAULT_STEP[method] if h is None else float(h)
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a positive finite step, got {h}")

    fx = np.atleast_1d(np.asarray(f(x)))
    if fx.ndim != 1:
        raise ValueError(f"f must return a scalar or a 1-D array, got shape {fx.shape}")
    columns = []
    for j in range(x.size):
        e_j = np.zeros(x.size)
        e_j[j] = 1.0
        if method == "forward":
            col = (np.atleast_1d(f(x + h * e_j)) - fx) / h
        elif method == "central":
            col = (np.atleast_1d(f(x + h * e_j)) - np.atleast_1d(f(x - h * e_j))) / (2 * h)
        else:
            col = np.imag(np.atleast_1d(f(x + 1j * h * e_j))) / h
        columns.append(np.asarray(col, dtype=float))
    J = np.stack(columns, axis=1)
    if not np.all(np.isfinite(J)):
        raise ValueError("f returned non-finite values near x: the Jacobian cannot be estimated there")
    return J
# --8<-- [end:numerical-jacobian]



# ---- error against step size, and the gradient check (page "Computing Jacobians numerically") ----

DTYPES = {"float64": (np.float64, np.complex128), "float32": (np.float32, np.complex64)}


def derivative_errors(f, df_exact: float, x: float, steps, method: str = "central", dtype: str = "float64") -> np.ndarray:
    """|estimate - df_exact| of the derivative of a scalar f at x, one value per step h.

    Every operation runs in ``dtype`` ("float64" or "float32"): x, h, f's values and the
    difference quotient, so that round-off is that of the chosen precision.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if method not in DEFAULT_STEP:
        raise ValueError(f"method must be one of {sorted(DEFAULT_STEP)}, got {method!r}")
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}")
    for name, value in (("x", x), ("df_exact", df_exact)):
        if not (isinstance(value, (int, float, np.floating, np.integer)) and np.isfinite(value)):
            raise ValueError(f"{name} must be a finite real number, got {value!r}")
    steps = np.asarray(steps, dtype=float)
    if steps.ndim != 1 or steps.size == 0 or not np.all(np.isfinite(steps) & (steps > 0)):
        raise ValueError("steps must be a non-empty 1-D array of positive finite numbers")
    real, cplx = DTYPES[dtype]
    xr = real(x)
    errors = []
    for h in steps:
        hr = real(h)
        if method == "forward":
            estimate = (f(xr + hr) - f(xr)) / hr
        elif method == "central":
            estimate = (f(xr + hr) - f(xr - hr)) / (real(2) * hr)
        else:
            estimate = np.imag(f(cplx(xr + cplx(1j) * hr))) / hr
        errors.append(abs(float(estimate) - df_exact))
    return np.array(errors)


def relative_error(a, b) -> float:
    """max |a - b| / max(max |a|, max |b|): the gradient check's scale-free error (0 if both are 0)."""
    arrays = []
    for name, value in (("a", a), ("b", b)):
        if callable(value) or isinstance(value, (str, bytes)):
            raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
        arrays.append(np.asarray(value, dtype=float))
    a, b = arrays
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("a and b must be finite (no nan or inf)")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


# Central differences at the default step have relative error about eps^(2/3) ~ 4e-11 times
# ratios like |f| / |f'| and |f'''| / |f'|; 1e-6 is over 2e4 times eps^(2/3), so it leaves room
# for those ratios to be as large as 1e4, while a wrong entry gives a relative error of order
# 1e-2 or more.
GRADCHECK_TOL = 1e-6


def gradient_check(f, jacobian, x, tol: float = GRADCHECK_TOL) -> tuple[bool, float]:
    """Compare an analytic Jacobian ``jacobian(x)`` with central differences of ``f`` at ``x``.

    Returns (passed, relative_error), where passed means relative_error <= tol.
    """
    if not callable(jacobian):
        raise TypeError(f"jacobian must be callable, got {type(jacobian).__name__}")
    if not (isinstance(tol, (int, float)) and np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive finite number, got {tol!r}")
    J_num = numerical_jacobian(f, x, method="central")
    J = np.asarray(jacobian(np.asarray(x, dtype=float)), dtype=float)
    if J.ndim == 1 and J_num.shape[0] == 1:
        J = J[None, :]  # a gradient given as a 1-D array is the 1 x n Jacobian
    if J.shape != J_num.shape:
        raise ValueError(f"jacobian(x) has shape {J.shape}, but f: R^{J_num.shape[1]} -> R^{J_num.shape[0]} needs {J_num.shape}")
    err = relative_error(J, J_num)
    return err <= tol, err


def step_error_figure():
    """Error of forward, central and complex-step estimates of d/dy (5x + sin y) = cos y at
    (1, 2) against the step h, in float64 and float32."""
    import matplotlib.pyplot as plt

    steps = np.logspace(-20, 0, 81)
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 4.3), sharey=True)
    # Central is drawn wider, complex step dashed on top of it: for large h the two coincide.
    styles = {"forward": ("#b2182b", "-", 1.6), "central": ("#2166ac", "-", 3.0), "complex": ("#1b7837", "--", 1.6)}
    for ax, dtype in zip(axes, DTYPES):
        eps = np.finfo(DTYPES[dtype][0]).eps
        for method, (colour, ls, lw) in styles.items():
            errors = derivative_errors(lambda y: 5 * 1 + np.sin(y), np.cos(2.0), 2.0, steps, method, dtype)
            ax.loglog(steps, np.maximum(errors, 1e-18), color=colour, ls=ls, lw=lw, label=method)
        ax.axhline(eps, color="#333333", lw=1.0, ls=":")
        ax.text(1e-19, eps * 3, f"machine epsilon {eps:.1e}", fontsize=10, color="#222222")
        ax.set_title(dtype, fontsize=12)
        ax.set_xlabel("step h", fontsize=11)
        ax.tick_params(labelsize=11)
        ax.grid(True, color="#dddddd", lw=0.5)
        ax.set_ylim(1e-18, 10)
    axes[0].set_ylabel("|estimate − cos 2|", fontsize=11)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=3, fontsize=11, frameon=False, bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return fig


if __name__ == "__main__":
    # --8<-- [start:three-methods]
    import numpy as np


    def f(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    p = np.array([1.0, 2.0])
    J_exact = np.array([[2 * p[0] * p[1], p[0] ** 2], [5.0, np.cos(p[1])]])
    E = np.eye(2)

    h = 1e-8  # forward: f(p + h e_j) - f(p), divided by h
    forward = np.stack([(f(p + h * E[j]) - f(p)) / h for j in range(2)], axis=1)
    h = 6e-6  # central: f(p + h e_j) - f(p - h e_j), divided by 2h
    central = np.stack([(f(p + h * E[j]) - f(p - h * E[j])) / (2 * h) for j in range(2)], axis=1)
    h = 1e-20  # complex step: the imaginary part of f(p + i h e_j), divided by h
    complex_step = np.stack([np.imag(f(p + 1j * h * E[j])) / h for j in range(2)], axis=1)

    for name, J in (("forward", forward), ("central", central), ("complex step", complex_step)):
        print(f"{name:12}: largest error {np.max(np.abs(J - J_exact)):.1e}")
    # --8<-- [end:three-methods]

    # --8<-- [start:best-steps]
    import numpy as np

    exact = np.cos(2.0)  # d/dy (5x + sin y) at (x, y) = (1, 2)
    steps = np.logspace(-20, 0, 81)
    for dtype, real, cplx in (("float64", np.float64, np.complex128), ("float32", np.float32, np.complex64)):
        y, eps = real(2.0), np.finfo(real).eps
        g = lambda y: real(5) + np.sin(y)
        for method in ("forward", "central", "complex"):
            errors = []
            for h in steps.astype(real):
                if method == "forward":
                    d = (g(y + h) - g(y)) / h
                elif method == "central":
                    d = (g(y + h) - g(y - h)) / (2 * h)
                else:
                    d = np.imag(g(cplx(y + 1j * h))) / h
                errors.append(abs(float(d) - exact))
            k = int(np.argmin(errors))
            print(f"{dtype} {method:8}: smallest error {errors[k]:.1e} at h = {steps[k]:.0e}")
        print(f"{dtype} theory: sqrt(eps) = {eps ** 0.5:.0e} (forward), eps^(1/3) = {eps ** (1 / 3):.0e} (central)")
        print(f"{dtype} theory: eps^(2/3) = {eps ** (2 / 3):.0e} (scale of central's error at its best step)")
    # --8<-- [end:best-steps]

    # --8<-- [start:gradient-check]
    import numpy as np


    def f(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    def J_correct(p):
        x, y = p
        return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


    def J_buggy(p):  # a typical slip: d/dy sin y written as sin y
        x, y = p
        return np.array([[2 * x * y, x**2], [5.0, np.sin(y)]])


    def gradient_check(f, jacobian, p, h=6e-6, tol=1e-6):
        """Relative error between an analytic Jacobian and central differences."""
        cols = [(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(p.size)]
        J_num = np.stack(cols, axis=1)
        J = jacobian(p)
        rel = np.max(np.abs(J - J_num)) / max(np.max(np.abs(J)), np.max(np.abs(J_num)))
        return rel <= tol, rel


    rng = np.random.default_rng(0)
    for name, jac in (("correct", J_correct), ("buggy", J_buggy)):
        results = [gradient_check(f, jac, p) for p in rng.uniform(-2, 2, size=(5, 2))]
        worst = max(rel for _, rel in results)
        print(f"{name:7}: passed {sum(ok for ok, _ in results)}/5, worst relative error {worst:.1e}")
    # --8<-- [end:gradient-check]

    # --8<-- [start:failures]
    import numpy as np

    h = 6e-6
    relu = lambda x: np.maximum(x, 0.0)
    # 1. At a kink there is no derivative; each method returns *something*.
    print("ReLU at 0:   forward", (relu(h) - relu(0.0)) / h, " central", (relu(h) - relu(-h)) / (2 * h))
    # 2. Near a kink, a step that crosses it gives a value that is neither slope.
    x = 1e-6
    print("ReLU at 1e-6: true derivative 1.0, central", round((relu(x + h) - relu(x - h)) / (2 * h), 4))
    # 3. Complex step needs complex-safe code: abs() throws the imaginary part away.
    print("d/dx |x| at x = 2 by complex step:", np.imag(np.abs(2.0 + 1e-20j)) / 1e-20, "(true value 1)")
    safe_abs = lambda z: np.where(np.real(z) < 0, -z, z)  # the same function, complex-safe
    print("with a complex-safe abs:          ", np.imag(safe_abs(2.0 + 1e-20j)) / 1e-20)
    # --8<-- [end:failures]

    # --8<-- [start:exercise-float32-step]
    import numpy as np

    eps32 = np.finfo(np.float32).eps
    print(f"float32 eps = {eps32:.2e}; predicted best steps: forward {eps32 ** 0.5:.1e}, central {eps32 ** (1 / 3):.1e}")
    y, g = np.float32(2.0), lambda y: np.float32(5) + np.sin(y)
    steps = np.float32([1e-1, 1e-2, 5e-3, 1e-3, 1e-4])
    errors = []
    for h in steps:
        d = (g(y + h) - g(y - h)) / (np.float32(2) * h)
        errors.append(abs(float(d) - np.cos(2.0)))
        print(f"central, h = {h:.0e}: error {errors[-1]:.1e}")
    first, second = steps[np.argsort(errors)[:2]]
    print(f"two smallest errors at h = {first:.0e} and h = {second:.0e}")
    # --8<-- [end:exercise-float32-step]

    # --8<-- [start:exercise-find-bug]
    import numpy as np


    def f(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    def J_buggy(p):
        x, y = p
        return np.array([[2 * x * y, x**2], [5.0, np.sin(y)]])


    p, h = np.array([0.7, -1.3]), 6e-6
    J_num = np.stack([(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
    entrywise = np.abs(J_buggy(p) - J_num) / np.maximum(np.abs(J_num), 1e-12)
    print("entrywise relative error:\n", entrywise.round(8))
    i, j = np.unravel_index(np.argmax(entrywise), entrywise.shape)
    print(f"wrong entry: row {i + 1}, column {j + 1} (d f{i + 1} / d {'xy'[j]})")
    # --8<-- [end:exercise-find-bug]

    # --8<-- [start:exercise-tiny-step]
    import numpy as np

    for h in (1e-20, 1e-100, 1e-300):
        complex_step = np.imag(np.sin(1.0 + 1j * h)) / h
        print(f"h = {h:.0e}: complex step error {abs(complex_step - np.cos(1.0)):.1e}")
    central = (np.sin(1.0 + 1e-20) - np.sin(1.0 - 1e-20)) / 2e-20
    print(f"central difference with h = 1e-20: {central} (1 + 1e-20 == 1 in float64)")
    # --8<-- [end:exercise-tiny-step]

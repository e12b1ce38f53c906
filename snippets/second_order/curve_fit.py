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

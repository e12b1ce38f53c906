import numpy as np

exact = np.cos(2.0)  # d/dy (5x + sin y) at (x, y) = (1, 2)
steps = np.logspace(-20, 0, 81)
errors = {}  # errors[dtype, method]: the error at each step
for dtype, real, cplx in (("float64", np.float64, np.complex128), ("float32", np.float32, np.complex64)):
    y, eps = real(2.0), np.finfo(real).eps
    g = lambda y: real(5) + np.sin(y)
    for method in ("forward", "central", "complex"):
        err = errors[dtype, method] = []
        for h in steps.astype(real):
            if method == "forward":
                d = (g(y + h) - g(y)) / h
            elif method == "central":
                d = (g(y + h) - g(y - h)) / (2 * h)
            else:
                d = np.imag(g(cplx(y + 1j * h))) / h
            err.append(abs(float(d) - exact))
        k = int(np.argmin(err))
        print(f"{dtype} {method:8}: smallest error {err[k]:.1e} at h = {steps[k]:.0e}")
    print(f"{dtype} theory: sqrt(eps) = {eps ** 0.5:.0e} (forward), eps^(1/3) = {eps ** (1 / 3):.0e} (central)")
    print(f"{dtype} theory: eps^(2/3) = {eps ** (2 / 3):.0e} (scale of central's error at its best step)")

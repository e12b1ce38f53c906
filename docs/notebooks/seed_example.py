# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The running example
#
# A playground for the page [What is the Jacobian?](../../jacobian/). Its running example is
# $\mathbf{f}(x, y) = (x^2 y,\; 5x + \sin y)$. Change the function in the first code cell
# below to your own, run all cells, and you get its Jacobian $\mathbf{J}$ (by SymPy),
# $\det \mathbf{J}$ when $\mathbf{J}$ is square, a finite-difference check and the Taylor
# test at a point. The page's exercises are at the end, each with a cell that solves it.
#
# It needs only `numpy` and `sympy`. Every output below was produced when the site was
# built. Run it in Jupyter (the `.ipynb` file) or as a plain Python script (the `.py` file),
# which prints every value shown here.

# %%
import numpy as np
import sympy as sp

try:  # Jupyter draws SymPy's matrices as formulas with display()
    display
except NameError:  # a plain Python script prints their text form instead
    def display(value):
        print(repr(value))

# %% [markdown]
# ## Your function
#
# The inputs, in order (they index the columns of $\mathbf{J}$), one formula per output (the
# rows), and the point $\mathbf{p}$ where the checks run:

# %%
x, y = sp.symbols("x y")
variables = [x, y]
f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])
p = [1, 2]
print(f"f: R^{len(variables)} -> R^{len(f)}, checked at p = {p}")

# %% [markdown]
# ## The Jacobian
#
# Entry $(i, j)$ is $\partial f_i / \partial x_j$. By hand, for the running example:
# $\partial (x^2 y) / \partial x = 2xy$, $\partial (x^2 y) / \partial y = x^2$,
# $\partial (5x + \sin y) / \partial x = 5$ and $\partial (5x + \sin y) / \partial y = \cos y$,
# so
# $$\mathbf{J} = \begin{bmatrix} 2xy & x^2 \\ 5 & \cos y \end{bmatrix}.$$
# SymPy agrees:

# %%
J = f.jacobian(variables)
m, n = J.shape
print(f"J is {m} x {n}: one row per output, one column per input")
display(J)

# %% [markdown]
# Row $i$ is the gradient of $f_i$, a column vector, transposed:

# %%
grad_f1 = sp.Matrix([sp.diff(f[0], v) for v in variables])
assert grad_f1.T == J[0, :]
print("the gradient of f_1; its transpose is row 1 of J:")
display(grad_f1)

# %% [markdown]
# ## At the point
#
# At $\mathbf{p} = (1, 2)$ we expect
# $\begin{bmatrix} 4 & 1 \\ 5 & \cos 2 \end{bmatrix}$, with $\cos 2 \approx -0.416$:

# %%
at_p = dict(zip(variables, p))
J_p = J.subs(at_p)
J_p_float = np.array(J_p.evalf(), dtype=float)
print("J at p, exactly and in floating point:")
display(J_p)
print(J_p_float)

# %% [markdown]
# ## The determinant
#
# Only a square $\mathbf{J}$ has one. For the running example
# $\det \mathbf{J} = 2xy \cos y - 5x^2 = x\,(2y\cos y - 5x)$; at $\mathbf{p}$ it is
# $4\cos 2 - 5 \approx -6.66$: near $\mathbf{p}$, $\mathbf{f}$ scales small areas by about
# 6.66 and flips their orientation (the page
# [The Jacobian determinant](../../determinant/) explains why).

# %%
if J.is_square:
    det_J = sp.factor(J.det())
    det_p = float(det_J.subs(at_p))
    print("det J:")
    display(det_J)
    orientation = "flips orientation" if det_p < 0 else "keeps orientation"
    print(f"at p: {det_p:.4f}, so near p, f scales small areas by "
          f"{abs(det_p):.4f} and {orientation}")
else:
    print(f"J is {J.shape[0]} x {J.shape[1]}, not square: no determinant")

# %% [markdown]
# ## A finite-difference check
#
# Column $j$ of $\mathbf{J}$ is about
# $\big(\mathbf{f}(\mathbf{p} + h\mathbf{e}_j) - \mathbf{f}(\mathbf{p} - h\mathbf{e}_j)\big)
# / (2h)$, where $\mathbf{e}_j$ is the $j$-th unit vector. This central difference is off by
# about $h^2$ times a third derivative, plus a round-off error of about
# $\varepsilon |\mathbf{f}| / h$, where $\varepsilon \approx 2.2 \times 10^{-16}$ is the
# spacing of doubles near 1. With $h = 10^{-6}$ both are far below the tolerance, which is
# per entry, absolute plus relative, so that a wrong small entry is not hidden by large
# ones:

# %%
f_numeric = sp.lambdify(variables, list(f), modules="numpy")  # f for NumPy


def central_differences(func, p, h=1e-6):
    """Column j is (func(p + h e_j) - func(p - h e_j)) / (2h)."""
    p = np.asarray(p, dtype=float)
    columns = []
    for j in range(p.size):
        e_j = np.zeros_like(p)
        e_j[j] = h
        diff = np.array(func(*(p + e_j))) - np.array(func(*(p - e_j)))
        columns.append(diff / (2 * h))
    return np.stack(columns, axis=1)


J_fd = central_differences(f_numeric, p)
error = np.abs(J_fd - J_p_float)
within = bool(np.all(error <= 1e-6 * (1 + np.abs(J_p_float))))
print("central differences:")
print(J_fd)
print(f"largest error {error.max():.1e}; "
      f"every entry within 1e-6 (1 + |J_ij|): {within}")

# %% [markdown]
# ## The Taylor test
#
# A stronger check than one difference: along a random direction $\mathbf{u}$ the remainder
# $r(t) = \|\mathbf{f}(\mathbf{p} + t\mathbf{u}) - \mathbf{f}(\mathbf{p}) - t\,\mathbf{J}
# \mathbf{u}\|$ shrinks like $t^2$ if $\mathbf{J}$ is the Jacobian (Taylor's theorem), but
# only like $t$ if it is not. On a log-log scale the slope is 2 or 1 (the name comes from
# Farrell et al., *SIAM J. Sci. Comput.* 35, 2013). If $\mathbf{f}$ is linear, $r$ is
# round-off and the slopes mean nothing.

# %%
def taylor_slopes(func, J_at_p, p, u, ts):
    """The log-log slopes, between successive t in ts, of the remainder
    r(t) = |func(p + t u) - func(p) - t J u|."""
    p = np.asarray(p, dtype=float)
    f_p = np.array(func(*p))
    r = [np.linalg.norm(np.array(func(*(p + t * u))) - f_p - t * J_at_p @ u)
         for t in ts]
    return np.diff(np.log(r)) / np.diff(np.log(ts))


u = np.random.default_rng(0).normal(size=len(variables))
ts = 0.1 / 2.0 ** np.arange(6)  # t halves each time
slopes = taylor_slopes(f_numeric, J_p_float, p, u, ts)
print("slopes with J:", np.round(slopes, 2))

J_wrong = J_p_float.copy()
J_wrong[1, 1] = -J_wrong[1, 1]  # a sign error in one entry
slopes_wrong = taylor_slopes(f_numeric, J_wrong, p, u, ts)
print("slopes with a sign error in one entry:", np.round(slopes_wrong, 2))

# %% [markdown]
# ## Exercises
#
# These are the exercises of [What is the Jacobian?](../../jacobian/), for the running
# example. Try each before you run its cell.
#
# **1.** Evaluate $\mathbf{J}_\mathbf{f}(1, 0)$ by hand.

# %%
x, y = sp.symbols("x y")
J_running = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)]).jacobian([x, y])
J_at_1_0 = J_running.subs({x: 1, y: 0})
print("J_f(1, 0):")
display(J_at_1_0)

# %% [markdown]
# **2.** At which points $(x, y)$ is $\mathbf{J}_\mathbf{f}(x, y)$ singular (determinant
# zero)?

# %%
det_running = sp.factor(J_running.det())
singular_x = sp.solve(det_running, x)
print("det J =", det_running)
print("it is zero exactly when x is one of", singular_x)

# %% [markdown]
# **3.** What is the shape of the Jacobian of $\mathbf{g}(x, y, z) = (xyz,\; x + y)$, and
# what is it?

# %%
z = sp.symbols("z")
J_g = sp.Matrix([x * y * z, x + y]).jacobian([x, y, z])
print("shape:", J_g.shape)
display(J_g)

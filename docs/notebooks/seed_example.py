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
# # The seed example as a notebook
#
# The running example of this site, $\mathbf{f}(x, y) = (x^2 y,\; 5x + \sin y)$, computed
# step by step. This notebook is executed every time the site is built, so every output below
# is real. It needs only `sympy` and `numpy`: download it with the link above and run it in
# Jupyter (with Jupytext) or as a plain script.
#
# The Jacobian of $\mathbf{f}: \mathbb{R}^2 \to \mathbb{R}^2$ is the $2 \times 2$ matrix of
# partial derivatives $\partial f_i / \partial x_j$: one row per output, one column per input.

# %%
import numpy as np
import sympy as sp

x, y = sp.symbols("x y")
f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])
J = f.jacobian([x, y])
J

# %% [markdown]
# SymPy displays the matrix as LaTeX. By hand we expect
# $$\mathbf{J}_\mathbf{f}(x, y) = \begin{bmatrix} 2xy & x^2 \\ 5 & \cos y \end{bmatrix}.$$
# Row $i$ is the transposed gradient of $f_i$:

# %%
grad_f1 = sp.Matrix([f[0].diff(x), f[0].diff(y)])
grad_f2 = sp.Matrix([f[1].diff(x), f[1].diff(y)])
assert sp.Matrix.vstack(grad_f1.T, grad_f2.T) == J
grad_f1.T, grad_f2.T

# %% [markdown]
# ## At a point
#
# `lambdify` turns the symbolic matrix into a NumPy function. At $(x, y) = (1, 2)$:

# %%
J_numeric = sp.lambdify((x, y), J, modules="numpy")
J_at_p = np.asarray(J_numeric(1.0, 2.0), dtype=float)
print(J_at_p)

# %% [markdown]
# ## A numerical check
#
# Central differences, $\big(\mathbf{f}(\mathbf{p} + h\mathbf{e}_j) - \mathbf{f}(\mathbf{p} - h\mathbf{e}_j)\big) / (2h)$,
# approximate column $j$ with an error of order $h^2$:

# %%
f_numeric = sp.lambdify((x, y), f, modules="numpy")


def central_difference(p, h=1e-6):
    p = np.asarray(p, dtype=float)
    cols = []
    for j in range(p.size):
        e = np.zeros_like(p)
        e[j] = h
        cols.append((np.ravel(f_numeric(*(p + e))) - np.ravel(f_numeric(*(p - e)))) / (2 * h))
    return np.stack(cols, axis=1)


error = np.max(np.abs(central_difference([1.0, 2.0]) - J_at_p))
print(f"largest difference from the exact Jacobian: {error:.1e}")
assert error < 1e-6

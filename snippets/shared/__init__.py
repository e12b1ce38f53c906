"""Building blocks that several pages, figures and tests use.

- ``checks``: the one set of input checks (messages name the argument).
- ``running_example``: f(x, y) = (x^2 y, 5x + sin y) and its Jacobian, in NumPy and SymPy.
- ``finite_differences``: ``numerical_jacobian``, the finite-difference reference of the tests.
- ``figures``: matplotlib figures as inline, accessible SVG.
- ``explorer``: the interactive figure's functions, Jacobians and static fallback.
"""

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

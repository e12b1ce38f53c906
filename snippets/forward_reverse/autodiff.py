# --8<-- [start:checks]
import numpy as np


def check_point(x, what="x"):
    """x as a finite, non-empty 1-D float array, or a clear error."""
    if callable(x) or isinstance(x, (str, bytes)):
        raise TypeError(f"{what} must be an array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):  # strings, ragged lists
        raise TypeError(f"{what} must be an array of numbers") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{what} must be a non-empty 1-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} must be finite (no nan or inf)")
    return arr


def call_f(f, inputs):
    """Evaluate f and return its outputs as a flat list (f may return a scalar or a 1-D sequence)."""
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    out = f(inputs)
    if np.ndim(out) == 0 and not isinstance(out, (list, tuple, np.ndarray)):
        return [out]
    arr = np.asarray(out, dtype=object)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"f must return a scalar or a non-empty 1-D sequence, got shape {arr.shape}")
    return list(arr)


try:  # what a wrong argument gets: an error that names it
    check_point([[1.0, 2.0]])
except ValueError as err:
    message = str(err)
print("check_point([[1.0, 2.0]]) raises ValueError:", message)
# --8<-- [end:checks]


# --8<-- [start:forward]
# Each primitive: its value and its derivative, both as functions of the input value.
RULES = {
    "sin": (np.sin, np.cos),
    "cos": (np.cos, lambda a: -np.sin(a)),
    "exp": (np.exp, np.exp),
    "log": (np.log, lambda a: 1.0 / a),
    "tanh": (np.tanh, lambda a: 1.0 - np.tanh(a) ** 2),
    "sqrt": (np.sqrt, lambda a: 0.5 / np.sqrt(a)),
}


def power_partials(a, c, exponent_varies):
    """The partial derivatives of a**c in a and in c (the second only if the exponent varies)."""
    if exponent_varies and a <= 0:  # d(a**c)/dc = a**c log a
        raise ValueError(f"x**y with a varying exponent y needs a base x > 0, got x = {a}")
    d_base = c * a ** (c - 1) if c != 0 else 0.0  # x**0 = 1 has slope 0, even at 0 where 0**(-1) fails
    return d_base, (a**c * np.log(a) if exponent_varies else 0.0)


class Dual:
    """A number a + b eps with eps^2 = 0: the value a carries its tangent b along."""

    def __init__(self, value, tangent=0.0):
        self.value, self.tangent = float(value), float(tangent)

    @staticmethod
    def lift(other):
        return other if isinstance(other, Dual) else Dual(other)

    def __add__(self, other):
        o = Dual.lift(other)
        return Dual(self.value + o.value, self.tangent + o.tangent)

    def __mul__(self, other):  # product rule
        o = Dual.lift(other)
        return Dual(self.value * o.value, self.tangent * o.value + self.value * o.tangent)

    def __truediv__(self, other):  # quotient rule
        o = Dual.lift(other)
        return Dual(self.value / o.value, (self.tangent * o.value - self.value * o.tangent) / o.value**2)

    def __pow__(self, other):  # x**k, x**y and (with __rpow__) 2**x
        o = Dual.lift(other)
        d_base, d_exp = power_partials(self.value, o.value, o.tangent != 0)
        return Dual(self.value**o.value, d_base * self.tangent + d_exp * o.tangent)

    def __neg__(self):
        return Dual(-self.value, -self.tangent)

    __radd__ = __add__
    __rmul__ = __mul__
    def __sub__(self, other): return self + (-Dual.lift(other))
    def __rsub__(self, other): return Dual.lift(other) - self
    def __rtruediv__(self, other): return Dual.lift(other) / self
    def __rpow__(self, other): return Dual.lift(other) ** self


for _name, (_f, _df) in RULES.items():  # np.sin(d) calls d.sin(): chain rule, one primitive
    setattr(Dual, _name, lambda self, f=_f, df=_df: Dual(f(self.value), df(self.value) * self.tangent))


def jvp(f, x, v):
    """One forward pass: (f(x), J_f(x) v), the Jacobian-vector product, without forming J."""
    x, v = check_point(x), check_point(v, "tangent v")
    if v.shape != x.shape:
        raise ValueError(f"tangent v has shape {v.shape} but x has shape {x.shape}")
    duals = [Dual.lift(o) for o in call_f(f, [Dual(a, b) for a, b in zip(x, v)])]
    return np.array([d.value for d in duals]), np.array([d.tangent for d in duals])


def jacobian_forward(f, x):
    """The m x n Jacobian, one column per forward pass: n passes (v = e_1, ..., e_n)."""
    x = check_point(x)
    return np.stack([jvp(f, x, e)[1] for e in np.eye(x.size)], axis=1)


def f(p):  # the running example, written as ordinary numpy code
    x, y = p
    return [x**2 * y, 5 * x + np.sin(y)]


p = np.array([1.0, 2.0])
print("J v with v = e_1 (column 1):", jvp(f, p, [1.0, 0.0])[1])
print("J v with v = e_2 (column 2):", jvp(f, p, [0.0, 1.0])[1])
print("forward mode, 2 passes:\n", jacobian_forward(f, p))
# --8<-- [end:forward]


# --8<-- [start:reverse]
class Var:
    """A value recorded on a tape: the tape stores, per node, (parent, local derivative) pairs."""

    def __init__(self, value, tape, parents=()):
        self.value, self.tape, self.index = float(value), tape, len(tape)
        tape.append(parents)

    def lift(self, other):
        return other if isinstance(other, Var) else Var(other, self.tape)

    def __add__(self, other):
        o = self.lift(other)
        return Var(self.value + o.value, self.tape, ((self.index, 1.0), (o.index, 1.0)))

    def __mul__(self, other):
        o = self.lift(other)
        return Var(self.value * o.value, self.tape, ((self.index, o.value), (o.index, self.value)))

    def __truediv__(self, other):
        o = self.lift(other)
        return Var(self.value / o.value, self.tape,
                   ((self.index, 1.0 / o.value), (o.index, -self.value / o.value**2)))

    def __pow__(self, other):  # a constant exponent k: one parent; a Var exponent y: two
        if not isinstance(other, Var):
            return Var(self.value**other, self.tape, ((self.index, power_partials(self.value, other, False)[0]),))
        d_base, d_exp = power_partials(self.value, other.value, True)
        return Var(self.value**other.value, self.tape, ((self.index, d_base), (other.index, d_exp)))

    def __neg__(self):
        return Var(-self.value, self.tape, ((self.index, -1.0),))

    __radd__ = __add__
    __rmul__ = __mul__
    def __sub__(self, other): return self + (-self.lift(other))
    def __rsub__(self, other): return self.lift(other) - self
    def __rtruediv__(self, other): return self.lift(other) / self
    def __rpow__(self, other): return self.lift(other) ** self


for _name, (_f, _df) in RULES.items():  # np.sin(v) calls v.sin(): record one node
    setattr(Var, _name, lambda self, f=_f, df=_df: Var(f(self.value), self.tape, ((self.index, df(self.value)),)))


def record(f, x):
    """One forward pass that records the tape: returns (tape, input Vars, output Vars)."""
    tape = []
    inputs = [Var(a, tape) for a in check_point(x)]
    outputs = [o if isinstance(o, Var) else Var(o, tape) for o in call_f(f, inputs)]
    return tape, inputs, outputs


def backward(tape, inputs, outputs, u):
    """One reverse sweep over the tape: u^T J_f(x), the vector-Jacobian product."""
    u = check_point(u, "cotangent u")
    if u.shape != (len(outputs),):
        raise ValueError(f"cotangent u has shape {u.shape} but f has {len(outputs)} outputs")
    adjoint = np.zeros(len(tape))
    for o, u_i in zip(outputs, u):
        adjoint[o.index] += u_i
    for node in range(len(tape) - 1, -1, -1):  # newest first: each node's users come after it
        for parent, local in tape[node]:
            adjoint[parent] += adjoint[node] * local
    return np.array([adjoint[i.index] for i in inputs])


def vjp(f, x, u):
    """(f(x), u^T J_f(x)): record once, sweep back once, without forming J."""
    tape, inputs, outputs = record(f, x)
    return np.array([o.value for o in outputs]), backward(tape, inputs, outputs, u)


def jacobian_reverse(f, x):
    """The m x n Jacobian, one row per reverse sweep: record once, then m sweeps (u = e_i)."""
    tape, inputs, outputs = record(f, x)
    return np.stack([backward(tape, inputs, outputs, e) for e in np.eye(len(outputs))])


tape, inputs, outputs = record(lambda p: [p[0] ** 2 * p[1]], [1.0, 2.0])  # x^2 y at (1, 2)
for index, parents in enumerate(tape):
    print(f"node {index}: (parent, local derivative) pairs {parents}")

# f and p: the running example at (1, 2), from the block above
print("u^T J with u = e_1 (row 1):", vjp(f, p, [1.0, 0.0])[1])
print("u^T J with u = e_2 (row 2):", vjp(f, p, [0.0, 1.0])[1])
print("reverse mode, 1 recording + 2 sweeps:\n", jacobian_reverse(f, p))
# --8<-- [end:reverse]


# --8<-- [start:overwrite-bug]
tape_xx, inputs_xx, outputs_xx = record(lambda p: [p[0] * p[0]], [3.0])  # x * x at x = 3
print("tape of x * x:", tape_xx)  # node 1 lists node 0 twice: two paths from x
print("with +=: d(x*x)/dx =", backward(tape_xx, inputs_xx, outputs_xx, [1.0])[0])

adjoint_bad = np.zeros(len(tape_xx))
adjoint_bad[outputs_xx[0].index] = 1.0
for node in range(len(tape_xx) - 1, -1, -1):
    for parent, local in tape_xx[node]:
        adjoint_bad[parent] = adjoint_bad[node] * local  # the bug: = instead of +=
print("with = : d(x*x)/dx =", adjoint_bad[inputs_xx[0].index], "(one of the two paths is lost)")
# --8<-- [end:overwrite-bug]


# --8<-- [start:tall-wide]
def tall(x):
    """R^2 -> R^200: many outputs, few inputs (m >> n)."""
    return [np.sin(k * x[0]) * x[1] for k in range(1, 201)]


def wide(x):
    """R^200 -> R^2: many inputs, few outputs (n >> m), like a loss of many weights."""
    s, q = 0.0, 0.0
    for k, xk in enumerate(x):
        s = s + np.sin(xk) * (k + 1)
        q = q + xk * xk
    return [s, q]


x_tall, x_wide = np.array([0.3, -0.7]), np.linspace(-1.0, 1.0, 200)
for name, func, x in [("tall", tall, x_tall), ("wide", wide, x_wide)]:
    J_fwd, J_rev = jacobian_forward(func, x), jacobian_reverse(func, x)
    print(f"{name}: J is {J_fwd.shape[0]} x {J_fwd.shape[1]};",
          "forward and reverse mode agree:", np.allclose(J_fwd, J_rev, rtol=1e-12, atol=1e-12))
# --8<-- [end:tall-wide]


# --8<-- [start:exercise-gradient]
def loss(w):  # a scalar function of 5 inputs: R^5 -> R^1
    return sum((wi - i) ** 2 for i, wi in enumerate(w))


w = np.zeros(5)
value, grad = vjp(loss, w, [1.0])  # one reverse sweep with u = 1 gives the whole gradient
print("loss:", value, " gradient:", grad, " expected 2 (w - (0..4)):", 2 * (w - np.arange(5)))
# --8<-- [end:exercise-gradient]


# --8<-- [start:exercise-direction]
p, v = np.array([1.0, 2.0]), np.array([1.0, 1.0])  # f: the running example, from above
print("J v by one forward pass:", jvp(f, p, v)[1])
print("J v from the matrix:    ", np.array([[4.0, 1.0], [5.0, np.cos(2.0)]]) @ v)
# --8<-- [end:exercise-direction]


# --8<-- [start:exercise-powers]
def powers(p):  # (x**y, 2**x): the exponent varies
    x, y = p
    return [x**y, 2**x]


q = np.array([2.0, 3.0])
by_hand = np.array([[3 * 2.0**2, 2.0**3 * np.log(2.0)], [2.0**2 * np.log(2.0), 0.0]])
print("forward mode:\n", jacobian_forward(powers, q))
print("reverse mode:\n", jacobian_reverse(powers, q))
print("by hand:\n", by_hand)
slope_at_0 = jvp(lambda p: [p[0] ** 0], [0.0], [1.0])[1]  # x**0 = 1 everywhere
print("d/dx x**0 at x = 0:", slope_at_0)
# --8<-- [end:exercise-powers]

import numpy as np


class TinyDual:
    """a + b eps with eps^2 = 0; only what this example needs."""

    def __init__(self, value, tangent):
        self.value, self.tangent = value, tangent

    def __mul__(self, other):  # (a + b eps)(c + d eps) = ac + (bc + ad) eps
        return TinyDual(self.value * other.value, self.tangent * other.value + self.value * other.tangent)

    def sin(self):  # sin(a + b eps) = sin a + (cos a) b eps
        return TinyDual(np.sin(self.value), np.cos(self.value) * self.tangent)


# d/dx [x sin x] at x = 2: seed the tangent with 1 and read it off the result.
x = TinyDual(2.0, 1.0)
y = x * np.sin(x)  # numpy calls x.sin() for an object it does not know
print("value:     ", y.value, "= 2 sin 2 =", 2 * np.sin(2))
print("derivative:", y.tangent, "= sin 2 + 2 cos 2 =", np.sin(2) + 2 * np.cos(2))

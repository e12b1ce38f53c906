# --8<-- [start:main]
import numpy as np


class Var:
    """A value recorded on a tape, as in Forward and reverse mode: the tape keeps, for each node,
    its (parent, local derivative) pairs. Only +, * and tanh here, all this example needs."""

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

    __radd__, __rmul__ = __add__, __mul__

    def tanh(self):  # np.tanh(v) calls v.tanh()
        return Var(np.tanh(self.value), self.tape, ((self.index, 1.0 - np.tanh(self.value) ** 2),))


def record(f, x):
    """Run f on new tape variables: (tape, inputs, outputs)."""
    tape = []
    inputs = [Var(a, tape) for a in x]
    return tape, inputs, f(inputs)


def backward(tape, inputs, outputs, u):
    """One reverse sweep over the tape: u^T J of the recorded function."""
    adjoint = np.zeros(len(tape))
    for o, u_i in zip(outputs, u):
        adjoint[o.index] += u_i
    for node in range(len(tape) - 1, -1, -1):  # newest node first
        for parent, local in tape[node]:
            adjoint[parent] += adjoint[node] * local
    return np.array([adjoint[i.index] for i in inputs])


W, B = [[0.9, -0.5], [0.5, 0.9]], [0.1, -0.1]  # Python floats, so that w * x calls Var.__rmul__
LAYERS, EVERY = 32, 4  # a chain of 32 layers, cut into segments of 4


def layer(x):  # tanh(W x + b); runs on floats and on tape variables alike
    return [np.tanh(W[i][0] * x[0] + W[i][1] * x[1] + B[i]) for i in range(2)]


def chain(x, count):
    for _ in range(count):
        x = layer(x)
    return x


def vjp_plain(x, u, layers=LAYERS):
    """Record every layer, sweep back once: (u^T J, the most values stored at once)."""
    tape, inputs, outputs = record(lambda z: chain(z, layers), x)
    return backward(tape, inputs, outputs, u), len(tape)


def vjp_checkpointed(x, u, layers=LAYERS, every=EVERY):
    """Keep only the input of each segment; on the way back, record one segment at a time again."""
    checkpoints = []
    for _ in range(layers // every):  # forward pass on plain floats: nothing is recorded
        checkpoints.append(x)
        x = chain(x, every)
    peak = 0
    for x_in in reversed(checkpoints):  # last segment first
        tape, inputs, outputs = record(lambda z: chain(z, every), x_in)  # run the segment again
        peak = max(peak, len(tape) + 2 * len(checkpoints))  # its tape, and the 2 numbers per checkpoint
        u = backward(tape, inputs, outputs, u)  # u^T J of this segment: the cotangent of its input
    return u, peak


x0, u0 = [0.5, -1.0], [1.0, 1.0]  # u = (1, 1): the gradient of the sum of the outputs
grad_plain, peak_plain = vjp_plain(x0, u0)
grad_checkpointed, peak_checkpointed = vjp_checkpointed(x0, u0)
print("plain:        gradient", grad_plain, " values stored at once, at most:", peak_plain)
print("checkpointed: gradient", grad_checkpointed, " values stored at once, at most:", peak_checkpointed)
ratio = peak_plain / peak_checkpointed
print("the same gradient, to the last bit:", bool(np.all(grad_plain == grad_checkpointed)),
      f"; memory {ratio:.1f} times smaller")
# --8<-- [end:main]


# --8<-- [start:exercise-segments]
def peak_formula(layers, every):
    """2 input nodes + 16 nodes per layer of one segment + 2 numbers per checkpoint."""
    return 2 + 16 * every + 2 * layers // every


segment_lengths = [k for k in range(1, 65) if 64 % k == 0]
measured = {k: vjp_checkpointed(x0, u0, layers=64, every=k)[1] for k in segment_lengths}
print("segment length -> values stored at once:", measured)
formula_agrees = all(measured[k] == peak_formula(64, k) for k in segment_lengths)
print("formula 2 + 16k + 128/k gives the same:", formula_agrees)
best = min(measured.values())
print("fewest:", best, "at k =", [k for k in measured if measured[k] == best], "; without checkpoints:",
      vjp_plain(x0, u0, layers=64)[1])
# --8<-- [end:exercise-segments]

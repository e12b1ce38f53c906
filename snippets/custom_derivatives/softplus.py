# --8<-- [start:rule]
import jax
import jax.numpy as jnp

# float64, to compare with NumPy and SymPy: in float32, e^x overflows already above x = 88.7.
jax.config.update("jax_enable_x64", True)


def softplus_naive(x):
    return jnp.log(1.0 + jnp.exp(x))  # e^x overflows to inf above x = 709.8


def softplus_where(x):
    return jnp.where(x > 40.0, x, jnp.log1p(jnp.exp(x)))  # for x > 40, log(1 + e^x) = x in float64


@jax.custom_jvp
def softplus(x):
    """The value of softplus_where, with the derivative given by hand."""
    return jnp.where(x > 40.0, x, jnp.log1p(jnp.exp(x)))


@softplus.defjvp
def softplus_jvp(primals, tangents):
    (x,), (v,) = primals, tangents
    sigmoid = 1.0 / (1.0 + jnp.exp(-x))  # e^x / (1 + e^x); for x < -709.8, e^-x = inf and 1/inf = 0
    return softplus(x), sigmoid * v  # the value, and J v


xs = jnp.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
print(f"{'x':>6} |" + " |".join(f"{name + ': value':>15} {'slope':>9}" for name in ("naive", "where", "custom")))
table = {}
for x in xs:
    row = [(float(h(x)), float(jax.grad(h)(x))) for h in (softplus_naive, softplus_where, softplus)]
    table[float(x)] = row
    print(f"{float(x):6.0f} |" + " |".join(f"{value:15.6g} {slope:9.4g}" for value, slope in row))
# --8<-- [end:rule]


# --8<-- [start:check]
xs = jnp.linspace(-30.0, 30.0, 61)
h = 1e-5
central = (softplus(xs + h) - softplus(xs - h)) / (2 * h)  # no derivative rule involved
reverse = jax.vmap(jax.grad(softplus))(xs)  # reverse mode: JAX transposes the rule
_, forward = jax.jvp(softplus, (xs,), (jnp.ones_like(xs),))  # forward mode: the rule itself
largest = float(jnp.max(jnp.abs(reverse - central)))
print(f"61 points in [-30, 30]: largest difference from central differences {largest:.0e}")
print("forward and reverse mode give the same slopes:", bool(jnp.all(forward == reverse)))
# --8<-- [end:check]

# --8<-- [start:optimizers]
import numpy as np

rng = np.random.default_rng(0)
t = np.linspace(0.0, 2.0, 20)
y = 2.0 * np.exp(-1.3 * t) + 0.02 * rng.normal(size=t.size)


def gradient(theta):  # J_r^T r: the only thing the optimizers below ever see
    a, b = theta
    r = a * np.exp(b * t) - y
    return np.column_stack([np.exp(b * t), a * t * np.exp(b * t)]).T @ r


# Step sizes are untuned: each is one that works for its method on this problem.
def momentum(theta, lr=0.02, mu=0.9, steps=2000):
    velocity = np.zeros_like(theta)
    for _ in range(steps):
        velocity = mu * velocity - lr * gradient(theta)  # a decaying sum of past gradients
        theta = theta + velocity
    return theta, velocity  # the last step taken is the velocity


def rmsprop(theta, lr=0.01, rho=0.9, eps=1e-8, steps=2000):
    v = np.zeros_like(theta)
    for _ in range(steps):
        g = gradient(theta)
        v = rho * v + (1 - rho) * g**2  # running mean of squared gradients
        step = -lr * g / (np.sqrt(v) + eps)  # divided by the root of that mean
        theta = theta + step
    return theta, step


def adam(theta, lr=0.05, beta1=0.9, beta2=0.999, eps=1e-8, steps=2000):
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for k in range(1, steps + 1):
        g = gradient(theta)
        m = beta1 * m + (1 - beta1) * g  # running mean of gradients
        v = beta2 * v + (1 - beta2) * g**2  # running mean of squared gradients
        step = -lr * (m / (1 - beta1**k)) / (np.sqrt(v / (1 - beta2**k)) + eps)
        theta = theta + step
    return theta, step


for name, opt in [("momentum", momentum), ("RMSprop", rmsprop), ("Adam", adam)]:
    theta, last = opt(np.array([1.0, 0.0]))
    print(f"{name:<9} after 2000 steps: (a, b) = ({theta[0]:.6f}, {theta[1]:.6f}), "
          f"|gradient| = {np.linalg.norm(gradient(theta)):.1e}, last step {np.linalg.norm(last):.1e}")
# --8<-- [end:optimizers]


# --8<-- [start:swap]
# Swap the memories of v, and take Adam's momentum away.
swaps = [("RMSprop, rho = 0.999", rmsprop, {"rho": 0.999}), ("Adam, beta2 = 0.9", adam, {"beta2": 0.9}),
         ("Adam, beta1 = 0", adam, {"beta1": 0.0})]
for name, opt, setting in swaps:
    theta, last = opt(np.array([1.0, 0.0]), **setting)
    print(f"{name:<20} after 2000 steps: |gradient| = {np.linalg.norm(gradient(theta)):.1e}, "
          f"last step {np.linalg.norm(last):.1e}")
# --8<-- [end:swap]

"""docs/backprop.md: backpropagation is a chain of VJPs, its memory, the batch, vanishing gradients.

Every claim of the page is checked on the objects its examples make (snippets/backprop/): the
worked example against SymPy; the shown model (`make_spirals`, `init_params`, `forward`,
`backward`) as functions against SymPy, an independent loss and finite differences; the
gradient check, the full Jacobian product, the batched Jacobian and each exercise by value; the
deep tanh stacks against a product of full layer Jacobians; and the hidden modules behind the
figures, the memory table and the training result against the shown code and the page's prose.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.backprop import training
from snippets.backprop.figures import gradient_norms_figure, pipeline_figure, spirals_figure
from snippets.backprop.stacks import GRADIENT_SCALES, cotangent_norms, tanh_stack
from snippets.backprop.tables import memory_counts, memory_table_markdown
from snippets.shared.figures import svg_figure
from snippets.shared.finite_differences import numerical_jacobian
from tests.conftest import ROOT

PAGE = "backprop"
NAMES = ("W1", "b1", "W2", "b2")
# Central differences (h = 6e-6, numerical_jacobian's default) of a mean loss of size <= ~5
# whose third derivatives are O(10) on these small nets: truncation ~ h^2 * 10 ~ 4e-10,
# round-off ~ 1e-16 * 5 / h ~ 1e-10. 1e-8 absolute is a safe bound, far below the gradient
# entries (~1e-3 and up) that a wrong formula would change.
FD_ATOL = 1e-8
# The same for one tanh layer of width <= 100 with |W h| of order 1: truncation ~ h^2 ~ 4e-11,
# round-off ~ 1e-16 * 3 / h ~ 5e-11. A missing diag(1 - h^2) or identity moves entries by >= 1e-2.
LAYER_FD_ATOL = 1e-8

seeds = st.integers(0, 2**32 - 1)


# --- references, written independently of the shown code -------------------------------------


def random_problem(seed: int, B: int = 7, n_in: int = 2, n_hidden: int = 5, n_out: int = 3):
    """Random parameters (nonzero biases, so a dropped or negated bias shows) and a batch."""
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(n_hidden, n_in)), "b1": rng.normal(size=n_hidden),
              "W2": rng.normal(size=(n_out, n_hidden)), "b2": rng.normal(size=n_out)}
    return params, rng.normal(size=(B, n_in)), rng.integers(0, n_out, size=B)


def logits(params, X):
    return np.tanh(X @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]


def reference_loss(params, X, labels) -> float:
    """Mean cross-entropy: log-sum-exp of the logits minus the true logit (np.logaddexp is stable)."""
    Z = logits(params, X)
    return float(np.mean(np.logaddexp.reduce(Z, axis=1) - Z[np.arange(len(labels)), labels]))


def flatten(params) -> np.ndarray:
    return np.concatenate([np.ravel(params[k]) for k in NAMES])


def unflatten(theta, like) -> dict:
    sizes = np.cumsum([0] + [np.size(like[k]) for k in NAMES])
    return {k: theta[a:b].reshape(np.shape(like[k])) for k, a, b in zip(NAMES, sizes[:-1], sizes[1:])}


def reference_gradient(params, X, labels) -> np.ndarray:
    """The gradient of the mean loss by central differences, flattened in the order of NAMES."""
    return numerical_jacobian(lambda th: reference_loss(unflatten(th, params), X, labels), flatten(params))[0]


def layer_jacobian(W, h_in, residual=False):
    """The closed form the page states: diag(1 - tanh^2(W h)) W, plus I for a residual block
    (checked against SymPy and finite differences in this module)."""
    J_f = np.diag(1 - np.tanh(W @ h_in) ** 2) @ W
    return np.eye(len(h_in)) + J_f if residual else J_f


@functools.cache
def stack_norms(scale: float, residual: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """cotangent_norms on the page's stacks, computed once per test run (each call takes 50 SVDs)."""
    return cotangent_norms(scale, residual=residual)


@functools.cache
def spectral_norms(scale: float) -> np.ndarray:
    """||W_k||_2 for k = 1..50 of the page's plain stack at this scale."""
    return np.array([np.linalg.norm(W, 2) for W in tanh_stack(scale, 50, 100, 0, residual=False)[0]])


def backward_by_jacobians(Ws, hs, u, residual=False) -> list[float]:
    """||u|| after each layer of u <- J_k^T u, from the top of the stack down."""
    norms = []
    for W, h_in in zip(reversed(Ws), reversed(hs[:-1])):
        u = layer_jacobian(W, h_in, residual).T @ u
        norms.append(float(np.linalg.norm(u)))
    return norms


# --- the worked example by hand ---------------------------------------------------------------


def worked_example_by_sympy() -> dict:
    """L, the cotangents and the gradients of the tiny network, differentiated by SymPy."""
    w1, b1, v0, v1, c0, c1, x, a, h, z0, z1 = sp.symbols("w1 b1 v0 v1 c0 c1 x a h z0 z1")
    L_z = -sp.log(sp.exp(z0) / (sp.exp(z0) + sp.exp(z1)))  # true class 0
    L_h = L_z.subs({z0: v0 * h + c0, z1: v1 * h + c1})
    L_a = L_h.subs(h, sp.tanh(a))
    L = L_a.subs(a, w1 * x + b1)
    at = {w1: 0, b1: 0, v0: 1, v1: -1, c0: 0, c1: 0, x: 1}
    value = lambda e: sp.nsimplify(sp.simplify(e.subs(at).subs({a: 0, h: 0, z0: 0, z1: 0})))  # noqa: E731
    return {"L": value(L), "u_z": [value(L_z.diff(s)) for s in (z0, z1)], "u_h": value(L_h.diff(h)),
            "u_a": value(L_a.diff(a)), "grad_W1": value(L.diff(w1)), "grad_b1": value(L.diff(b1)),
            "grad_W2": [value(L.diff(s)) for s in (v0, v1)], "grad_b2": [value(L.diff(s)) for s in (c0, c1)]}


def test_worked_example_matches_sympy(example):
    ns, exact = example(PAGE, "worked_example"), worked_example_by_sympy()
    assert exact["L"] == sp.log(2) and exact["u_h"] == -1 and exact["u_a"] == -1  # the page's values
    assert exact["grad_W1"] == exact["grad_b1"] == -1 and exact["grad_W2"] == [0, 0]
    assert exact["u_z"] == exact["grad_b2"] == [sp.Rational(-1, 2), sp.Rational(1, 2)]
    assert ns["L"] == pytest.approx(np.log(2), rel=1e-15)
    np.testing.assert_allclose(ns["y_hat"], [0.5, 0.5], rtol=1e-15)
    for name in ("u_z", "u_h", "u_a", "grad_W1", "grad_b1", "grad_W2", "grad_b2"):
        np.testing.assert_allclose(np.ravel(ns[name]), np.ravel(np.array(exact[name], float)), atol=1e-15, err_msg=name)


def test_model_gives_the_worked_example_values(example):
    ns, tiny = example(PAGE, "model"), example(PAGE, "worked_example")
    params = {"W1": tiny["W1"], "b1": tiny["b1"], "W2": tiny["W2"], "b2": tiny["b2"]}
    loss, cache = ns["forward"](params, tiny["x"][None, :], np.array([0]))
    grads = ns["backward"](params, cache)
    assert loss == pytest.approx(tiny["L"], rel=1e-15)
    for k in NAMES:
        np.testing.assert_allclose(grads[k], tiny[f"grad_{k}"], atol=1e-15, err_msg=k)


# --- the shown model, as functions ------------------------------------------------------------


@pytest.mark.parametrize(("n_per_class", "n_classes", "noise", "seed"), [(100, 3, 0.2, 0), (7, 2, 0.0, 3), (5, 4, 1.5, 11)])
def test_make_spirals_puts_each_class_on_an_arm_of_growing_radius(example, n_per_class, n_classes, noise, seed):
    X, labels = example(PAGE, "model")["make_spirals"](n_per_class, n_classes, noise, seed)
    assert X.shape == (n_per_class * n_classes, 2)
    np.testing.assert_array_equal(labels, np.repeat(np.arange(n_classes), n_per_class))
    draws = np.random.default_rng(seed).normal(size=(n_classes, n_per_class))  # the angle noise, class by class
    for c in range(n_classes):
        arm = X[labels == c]
        np.testing.assert_allclose(np.hypot(*arm.T), np.linspace(0.05, 1.0, n_per_class), rtol=1e-12)
        theta = np.linspace(4.0 * c, 4.0 * (c + 1), n_per_class) + noise * draws[c]
        # the point is r (sin theta, cos theta): its angle from the x_2 axis is theta (mod 2 pi)
        np.testing.assert_allclose(np.exp(1j * np.arctan2(arm[:, 0], arm[:, 1])), np.exp(1j * theta), atol=1e-12)


@pytest.mark.parametrize(("n_in", "n_hidden", "n_out", "seed"), [(2, 16, 3, 0), (3, 4, 5, 7)])
def test_init_params_scales_normal_weights_by_fan_in(example, n_in, n_hidden, n_out, seed):
    params = example(PAGE, "model")["init_params"](n_in, n_hidden, n_out, seed)
    rng = np.random.default_rng(seed)
    np.testing.assert_allclose(params["W1"] * np.sqrt(n_in), rng.normal(size=(n_hidden, n_in)), rtol=1e-14)
    np.testing.assert_allclose(params["W2"] * np.sqrt(n_hidden), rng.normal(size=(n_out, n_hidden)), rtol=1e-14)
    np.testing.assert_array_equal(params["b1"], np.zeros(n_hidden))
    np.testing.assert_array_equal(params["b2"], np.zeros(n_out))


@settings(max_examples=20, deadline=None)
@given(seeds, st.integers(1, 9))
def test_forward_is_the_mean_cross_entropy_and_caches_what_backward_needs(example, seed, B):
    params, X, labels = random_problem(seed, B)
    loss, (X_, H, S, labels_) = example(PAGE, "model")["forward"](params, X, labels)
    assert loss == pytest.approx(reference_loss(params, X, labels), rel=1e-12)
    np.testing.assert_array_equal(X_, X)
    np.testing.assert_array_equal(labels_, labels)
    np.testing.assert_allclose(H, np.tanh(X @ params["W1"].T + params["b1"]), rtol=1e-14)
    Z = logits(params, X)
    np.testing.assert_allclose(S, np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True), rtol=1e-12)


def test_forward_is_stable_for_large_logits(example):
    """Logits near 1e3: exp overflows without the shift by the row maximum."""
    params, X, labels = random_problem(5, B=6)
    params["W2"] *= 1e3
    loss, (_, _, S, _) = example(PAGE, "model")["forward"](params, X, labels)
    assert np.isfinite(loss) and loss == pytest.approx(reference_loss(params, X, labels), rel=1e-12)
    np.testing.assert_allclose(S.sum(axis=1), 1.0, rtol=1e-14)


def test_backward_matches_sympy_gradient(example):
    """The loss of one example written symbolically and differentiated by SymPy."""
    ns = example(PAGE, "model")
    n_in, n_h, n_out, label = 2, 3, 3, 2
    W1 = sp.Matrix(n_h, n_in, sp.symbols(f"a0:{n_h * n_in}"))
    b1 = sp.Matrix(sp.symbols(f"b0:{n_h}"))
    W2 = sp.Matrix(n_out, n_h, sp.symbols(f"c0:{n_out * n_h}"))
    b2 = sp.Matrix(sp.symbols(f"d0:{n_out}"))
    x = sp.Matrix([sp.Rational(3, 10), sp.Rational(-7, 10)])
    z = W2 * (W1 * x + b1).applyfunc(sp.tanh) + b2
    L = -(z[label] - sp.log(sum(sp.exp(zi) for zi in z)))
    params = random_problem(6, n_hidden=n_h)[0]
    symbols = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    values = {s: v for k, M in symbols.items() for s, v in zip(list(M), np.ravel(params[k]))}
    grads = ns["backward"](params, ns["forward"](params, np.array([[0.3, -0.7]]), np.array([label]))[1])
    for k, M in symbols.items():
        exact = np.array([float(sp.diff(L, s).subs(values)) for s in M]).reshape(np.shape(params[k]))
        np.testing.assert_allclose(grads[k], exact, rtol=1e-12, atol=1e-14, err_msg=k)


@settings(max_examples=20, deadline=None)
@given(seeds, st.integers(1, 9))
def test_backward_matches_finite_differences(example, seed, B):
    ns = example(PAGE, "model")
    params, X, labels = random_problem(seed, B)
    grads = ns["backward"](params, ns["forward"](params, X, labels)[1])
    np.testing.assert_allclose(flatten(grads), reference_gradient(params, X, labels), atol=FD_ATOL)


def test_batch_gradient_is_the_mean_of_per_example_gradients(example):
    ns = example(PAGE, "model")
    params, X, labels = random_problem(3, B=6)
    grad = lambda rows: ns["backward"](params, ns["forward"](params, X[rows], labels[rows])[1])  # noqa: E731
    batch, singles = grad(slice(None)), [grad(slice(i, i + 1)) for i in range(6)]
    for k in NAMES:
        np.testing.assert_allclose(batch[k], np.mean([g[k] for g in singles], axis=0), atol=1e-15, err_msg=k)


# --- the gradient check and the full Jacobian product ----------------------------------------


def test_gradient_check_on_the_spirals(example):
    ns = example(PAGE, "model")
    X, labels, params = ns["X"], ns["labels"], ns["params"]
    assert X.shape == (300, 2) and np.bincount(labels).tolist() == [100, 100, 100]
    assert abs(ns["loss"] - np.log(3)) < 0.1  # "near log 3", the loss of guessing uniformly
    assert ns["loss"] == pytest.approx(reference_loss(params, X, labels), rel=1e-13)
    assert {k: g.shape for k, g in ns["grads"].items()} == {k: params[k].shape for k in ns["grads"]}
    np.testing.assert_allclose(flatten(ns["grads"]), reference_gradient(params, X, labels), atol=FD_ATOL)
    # "within the central-difference error (of order h^2 plus 1e-16/h), far below the gradients":
    # h = 1e-6 gives ~1e-10 (loss and its derivatives of size ~1).
    assert ns["worst"] < 1e-9 and ns["worst"] < 1e-6 * np.abs(flatten(ns["grads"])).max()


def test_each_stage_jacobian_and_their_product(example):
    ns = example(PAGE, "model")
    params, x, label = ns["params"], ns["x"], ns["label"]
    np.testing.assert_array_equal(x, ns["X"][7])
    a = params["W1"] @ x + params["b1"]
    h = np.tanh(a)
    z = params["W2"] @ h + params["b2"]
    loss_of_z = lambda z: np.logaddexp.reduce(z) - z[label]  # noqa: E731
    np.testing.assert_allclose(ns["J_L"], numerical_jacobian(loss_of_z, z), atol=FD_ATOL)
    np.testing.assert_allclose(ns["J_z_h"], numerical_jacobian(lambda h: params["W2"] @ h + params["b2"], h), atol=FD_ATOL)
    np.testing.assert_allclose(ns["J_h_a"], numerical_jacobian(np.tanh, a), atol=FD_ATOL)
    J_a_W1 = numerical_jacobian(lambda w: w.reshape(params["W1"].shape) @ x + params["b1"], params["W1"].ravel())
    np.testing.assert_allclose(ns["J_a_W1"], J_a_W1, atol=FD_ATOL)  # columns in the order of ravel
    one = lambda w: reference_loss({**params, "W1": w.reshape(params["W1"].shape)}, x[None, :], [label])  # noqa: E731
    np.testing.assert_allclose(ns["product"], numerical_jacobian(one, params["W1"].ravel()), atol=FD_ATOL)
    # "Same numbers, to rounding"; "3 x 16, 16 x 16 and 16 x 32"; the backward pass's result is 16 x 2
    np.testing.assert_allclose(ns["product"].reshape(ns["n_hidden"], -1), ns["by_vjps"], rtol=0, atol=1e-15)
    assert [ns[k].shape for k in ("J_L", "J_z_h", "J_h_a", "J_a_W1", "product")] == [(1, 3), (3, 16), (16, 16), (16, 32), (1, 32)]
    assert ns["by_vjps"].shape == (16, 2)


@settings(max_examples=20, deadline=None)
@given(seeds, st.integers(0, 6))
def test_the_statements_jacobian_product_equals_the_chain_of_vjps(example, seed, i):
    """dL/dvec_r(W1) = (y_hat - t)^T W2 diag(1 - h^2) (I (x) x^T), and the same for b1, W2, b2."""
    ns = example(PAGE, "model")
    params, X, labels = random_problem(seed)
    x, n_out, n_hidden = X[i], *params["W2"].shape
    h = np.tanh(params["W1"] @ x + params["b1"])
    z = params["W2"] @ h + params["b2"]
    row = (np.exp(z) / np.exp(z).sum() - np.eye(n_out)[labels[i]])[None, :]
    expected = {"W1": row @ params["W2"] @ np.diag(1 - h**2) @ np.kron(np.eye(n_hidden), x[None, :]),
                "b1": row @ params["W2"] @ np.diag(1 - h**2),
                "W2": row @ np.kron(np.eye(n_out), h[None, :]), "b2": row}
    by_vjps = ns["backward"](params, ns["forward"](params, X[i : i + 1], labels[i : i + 1])[1])
    for k in NAMES:
        np.testing.assert_allclose(by_vjps[k], expected[k].reshape(params[k].shape), atol=1e-14, err_msg=k)


# --- the batch dimension ----------------------------------------------------------------------


def test_batched_jacobian_is_block_diagonal(example):
    ns = example(PAGE, "model")
    W, b, X3, B, m = ns["W"], ns["b"], ns["X3"], 3, 4
    small = ns["init_params"](n_hidden=4)
    np.testing.assert_array_equal(W, small["W1"])
    np.testing.assert_array_equal(X3, ns["make_spirals"]()[0][[0, 100, 200]])
    layer = lambda flat: np.tanh(flat.reshape(B, 2) @ W.T + b).ravel()  # noqa: E731
    J = numerical_jacobian(layer, X3.ravel()).reshape(B, m, B, 2)
    assert ns["J"].shape == (B, m, B, 2)
    np.testing.assert_allclose(ns["J"], J, atol=LAYER_FD_ATOL)
    for r in range(B):
        for c in range(B):  # B(B - 1) blocks of exact zeros; the diagonal ones are per-example Jacobians
            expected = layer_jacobian(W, X3[r]) if r == c else np.zeros((m, 2))
            np.testing.assert_allclose(ns["J"][r, :, c, :], expected, atol=LAYER_FD_ATOL, rtol=0)
    U = np.random.default_rng(0).normal(size=(B, m))  # the block's cotangents (same seed, first draw)
    np.testing.assert_allclose(ns["vjp"], np.einsum("bm,bmcn->cn", U, J), atol=1e-8)
    np.testing.assert_allclose(ns["vjp"], [u @ layer_jacobian(W, xb) for u, xb in zip(U, X3)], atol=1e-14)


def test_shown_layer_processes_each_row_on_its_own(example, monkeypatch):
    ns = example(PAGE, "model")
    rng = np.random.default_rng(4)
    for _ in range(3):  # the block's layer reads W and b from its globals: try other weights too
        W, b, X = rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=(5, 2))
        monkeypatch.setitem(ns["layer"].__globals__, "W", W)
        monkeypatch.setitem(ns["layer"].__globals__, "b", b)
        np.testing.assert_allclose(ns["layer"](X), [np.tanh(W @ x + b) for x in X], rtol=1e-14)


# --- exercises --------------------------------------------------------------------------------


def test_exercise_input_gradient_matches_central_differences(example):
    ns = example(PAGE, "model")
    X, labels, params = ns["X"], ns["labels"], ns["params"]
    numeric = numerical_jacobian(lambda flat: reference_loss(params, flat.reshape(X.shape), labels), X.ravel())[0]
    np.testing.assert_allclose(ns["grad_X"].ravel(), numeric, atol=FD_ATOL)
    assert ns["grad_X"].shape == (300, 2)
    assert ns["numeric"] == pytest.approx(ns["grad_X"][5, 1], abs=1e-9)  # the block's own check of one entry


def test_exercise_sum_gradient_is_B_times_the_mean(example):
    ns = example(PAGE, "model")
    X, labels, B = ns["X"], ns["labels"], ns["B"]
    assert B == len(X) == 300
    rng = np.random.default_rng(8)
    for _ in range(3):  # the shown summed_loss, at the page's parameters and at others
        params = {k: v + rng.normal(scale=0.3, size=v.shape) for k, v in ns["params"].items()}
        assert ns["summed_loss"](params) == pytest.approx(B * reference_loss(params, X, labels), rel=1e-12)
    summed = numerical_jacobian(lambda th: ns["summed_loss"](unflatten(th, ns["params"])), flatten(ns["params"]))[0]
    np.testing.assert_allclose(summed, B * flatten(ns["grads"]), atol=B * FD_ATOL)
    shown = (ns["summed_loss"](ns["plus"]) - ns["summed_loss"](ns["minus"])) / (2 * ns["h"])
    assert shown == pytest.approx(B * ns["grads"]["W2"][0, 0], abs=1e-6)


def test_exercise_count_is_one_pass_per_parameter(example):
    ns = example(PAGE, "model")
    assert ns["n"] == flatten(ns["init_params"]()).size == 16 * 2 + 16 + 3 * 16 + 3 == 99


# --- memory -----------------------------------------------------------------------------------


def test_memory_counts_are_the_sizes_of_the_arrays(example):
    ns = example(PAGE, "model")
    params, X, labels = random_problem(2, B=300, n_hidden=16)
    _, (X_, H, S, _) = ns["forward"](params, X, labels)
    c = memory_counts(300, 2, 16, 3)
    assert c["stored"] == X_.size + H.size + S.size
    assert c["params"] == flatten(params).size
    assert c["tanh_batched_jacobian"] == np.prod((300, 16, 300, 16))  # (B, n_h, B, n_h)
    J = numerical_jacobian(lambda w: logits({**params, "W1": w.reshape(16, 2)}, X).ravel(), params["W1"].ravel())
    assert c["logits_wrt_W1"] == J.size
    big = memory_counts(256, 784, 4096, 10)
    assert big["params"] == 4096 * 784 + 4096 + 10 * 4096 + 10 and big["stored"] == 256 * (784 + 4096 + 10)
    assert big["logits_wrt_W1"] == 256 * 10 * 4096 * 784


def test_memory_table_shows_the_counts_and_the_pages_claims():
    columns = [memory_counts(300, 2, 16, 3), memory_counts(256, 784, 4096, 10), memory_counts(4096, 784, 4096, 10)]
    rows = [line.split("|")[2:-1] for line in memory_table_markdown().splitlines()[2:]]
    table = [[int(cell.strip().replace(",", "")) for cell in row] for row in rows]
    assert table == [[c[k] for c in columns] for k in ("stored", "params", "tanh_batched_jacobian", "logits_wrt_W1")]
    small, big = columns[1], columns[2]
    assert small["stored"] < small["params"]  # at batch size 256, fewer than the parameters
    assert big["stored"] > 3 * big["params"]  # at 4096, several times more
    for c in (small, big):  # both tiny next to the Jacobians never formed
        assert c["stored"] < 1e-3 * min(c["tanh_batched_jacobian"], c["logits_wrt_W1"])


# --- training (hidden module) -----------------------------------------------------------------


def descend(ns, params, X, labels, lr, steps):
    """Gradient descent with the shown forward and backward: the reference for every training run."""
    params, losses = {k: v.copy() for k, v in params.items()}, []
    for _ in range(steps):
        loss, cache = ns["forward"](params, X, labels)
        losses.append(loss)
        grads = ns["backward"](params, cache)
        params = {k: params[k] - lr * grads[k] for k in params}
    return params, np.array(losses + [ns["forward"](params, X, labels)[0]])


def test_hidden_data_and_parameters_are_the_shown_ones(example):
    ns = example(PAGE, "model")
    for got, shown in zip(training.make_spirals(), ns["make_spirals"]()):
        np.testing.assert_array_equal(got, shown)
    for k, v in ns["init_params"]().items():
        np.testing.assert_array_equal(training.init_params()[k], v)


@settings(max_examples=15, deadline=None)
@given(seeds, st.integers(1, 9))
def test_hidden_loss_and_grad_is_the_shown_forward_and_backward(example, seed, B):
    ns = example(PAGE, "model")
    params, X, labels = random_problem(seed, B)
    loss, grads = training.loss_and_grad(params, X, labels)
    shown_loss, cache = ns["forward"](params, X, labels)
    assert loss == pytest.approx(shown_loss, rel=1e-14)
    np.testing.assert_allclose(flatten(grads), flatten(ns["backward"](params, cache)), rtol=1e-12, atol=1e-16)


def test_training_reduces_the_loss_as_the_shown_model_does(example):
    ns = example(PAGE, "model")
    X, labels = training.make_spirals()
    start = training.init_params()
    params, losses = training.train(start, X, labels, lr=0.8, steps=500)
    np.testing.assert_array_equal(start["b1"], 0.0)  # the caller's parameters are left alone
    expected_params, expected = descend(ns, start, X, labels, 0.8, 500)
    np.testing.assert_allclose(losses, expected, rtol=1e-11)
    assert losses.shape == (501,) and losses[-1] < 0.2 * losses[0]
    assert np.all(np.diff(losses) < 0)  # the notebook: "falling at every step"
    acc = training.accuracy(params, X, labels)
    assert acc == np.mean(logits(expected_params, X).argmax(axis=1) == labels) and acc > 0.9
    assert training.accuracy(start, X[:3], [0, 1, 2]) == np.mean(logits(start, X[:3]).argmax(axis=1) == [0, 1, 2])


def test_hidden_training_accepts_lists_like_arrays():
    params, X, labels = random_problem(1, B=4)
    as_lists = {k: v.tolist() for k, v in params.items()}
    loss, grads = training.loss_and_grad(as_lists, X.tolist(), labels.tolist())
    expected_loss, expected = training.loss_and_grad(params, X, labels)
    assert loss == expected_loss and all(np.array_equal(grads[k], expected[k]) for k in NAMES)
    assert training.accuracy(as_lists, X.tolist(), labels.tolist()) == training.accuracy(params, X, labels)


def bad(**changes):
    """The arguments of training.train with some replaced: a small valid problem by default."""
    params, X, labels = random_problem(0, B=4)
    args = {"params": params, "X": X, "labels": labels, "lr": 0.5, "steps": 2}
    for key, value in changes.items():
        if key in NAMES:
            args["params"] = {**params, key: value}
        else:
            args[key] = value
    return args


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (bad(W1=np.full((5, 2), np.nan)), ValueError, re.escape("params['W1'] must be finite")),
        (bad(b1=np.zeros(4)), ValueError, re.escape("params['b1'] must have shape (5,)")),
        (bad(W2=np.ones((3, 4))), ValueError, re.escape("params['W2'] must have shape (any, 5)")),
        (bad(b2=np.zeros(2)), ValueError, re.escape("params['b2'] must have shape (3,)")),
        (bad(params={"W1": np.ones((5, 2))}), TypeError, "params must be a dict with the keys W1, b1, W2, b2"),
        (bad(X=np.ones((4, 3))), ValueError, re.escape("X must have shape (any, 2)")),
        (bad(X=np.full((4, 2), np.inf)), ValueError, "X must be finite"),
        (bad(labels=np.array([0, 1, 2, -1])), ValueError, re.escape("labels must lie in 0..2")),
        (bad(labels=np.array([0, 1, 2, 3])), ValueError, re.escape("labels must lie in 0..2")),
        (bad(labels=np.array([0.0, 1.0, 2.0, 1.0])), TypeError, "labels must hold integers"),
        (bad(labels=np.array([0, 1, 2])), ValueError, re.escape("labels must have shape (4,)")),
        (bad(lr=0.0), ValueError, "lr must be a positive finite number"),
        (bad(lr=np.nan), ValueError, "lr must be a positive finite number"),
        (bad(steps=-1), ValueError, "steps must be an integer >= 0"),
        (bad(steps=2.5), TypeError, "steps must be an integer"),
    ],
)
def test_training_rejects_bad_input_naming_the_argument(args, error, message):
    with pytest.raises(error, match=message):
        training.train(**args)


def test_loss_and_grad_and_accuracy_check_their_inputs():
    params, X, labels = random_problem(0, B=4)
    with pytest.raises(ValueError, match=re.escape("params['W1'] must be finite")):
        training.loss_and_grad({**params, "W1": np.full((5, 2), np.nan)}, X, labels)
    with pytest.raises(ValueError, match=re.escape("labels must lie in 0..2")):
        training.accuracy(params, X, [0, 1, 2, -1])


# --- vanishing and exploding gradients --------------------------------------------------------


def test_layer_jacobians_symbolically_and_tanh_derivative_in_0_1():
    h = sp.Matrix(sp.symbols("h0:3"))
    W = sp.Matrix(3, 3, sp.symbols("w0:9"))
    f = (W * h).applyfunc(sp.tanh)
    J_f = sp.diag(*[1 - sp.tanh(a) ** 2 for a in W * h]) * W
    assert sp.simplify(f.jacobian(list(h)) - J_f) == sp.zeros(3, 3)
    assert sp.simplify((h + f).jacobian(list(h)) - (sp.eye(3) + J_f)) == sp.zeros(3, 3)
    t = sp.symbols("t", real=True)  # tanh' = 1 - tanh^2 = sech^2 lies in (0, 1]: ||diag(1 - h^2)|| <= 1
    assert sp.simplify(sp.diff(sp.tanh(t), t) - (1 - sp.tanh(t) ** 2)) == 0
    assert sp.simplify(1 - sp.tanh(t) ** 2 - 1 / sp.cosh(t) ** 2) == 0
    grid = np.linspace(-20, 20, 2001)  # in float64 it can round to 0 for large |t|: still <= 1
    assert np.all((1 - np.tanh(grid) ** 2 >= 0) & (1 - np.tanh(grid) ** 2 <= 1))


@settings(max_examples=25, deadline=None)
@given(seeds, st.integers(1, 6), st.booleans(), st.sampled_from(GRADIENT_SCALES))
def test_shown_block_jacobian_matches_finite_differences(example, seed, n, residual, scale):
    block_jacobian = example(PAGE, "exercise_residual")["block_jacobian"]
    rng = np.random.default_rng(seed)
    W, h = rng.normal(0, scale / np.sqrt(n), (n, n)), rng.normal(size=n)
    f = (lambda x: x + np.tanh(W @ x)) if residual else (lambda x: np.tanh(W @ x))
    J = block_jacobian(W, h, residual)
    # |W h| grows with the scale and so do the third derivatives: scale^3 widens the tolerance.
    np.testing.assert_allclose(J, numerical_jacobian(f, h), atol=LAYER_FD_ATOL * max(1.0, scale**3))
    np.testing.assert_allclose(J, layer_jacobian(W, h, residual), atol=1e-14)
    J_f = block_jacobian(W, h, False)  # ||J_f|| <= ||diag(1 - h^2)|| ||W|| <= ||W||
    assert np.linalg.norm(J_f, 2) <= np.linalg.norm(W, 2) * (1 + 1e-12)


def test_vanishing_block_is_the_backward_pass_and_respects_the_bound(example):
    ns = example(PAGE, "vanishing")
    assert ns["scale"] == GRADIENT_SCALES[-1] and (ns["depth"], ns["width"]) == (50, 100)  # the last scale run
    Ws, hs, u = tanh_stack(4.0, 50, 100, 0, residual=False)
    for got, expected in zip(ns["Ws"] + ns["hs"], Ws + hs):
        np.testing.assert_array_equal(got, expected)
    for k in range(1, 51):
        np.testing.assert_allclose(ns["hs"][k], np.tanh(ns["Ws"][k - 1] @ ns["hs"][k - 1]), rtol=1e-15)
    np.testing.assert_allclose(ns["norms"], backward_by_jacobians(Ws, hs, u), rtol=1e-9)
    assert ns["bound"] == pytest.approx(np.prod(spectral_norms(4.0)), rel=1e-12)


def test_cotangent_norms_are_the_backward_pass_and_respect_the_bound():
    for scale in GRADIENT_SCALES:
        Ws, hs, u = tanh_stack(scale, 50, 100, 0, residual=False)
        assert np.linalg.norm(u) == pytest.approx(1.0, rel=1e-15)
        norms, bounds = stack_norms(scale)
        np.testing.assert_allclose(norms, [1.0] + backward_by_jacobians(Ws, hs, u), rtol=1e-9)
        np.testing.assert_allclose(bounds, np.cumprod([1.0, *spectral_norms(scale)[::-1]]), rtol=1e-12)
        assert np.all(norms <= bounds)  # ||u_0|| <= prod ||W_k|| ||u_D||


def test_the_pages_statements_about_the_three_scales():
    factor = {s: stack_norms(s)[0][-1] ** (1 / 50) for s in GRADIENT_SCALES}
    assert factor[0.25] < 0.5 and 0.9 < factor[1.0] < 1.0 and factor[4.0] > 1.2  # vanish, drift, explode
    assert stack_norms(0.25)[1][-1] < 1e-10  # at scale 0.25 the bound alone proves the vanishing
    n4, b4 = stack_norms(4.0)
    assert b4[-1] > 1e20 * n4[-1]  # at scale 4 the norms explode far below their bound
    assert 0.01 < stack_norms(1.0)[0][-1] < 0.1  # the figure: "falls slowly to a few hundredths"
    lo = min(stack_norms(s)[0].min() for s in GRADIENT_SCALES)
    hi = max(stack_norms(s)[0].max() for s in GRADIENT_SCALES)
    assert 1e-32 < lo < 1e-30 and 1e9 < hi < 1e11  # the figure: "from about 1e-31 to 1e10"


def test_exercise_residual_keeps_the_cotangent_from_vanishing(example):
    ns = example(PAGE, "exercise_residual")
    Ws, hs, u_top = tanh_stack(0.25, 50, 100, 0, residual=True)
    for got, expected in zip(ns["Ws"] + [ns["h0"], ns["u_top"]], Ws + [hs[0], u_top]):
        np.testing.assert_allclose(got, expected, rtol=1e-15)
    residual_block = lambda h: h + np.tanh(Ws[0] @ h)  # noqa: E731
    np.testing.assert_allclose(ns["J_fd"], numerical_jacobian(residual_block, hs[0]), atol=LAYER_FD_ATOL)
    # "with step 1e-6, so an error of order 1e-10"
    assert np.max(np.abs(ns["block_jacobian"](Ws[0], hs[0], True) - ns["J_fd"])) < 1e-9
    # after the loop, the names hold the residual run
    for got, expected in zip(ns["hs"], hs):
        np.testing.assert_allclose(got, expected, rtol=1e-14)
    norms = stack_norms(0.25, residual=True)[0]
    np.testing.assert_allclose(norms[1:], backward_by_jacobians(Ws, hs, u_top, residual=True), rtol=1e-9)
    assert np.linalg.norm(ns["u"]) == pytest.approx(norms[-1], rel=1e-9)
    assert 1 <= norms.min() and norms.max() < 3  # the figure: "stays between 1 and about 3"
    # The smallest singular value of I + J_f is at least 1 - ||J_f|| > 0 ...
    smallest = []
    for W, h_in in zip(Ws, hs[:-1]):
        norm_J_f = np.linalg.norm(layer_jacobian(W, h_in), 2)
        smallest.append(np.linalg.svd(ns["block_jacobian"](W, h_in, True), compute_uv=False).min())
        assert norm_J_f < 1 and smallest[-1] >= (1 - norm_J_f) * (1 - 1e-12)
    assert ns["lowest"] == pytest.approx(min(smallest), rel=1e-12) and ns["lowest"] > 0.5
    # ... while a plain J_k can wipe out a direction, and the plain stack vanishes.
    plain_Ws, plain_hs, _ = tanh_stack(0.25, 50, 100, 0, residual=False)
    assert np.linalg.svd(ns["block_jacobian"](plain_Ws[-1], plain_hs[-2], False), compute_uv=False).min() < 0.01
    assert stack_norms(0.25)[0][-1] < 1e-25


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: cotangent_norms(0.0), ValueError, "scale must be a positive finite number"),
        (lambda: cotangent_norms(np.nan), ValueError, "scale must be a positive finite number"),
        (lambda: cotangent_norms("1"), TypeError, "scale must be a positive number"),
        (lambda: cotangent_norms(1.0, depth=0), ValueError, "depth must be an integer >= 1"),
        (lambda: cotangent_norms(1.0, width=2.5), TypeError, "width must be an integer"),
        (lambda: cotangent_norms(1.0, seed=-1), ValueError, "seed must be an integer >= 0"),
        (lambda: cotangent_norms(1.0, residual="yes"), TypeError, "residual must be True or False"),
        (lambda: memory_counts(0, 2, 16, 3), ValueError, "B must be an integer >= 1"),
        (lambda: memory_counts(300, 2.0, 16, 3), TypeError, "n_in must be an integer"),
        (lambda: memory_counts(300, 2, -16, 3), ValueError, "n_hidden must be an integer >= 1"),
        (lambda: memory_counts(300, 2, 16, True), TypeError, "n_out must be an integer"),
    ],
)
def test_stacks_and_memory_counts_reject_bad_input_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- figures ----------------------------------------------------------------------------------


def test_figures_draw_the_pages_data(example):
    import matplotlib.pyplot as plt

    X, labels = example(PAGE, "model")["make_spirals"]()
    fig = spirals_figure()
    for c, points in enumerate(fig.axes[0].collections):  # one scatter per class, the shown data
        np.testing.assert_array_equal(points.get_offsets(), X[labels == c])
    plt.close(fig)
    fig = gradient_norms_figure()
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 4
    for line, (scale, residual) in zip(ax.lines, [(s, False) for s in GRADIENT_SCALES] + [(0.25, True)]):
        np.testing.assert_array_equal(line.get_ydata(), stack_norms(scale, residual)[0])
    plt.close(fig)
    html = svg_figure(pipeline_figure(), alt="the chain")
    assert html.startswith('<figure class="jfig"><svg role="img" aria-label="the chain"')
    assert all(label in html for label in ("W1 x + b1", "softmax +", "tanh"))


# --- the page's structure ---------------------------------------------------------------------


def test_page_shows_the_chain_of_blocks_once_in_file_order_and_the_model_without_checks():
    page = (ROOT / "docs" / "backprop.md").read_text(encoding="utf-8")
    chain = (ROOT / "snippets" / "backprop" / "model.py").read_text(encoding="utf-8")
    sections = re.findall(r"# --8<-- \[start:(\w+)\]", chain)
    assert re.findall(r'--8<-- "snippets/backprop/model\.py:(\w+)"', page) == sections
    assert page.count('session="backprop" title="Continued from the block above"') == len(sections) - 1
    model = chain.split("[start:model]")[1].split("[end:model]")[0]
    assert "raise" not in model and len(model.splitlines()) < 70  # short enough to copy and read

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
# Central differences (h = 6e-6) of a mean loss <= ~5, third derivatives O(10): error ~4e-10 + 1e-10 << 1e-8.
FD_ATOL = 1e-8
# One tanh layer of width <= 100, |W h| ~ 1: error ~4e-11 + 5e-11; a missing diag(1 - h^2) or I moves >= 1e-2.
LAYER_FD_ATOL = 1e-8
seeds = st.integers(0, 2**32 - 1)
flatten = lambda params: np.concatenate([np.ravel(params[k]) for k in NAMES])  # noqa: E731
# cotangent_norms on the page's stacks, once per test run (each call takes 50 SVDs)
stack_norms = functools.cache(lambda scale, residual=False: cotangent_norms(scale, residual=residual))


def random_problem(seed: int, B: int = 7, n_hidden: int = 5):
    """Random parameters (nonzero biases, so a dropped or negated bias shows) and a batch: 2 -> n_hidden -> 3."""
    rng = np.random.default_rng(seed)
    params = {k: rng.normal(size=size) for k, size in zip(NAMES, [(n_hidden, 2), n_hidden, (3, n_hidden), 3])}
    return params, rng.normal(size=(B, 2)), rng.integers(0, 3, size=B)


def logits(params, X):
    return np.tanh(X @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]


def reference_loss(params, X, labels) -> float:
    """Mean cross-entropy: log-sum-exp of the logits minus the true logit (np.logaddexp is stable)."""
    Z = logits(params, X)
    return float(np.mean(np.logaddexp.reduce(Z, axis=1) - Z[np.arange(len(labels)), labels]))


def fd_gradient(loss, params) -> np.ndarray:
    """The gradient of loss(params) by central differences, flattened in the order of NAMES."""
    return np.concatenate([numerical_jacobian(lambda w, k=k: loss({**params, k: w.reshape(np.shape(params[k]))}),
                                              np.ravel(params[k]))[0] for k in NAMES])


def layer_jacobian(W, h_in, residual=False):
    """The page's closed form diag(1 - tanh^2(W h)) W, plus I for a residual block (checked below)."""
    J_f = np.diag(1 - np.tanh(W @ h_in) ** 2) @ W
    return np.eye(len(h_in)) + J_f if residual else J_f


def backward_by_jacobians(Ws, hs, u, residual=False) -> list[float]:
    """||u|| after each layer of u <- J_k^T u, from the top of the stack down."""
    norms = []
    for W, h_in in zip(reversed(Ws), reversed(hs[:-1])):
        u = layer_jacobian(W, h_in, residual).T @ u
        norms.append(float(np.linalg.norm(u)))
    return norms


def sympy_gradient(params, x, label) -> dict:
    """The gradient of one example's cross-entropy -log softmax(z)[label], differentiated by SymPy."""
    S = {k: sp.Matrix(*np.reshape(v, (len(v), -1)).shape, sp.symbols(f"{k}_0:{np.size(v)}")) for k, v in params.items()}
    z = S["W2"] * (S["W1"] * sp.Matrix(x) + S["b1"]).applyfunc(sp.tanh) + S["b2"]
    L = sp.log(sum(sp.exp(zi) for zi in z)) - z[label]
    at = {s: v for k in NAMES for s, v in zip(S[k], np.ravel(params[k]))}
    return {k: np.array([float(L.diff(s).subs(at)) for s in S[k]]).reshape(np.shape(params[k])) for k in NAMES}


def test_worked_example_and_the_model_match_sympy(example):
    ns, model = example(PAGE, "worked_example"), example(PAGE, "model")
    page = {"L": np.log(2), "y_hat": [0.5, 0.5], "u_z": [-0.5, 0.5], "u_h": -1, "u_a": -1, "grad_W1": -1,
            "grad_b1": -1, "grad_W2": [0, 0], "grad_b2": [-0.5, 0.5]}  # the page's values
    for name, value in page.items():
        np.testing.assert_allclose(np.ravel(ns[name]), value, rtol=1e-15, atol=1e-15, err_msg=name)
    params = {k: ns[k] for k in NAMES}
    exact = sympy_gradient(params, ns["x"], 0)  # u_z = grad b2 and u_a = u_h (1 - 0^2) = grad b1 (x = 1)
    for k in NAMES:
        np.testing.assert_allclose(np.ravel(ns[f"grad_{k}"]), np.ravel(exact[k]), atol=1e-15, err_msg=k)
    np.testing.assert_allclose([*ns["u_z"], *ns["u_h"], *ns["u_a"]], [*exact["b2"], *exact["b1"], *exact["b1"]],
                               atol=1e-15)
    loss, cache = model["forward"](params, ns["x"][None, :], np.array([0]))  # the model code gives the same values
    assert loss == pytest.approx(ns["L"], rel=1e-15)
    for k, g in model["backward"](params, cache).items():
        np.testing.assert_allclose(g, ns[f"grad_{k}"], atol=1e-15, err_msg=k)
    params, x = random_problem(6, n_hidden=3)[0], np.array([0.3, -0.7])  # a 2-3-3 network, example of class 2
    grads = model["backward"](params, model["forward"](params, x[None, :], np.array([2]))[1])
    for k, g in sympy_gradient(params, x, 2).items():
        np.testing.assert_allclose(grads[k], g, rtol=1e-12, atol=1e-14, err_msg=k)
    params, X, labels = random_problem(5, B=6)
    params["W2"] *= 1e3  # logits near 1e3: exp overflows without the shift by the row maximum
    loss, (_, _, S, _) = model["forward"](params, X, labels)
    assert np.isfinite(loss) and loss == pytest.approx(reference_loss(params, X, labels), rel=1e-12)
    np.testing.assert_allclose(S.sum(axis=1), 1.0, rtol=1e-14)


@pytest.mark.parametrize(("n_per_class", "n_classes", "noise", "seed", "sizes"),
                         [(100, 3, 0.2, 0, (2, 16, 3)), (7, 2, 0.0, 3, (3, 4, 5)), (5, 4, 1.5, 11, (1, 2, 1))])
def test_make_spirals_puts_each_class_on_an_arm_and_init_params_scales_by_fan_in(example, n_per_class, n_classes,
                                                                                noise, seed, sizes):
    ns, rng = example(PAGE, "model"), np.random.default_rng(seed)
    X, labels = ns["make_spirals"](n_per_class, n_classes, noise, seed)
    np.testing.assert_array_equal(labels, np.repeat(np.arange(n_classes), n_per_class))
    r = np.linspace(0.05, 1.0, n_per_class)  # each class on an arm of growing radius, angle noise class by class
    theta = [np.linspace(4.0 * c, 4.0 * (c + 1), n_per_class) + noise * rng.normal(size=n_per_class)
             for c in range(n_classes)]
    np.testing.assert_allclose(X, np.concatenate([np.column_stack([r * np.sin(t), r * np.cos(t)]) for t in theta]),
                               atol=1e-12)
    (n_in, n_hidden, n_out), rng = sizes, np.random.default_rng(seed)  # normal weights over sqrt(fan-in)
    params = ns["init_params"](n_in, n_hidden, n_out, seed)
    np.testing.assert_allclose(params["W1"] * np.sqrt(n_in), rng.normal(size=(n_hidden, n_in)), rtol=1e-14)
    np.testing.assert_allclose(params["W2"] * np.sqrt(n_hidden), rng.normal(size=(n_out, n_hidden)), rtol=1e-14)
    assert np.array_equal(params["b1"], np.zeros(n_hidden)) and np.array_equal(params["b2"], np.zeros(n_out))


@settings(max_examples=20, deadline=None)
@given(seeds, st.integers(1, 9))
def test_backward_is_the_gradient_the_batch_mean_and_the_statements_product(example, seed, B):
    """forward/backward on random problems: the loss, its gradient, per-example means; the hidden copy agrees."""
    ns = example(PAGE, "model")
    params, X, labels = random_problem(seed, B)
    loss, cache = ns["forward"](params, X, labels)
    assert loss == pytest.approx(reference_loss(params, X, labels), rel=1e-12)
    grads = ns["backward"](params, cache)
    np.testing.assert_allclose(flatten(grads), fd_gradient(lambda p: reference_loss(p, X, labels), params),
                               atol=FD_ATOL)
    singles = [ns["backward"](params, ns["forward"](params, X[i : i + 1], labels[i : i + 1])[1]) for i in range(B)]
    np.testing.assert_allclose(flatten(grads), np.mean([flatten(g) for g in singles], axis=0), atol=1e-15)
    # dL/dvec_r(W1) = (y_hat - t)^T W2 diag(1 - h^2) (I (x) x^T), and the same for b1, W2, b2
    x, W2, h, z = X[0], params["W2"], np.tanh(params["W1"] @ X[0] + params["b1"]), logits(params, X[:1])[0]
    row = (np.exp(z) / np.exp(z).sum() - np.eye(3)[labels[0]])[None, :]
    expected = {"W1": row @ W2 @ np.diag(1 - h**2) @ np.kron(np.eye(5), x[None, :]),
                "b1": row @ W2 @ np.diag(1 - h**2), "W2": row @ np.kron(np.eye(3), h[None, :]), "b2": row}
    for k in NAMES:
        np.testing.assert_allclose(singles[0][k], expected[k].reshape(params[k].shape), atol=1e-14, err_msg=k)
    hidden_loss, hidden_grads = training.loss_and_grad(params, X, labels)
    assert hidden_loss == pytest.approx(loss, rel=1e-14)
    np.testing.assert_allclose(flatten(hidden_grads), flatten(grads), rtol=1e-12, atol=1e-16)


def test_model_file_gradient_check_jacobian_product_batch_and_exercises(example, monkeypatch):
    ns = example(PAGE, "model")
    X, labels, params, grads = ns["X"], ns["labels"], ns["params"], ns["grads"]
    assert X.shape == (300, 2) and np.bincount(labels).tolist() == [100, 100, 100]
    assert abs(ns["loss"] - np.log(3)) < 0.1  # "near log 3", the loss of guessing uniformly
    assert ns["loss"] == pytest.approx(reference_loss(params, X, labels), rel=1e-13)
    assert {k: g.shape for k, g in grads.items()} == {k: params[k].shape for k in grads}
    # "within the central-difference error (h^2 plus 1e-16/h), far below the gradients": h = 1e-6 gives ~1e-10.
    assert ns["worst"] < 1e-9 and ns["worst"] < 1e-6 * np.abs(flatten(grads)).max()
    # The full Jacobian product: each stage against central differences; "same numbers, to rounding" as the VJPs.
    x, label, W1, b1, W2, b2 = ns["x"], ns["label"], *(params[k] for k in NAMES)
    a = W1 @ x + b1
    np.testing.assert_array_equal(x, X[7])
    J_L = numerical_jacobian(lambda z: np.logaddexp.reduce(z) - z[label], W2 @ np.tanh(a) + b2)
    np.testing.assert_allclose(ns["J_L"], J_L, atol=FD_ATOL)
    np.testing.assert_allclose(ns["J_z_h"], numerical_jacobian(lambda h: W2 @ h + b2, np.tanh(a)), atol=FD_ATOL)
    np.testing.assert_allclose(ns["J_h_a"], numerical_jacobian(np.tanh, a), atol=FD_ATOL)
    J_a_W1 = numerical_jacobian(lambda w: w.reshape(W1.shape) @ x + b1, W1.ravel())
    np.testing.assert_allclose(ns["J_a_W1"], J_a_W1, atol=FD_ATOL)  # columns in the order of ravel
    np.testing.assert_allclose(ns["product"].reshape(ns["n_hidden"], -1), ns["by_vjps"], rtol=0, atol=1e-15)
    shapes = [ns[k].shape for k in ("J_L", "J_z_h", "J_h_a", "J_a_W1", "product", "by_vjps")]
    assert shapes == [(1, 3), (3, 16), (16, 16), (16, 32), (1, 32), (16, 2)]  # "3 x 16, 16 x 16 and 16 x 32"
    # The batch: the batched Jacobian is block diagonal, so the batched VJP is the per-example VJPs.
    W, b, X3, B, m = ns["W"], ns["b"], ns["X3"], 3, 4
    np.testing.assert_array_equal(W, ns["init_params"](n_hidden=4)["W1"])
    np.testing.assert_array_equal(X3, ns["make_spirals"]()[0][[0, 100, 200]])
    blocks = np.einsum("rc,rmn->rmcn", np.eye(B), [layer_jacobian(W, xb) for xb in X3])  # B(B - 1) of them zero
    np.testing.assert_allclose(ns["J"], blocks, atol=LAYER_FD_ATOL, rtol=0)  # shape (B, m, B, n), block diagonal
    rng = np.random.default_rng(0)
    U = rng.normal(size=(B, m))  # the block's cotangents (same seed, first draw); then other weights for layer
    np.testing.assert_allclose(ns["vjp"], [u @ layer_jacobian(W, xb) for u, xb in zip(U, X3)], atol=1e-14)
    for W, b, X5 in [(rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=(5, 2))) for _ in range(3)]:
        monkeypatch.setitem(ns["layer"].__globals__, "W", W)  # the shown layer reads W and b from its globals
        monkeypatch.setitem(ns["layer"].__globals__, "b", b)
        np.testing.assert_allclose(ns["layer"](X5), [np.tanh(W @ x + b) for x in X5], rtol=1e-14)
    # Exercise 1: the gradient w.r.t. the inputs; the block checks one entry itself.
    numeric = numerical_jacobian(lambda flat: reference_loss(params, flat.reshape(X.shape), labels), X.ravel())[0]
    np.testing.assert_allclose(ns["grad_X"].ravel(), numeric, atol=FD_ATOL)
    assert ns["grad_X"].shape == (300, 2) and ns["numeric"] == pytest.approx(ns["grad_X"][5, 1], abs=1e-9)
    # Exercise 2: the summed loss is B times the mean (at other parameters too), and so is its gradient.
    B, p = ns["B"], {k: v + rng.normal(scale=0.3, size=v.shape) for k, v in params.items()}
    assert B == len(X) == 300 and ns["summed_loss"](p) == pytest.approx(B * reference_loss(p, X, labels), rel=1e-12)
    np.testing.assert_allclose(fd_gradient(ns["summed_loss"], params), B * flatten(grads), atol=B * FD_ATOL)
    shown = (ns["summed_loss"](ns["plus"]) - ns["summed_loss"](ns["minus"])) / (2 * ns["h"])
    assert shown == pytest.approx(B * grads["W2"][0, 0], abs=1e-6)
    assert ns["n"] == flatten(ns["init_params"]()).size == 16 * 2 + 16 + 3 * 16 + 3 == 99  # exercise 3: one pass each


def test_memory_counts_are_the_sizes_of_the_arrays_and_the_table_shows_them(example):
    params, X, labels = random_problem(2, B=300, n_hidden=16)
    _, (X_, H, S, _) = example(PAGE, "model")["forward"](params, X, labels)
    c = memory_counts(300, 2, 16, 3)
    assert c["stored"] == X_.size + H.size + S.size and c["params"] == flatten(params).size
    J = numerical_jacobian(lambda w: logits({**params, "W1": w.reshape(16, 2)}, X).ravel(), params["W1"].ravel())
    assert c["tanh_batched_jacobian"] == 300 * 16 * 300 * 16 and c["logits_wrt_W1"] == J.size  # (B, n_h, B, n_h)
    small, big = memory_counts(256, 784, 4096, 10), memory_counts(4096, 784, 4096, 10)
    assert small["params"] == 4096 * 784 + 4096 + 10 * 4096 + 10 and small["stored"] == 256 * (784 + 4096 + 10)
    assert small["logits_wrt_W1"] == 256 * 10 * 4096 * 784
    rows = [line.split("|")[2:-1] for line in memory_table_markdown().splitlines()[2:]]
    keys = ("stored", "params", "tanh_batched_jacobian", "logits_wrt_W1")
    assert [[int(x.replace(",", "")) for x in row] for row in rows] == [[d[k] for d in (c, small, big)] for k in keys]
    assert small["stored"] < small["params"] and big["stored"] > 3 * big["params"]  # at B = 256 fewer, at 4096 more
    for d in (small, big):  # both tiny next to the Jacobians never formed
        assert d["stored"] < 1e-3 * min(d["tanh_batched_jacobian"], d["logits_wrt_W1"])


def test_training_reduces_the_loss_as_the_shown_model_does(example):
    ns = example(PAGE, "model")
    X, labels = training.make_spirals()
    start = training.init_params()
    for got, shown in zip((X, labels, *start.values()), (*ns["make_spirals"](), *ns["init_params"]().values())):
        np.testing.assert_array_equal(got, shown)
    params, losses = training.train(start, X, labels, lr=0.8, steps=500)
    np.testing.assert_array_equal(start["b1"], 0.0)  # the caller's parameters are left alone
    expected, p = [], start
    for _ in range(500):  # the reference run: gradient descent with the shown forward and backward
        loss, cache = ns["forward"](p, X, labels)
        expected.append(loss)
        p = {k: p[k] - 0.8 * g for k, g in ns["backward"](p, cache).items()}
    np.testing.assert_allclose(losses, expected + [ns["forward"](p, X, labels)[0]], rtol=1e-11)
    assert losses.shape == (501,) and losses[-1] < 0.2 * losses[0]
    assert np.all(np.diff(losses) < 0)  # the notebook: "falling at every step"
    acc = training.accuracy(params, X, labels)
    assert acc == np.mean(logits(p, X).argmax(axis=1) == labels) and acc > 0.9
    params, X, labels = random_problem(1, B=4)  # lists work like arrays
    lists = {k: v.tolist() for k, v in params.items()}, X.tolist(), labels.tolist()
    (loss, grads), (expected_loss, expected) = training.loss_and_grad(*lists), training.loss_and_grad(params, X, labels)
    assert loss == expected_loss and all(np.array_equal(grads[k], expected[k]) for k in NAMES)
    assert training.accuracy(*lists) == training.accuracy(params, X, labels)


def bad(**changes):
    """A small valid (params, X, labels) for training's functions, with the named parts replaced."""
    params, X, labels = random_problem(0, B=4)
    params = {**params, **{k: v for k, v in changes.items() if k in NAMES}}
    return changes.get("params", params), changes.get("X", X), changes.get("labels", labels)


@pytest.mark.parametrize(("function", "args", "error", "message"), [
    (training.train, bad(b1=np.zeros(4)), ValueError, r"params\['b1'\] must have shape \(5,\)"),
    (training.train, bad(W2=np.ones((3, 4))), ValueError, r"params\['W2'\] must have shape \(any, 5\)"),
    (training.train, bad(b2=np.zeros(2)), ValueError, r"params\['b2'\] must have shape \(3,\)"),
    (training.train, bad(params={"W1": 0}), TypeError, "params must be a dict with the keys W1, b1, W2, b2"),
    (training.train, bad(X=np.ones((4, 3))), ValueError, r"X must have shape \(any, 2\)"),
    (training.train, bad(X=np.full((4, 2), np.inf)), ValueError, "X must be finite"),
    (training.train, bad(labels=np.array([0, 1, 2, 3])), ValueError, r"labels must lie in 0\.\.2"),
    (training.train, bad(labels=np.array([0.0, 1.0, 2.0, 1.0])), TypeError, "labels must hold integers"),
    (training.train, bad(labels=np.array([0, 1, 2])), ValueError, r"labels must have shape \(4,\)"),
    (training.train, (*bad(), np.nan), ValueError, "lr must be a positive finite number"),
    (training.train, (*bad(), 0.5, -1), ValueError, "steps must be an integer >= 0"),
    (training.train, (*bad(), 0.5, 2.5), TypeError, "steps must be an integer"),
    (training.loss_and_grad, bad(W1=np.full((5, 2), np.nan)), ValueError, r"params\['W1'\] must be finite"),
    (training.accuracy, bad(labels=[0, 1, 2, -1]), ValueError, r"labels must lie in 0\.\.2"),
    (cotangent_norms, (0.0,), ValueError, "scale must be a positive finite number"),
    (cotangent_norms, ("1",), TypeError, "scale must be a positive number"),
    (cotangent_norms, (1.0, 0), ValueError, "depth must be an integer >= 1"),
    (cotangent_norms, (1.0, 50, 2.5), TypeError, "width must be an integer"),
    (cotangent_norms, (1.0, 50, 100, -1), ValueError, "seed must be an integer >= 0"),
    (cotangent_norms, (1.0, 50, 100, 0, "yes"), TypeError, "residual must be True or False"),
    (memory_counts, (0, 2, 16, 3), ValueError, "B must be an integer >= 1"),
    (memory_counts, (300, 2.0, 16, 3), TypeError, "n_in must be an integer"),
    (memory_counts, (300, 2, -16, 3), ValueError, "n_hidden must be an integer >= 1"),
    (memory_counts, (300, 2, 16, True), TypeError, "n_out must be an integer"),
])
def test_bad_input_is_rejected_naming_the_argument(function, args, error, message):
    with pytest.raises(error, match=message):
        function(*args)


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


def test_layer_jacobians_tanh_derivative_in_0_1_and_the_vanishing_and_exploding_norms(example):
    # J_k = diag(1 - h_k^2) W_k (and I + J_f for a residual block) by SymPy; tanh' in (0, 1], so ||J_k|| <= ||W_k||.
    h, W = sp.Matrix(sp.symbols("h0:3")), sp.Matrix(3, 3, sp.symbols("w0:9"))
    f, J_f = (W * h).applyfunc(sp.tanh), sp.diag(*[1 - sp.tanh(a) ** 2 for a in W * h]) * W
    assert sp.simplify(f.jacobian(list(h)) - J_f) == sp.zeros(3, 3)
    assert sp.simplify((h + f).jacobian(list(h)) - (sp.eye(3) + J_f)) == sp.zeros(3, 3)
    t = sp.symbols("t", real=True)  # tanh' = 1 - tanh^2 = sech^2
    assert sp.simplify(sp.diff(sp.tanh(t), t) - (1 - sp.tanh(t) ** 2)) == 0
    assert sp.simplify(1 - sp.tanh(t) ** 2 - 1 / sp.cosh(t) ** 2) == 0
    d = 1 - np.tanh(np.linspace(-20, 20, 2001)) ** 2  # in float64 it can round to 0 for large |t|: still <= 1
    assert np.all((d >= 0) & (d <= 1))
    ns = example(PAGE, "vanishing")
    assert ns["scale"] == GRADIENT_SCALES[-1] and (ns["depth"], ns["width"]) == (50, 100)  # the last scale run
    for scale in GRADIENT_SCALES:  # the hidden module multiplies full Jacobians instead of applying VJPs
        Ws, hs, u = tanh_stack(scale, 50, 100, 0, residual=False)
        assert np.linalg.norm(u) == pytest.approx(1.0, rel=1e-15)
        np.testing.assert_allclose(hs[1:], [np.tanh(W @ h) for W, h in zip(Ws, hs)], rtol=1e-15)
        norms, bounds = stack_norms(scale)
        np.testing.assert_allclose(norms, [1.0] + backward_by_jacobians(Ws, hs, u), rtol=1e-9)
        np.testing.assert_allclose(bounds, np.cumprod([1.0] + [np.linalg.norm(W, 2) for W in Ws[::-1]]), rtol=1e-12)
        assert np.all(norms <= bounds)  # ||u_0|| <= prod ||W_k|| ||u_D||
    for got, expected in zip(ns["Ws"] + ns["hs"], Ws + hs):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(ns["norms"], stack_norms(4.0)[0][1:], rtol=1e-9)
    assert ns["bound"] == pytest.approx(stack_norms(4.0)[1][-1], rel=1e-12)
    factor = {s: stack_norms(s)[0][-1] ** (1 / 50) for s in GRADIENT_SCALES}
    assert factor[0.25] < 0.5 and 0.9 < factor[1.0] < 1.0 and factor[4.0] > 1.2  # vanish, drift, explode
    assert stack_norms(0.25)[1][-1] < 1e-10  # at scale 0.25 the bound alone proves the vanishing
    assert stack_norms(4.0)[1][-1] > 1e20 * stack_norms(4.0)[0][-1]  # at scale 4 they explode far below the bound
    assert 0.01 < stack_norms(1.0)[0][-1] < 0.1  # the figure: "falls slowly to a few hundredths"
    every = np.concatenate([stack_norms(s)[0] for s in GRADIENT_SCALES])
    assert 1e-32 < every.min() < 1e-30 and 1e9 < every.max() < 1e11  # the figure: "from about 1e-31 to 1e10"


def test_exercise_residual_keeps_the_cotangent_from_vanishing(example):
    ns = example(PAGE, "exercise_residual")
    Ws, hs, u_top = tanh_stack(0.25, 50, 100, 0, residual=True)
    for got, expected in zip(ns["Ws"] + [ns["h0"], ns["u_top"]] + ns["hs"], Ws + [hs[0], u_top] + hs):
        np.testing.assert_allclose(got, expected, rtol=1e-14)  # after the loop, the names hold the residual run
    J_fd = numerical_jacobian(lambda h: h + np.tanh(Ws[0] @ h), hs[0])
    np.testing.assert_allclose(ns["J_fd"], J_fd, atol=LAYER_FD_ATOL)
    # "with step 1e-6, so an error of order 1e-10"
    assert np.max(np.abs(ns["block_jacobian"](Ws[0], hs[0], True) - ns["J_fd"])) < 1e-9
    norms = stack_norms(0.25, residual=True)[0]
    np.testing.assert_allclose(norms[1:], backward_by_jacobians(Ws, hs, u_top, residual=True), rtol=1e-9)
    assert np.linalg.norm(ns["u"]) == pytest.approx(norms[-1], rel=1e-9)
    assert 1 <= norms.min() and norms.max() < 3  # the figure: "stays between 1 and about 3"
    # The smallest singular value of I + J_f is at least 1 - ||J_f|| > 0 ...
    norm_J_f = np.array([np.linalg.norm(layer_jacobian(W, h_in), 2) for W, h_in in zip(Ws, hs[:-1])])
    smallest = [np.linalg.svd(ns["block_jacobian"](W, h_in, True), compute_uv=False).min() for W, h_in in zip(Ws, hs)]
    assert np.all(norm_J_f < 1) and np.all(smallest >= (1 - norm_J_f) * (1 - 1e-12))
    assert ns["lowest"] == pytest.approx(min(smallest), rel=1e-12) and ns["lowest"] > 0.5
    # ... while a plain J_k can wipe out a direction, and the plain stack vanishes.
    plain_Ws, plain_hs, _ = tanh_stack(0.25, 50, 100, 0, residual=False)
    assert np.linalg.svd(ns["block_jacobian"](plain_Ws[-1], plain_hs[-2], False), compute_uv=False).min() < 0.01
    assert stack_norms(0.25)[0][-1] < 1e-25


def test_figures_draw_the_pages_data_and_the_page_shows_the_chain_of_blocks(example):
    import matplotlib.pyplot as plt
    X, labels = example(PAGE, "model")["make_spirals"]()
    for c, points in enumerate(spirals_figure().axes[0].collections):  # one scatter per class, the shown data
        np.testing.assert_array_equal(points.get_offsets(), X[labels == c])
    ax = gradient_norms_figure().axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 4
    for line, (scale, residual) in zip(ax.lines, [(s, False) for s in GRADIENT_SCALES] + [(0.25, True)]):
        np.testing.assert_array_equal(line.get_ydata(), stack_norms(scale, residual)[0])
    html = svg_figure(pipeline_figure(), alt="the chain")
    assert html.startswith('<figure class="jfig"><svg role="img" aria-label="the chain"')
    assert all(label in html for label in ("W1 x + b1", "softmax +", "tanh"))
    plt.close("all")
    # The page shows model.py's blocks once each, in file order, each continuing the last; the model has no checks.
    page = (ROOT / "docs" / "backprop.md").read_text(encoding="utf-8")
    chain = (ROOT / "snippets" / "backprop" / "model.py").read_text(encoding="utf-8")
    sections = re.findall(r"# --8<-- \[start:(\w+)\]", chain)
    assert re.findall(r'--8<-- "snippets/backprop/model\.py:(\w+)"', page) == sections
    assert page.count('session="backprop" title="Continued from the block above"') == len(sections) - 1
    model = chain.split("[start:model]")[1].split("[end:model]")[0]
    assert "raise" not in model and len(model.splitlines()) < 70  # short enough to copy and read

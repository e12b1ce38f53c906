"""docs/backprop.md: backpropagation is a chain of VJPs, its memory, the batch, vanishing gradients,
the Jacobian's singular values and initialization.

Every claim of the page is checked on the objects its examples make (snippets/backprop/): the
worked example against SymPy; the shown model as functions against SymPy, an independent loss and
finite differences; the gradient check and its round-off estimate, the full Jacobian product, the
batched Jacobian, the symmetry of equal units and each exercise by value; the deep stacks (tanh,
ReLU, residual, orthogonal) against VJPs applied one layer at a time and extended precision; and the
hidden modules behind the figures, the sentences, the memory table and the training result.
"""

from __future__ import annotations

import functools
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.backprop import stacks, training
from snippets.backprop.figures import gradient_norms_figure, pipeline_figure, spectrum_figure, spirals_figure
from snippets.backprop.stacks import GRADIENT_SCALES, cotangent_norms, layer_jacobians, layer_stack
from snippets.backprop.tables import memory_counts, memory_table_markdown, readable_bytes
from snippets.shared.figures import svg_figure
from snippets.shared.finite_differences import numerical_jacobian
from tests.conftest import ROOT

PAGE = "backprop"
NAMES = ("W1", "b1", "W2", "b2")
# Central differences (h = 6e-6) of a mean loss <= ~5, third derivatives O(10): error ~4e-10 + 1e-10 << 1e-8.
FD_ATOL = 1e-8
seeds = st.integers(0, 2**32 - 1)
flatten = lambda params: np.concatenate([np.ravel(params[k]) for k in NAMES])  # noqa: E731
norms_of = functools.cache(lambda scale, residual=False, activation="tanh":  # each call takes 50 matrix products
                           cotangent_norms(scale, residual=residual, activation=activation))
spectra = functools.cache(stacks.spectra)


def random_problem(seed: int, B: int = 7, n_hidden: int = 5):
    """Random parameters (nonzero biases, so a dropped or negated bias shows) and a batch: 2 -> n_hidden -> 3."""
    rng = np.random.default_rng(seed)
    params = {k: rng.normal(size=size) for k, size in zip(NAMES, [(n_hidden, 2), n_hidden, (3, n_hidden), 3])}
    return params, rng.normal(size=(B, 2)), rng.integers(0, 3, size=B)


def logits(params, X, act=np.tanh):
    return act(X @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]


def reference_loss(params, X, labels, act=np.tanh) -> float:
    """Mean cross-entropy: log-sum-exp of the logits minus the true logit (np.logaddexp is stable)."""
    Z = logits(params, X, act)
    return float(np.mean(np.logaddexp.reduce(Z, axis=1) - Z[np.arange(len(labels)), labels]))


def fd_gradient(loss, params) -> np.ndarray:
    """The gradient of loss(params) by central differences, flattened in the order of NAMES."""
    return np.concatenate([numerical_jacobian(lambda w, k=k: loss({**params, k: w.reshape(np.shape(params[k]))}),
                                              np.ravel(params[k]))[0] for k in NAMES])


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
    np.testing.assert_allclose(flatten({k: ns[f"grad_{k}"] for k in NAMES}), flatten(exact), atol=1e-15)
    loss, cache = model["forward"](params, ns["x"][None, :], np.array([0]))  # the model code gives the same values
    assert loss == pytest.approx(ns["L"], rel=1e-15)
    np.testing.assert_allclose(flatten(model["backward"](params, cache)), flatten(exact), atol=1e-15)
    params, x = random_problem(6, n_hidden=3)[0], np.array([0.3, -0.7])  # a 2-3-3 network, example of class 2
    grads = model["backward"](params, model["forward"](params, x[None, :], np.array([2]))[1])
    np.testing.assert_allclose(flatten(grads), flatten(sympy_gradient(params, x, 2)), rtol=1e-12, atol=1e-14)
    params, X, labels = random_problem(5, B=6)
    params["W2"] *= 1e3  # logits near 1e3: exp overflows without the shift by the row maximum
    loss, (_, _, S, _) = model["forward"](params, X, labels)
    assert np.isfinite(loss) and loss == pytest.approx(reference_loss(params, X, labels), rel=1e-12)
    np.testing.assert_allclose(S.sum(axis=1), 1.0, rtol=1e-14)


@pytest.mark.parametrize(("n_per_class", "n_classes", "noise", "seed", "sizes"),
                         [(100, 3, 0.2, 0, (2, 16, 3)), (5, 4, 1.5, 11, (1, 2, 1))])
def test_make_spirals_and_init_params(example, n_per_class, n_classes, noise, seed, sizes):
    """Each class on an arm of growing radius, angle noise class by class; normal weights over sqrt(fan-in)."""
    ns, rng = example(PAGE, "model"), np.random.default_rng(seed)
    X, labels = ns["make_spirals"](n_per_class, n_classes, noise, seed)
    np.testing.assert_array_equal(labels, np.repeat(np.arange(n_classes), n_per_class))
    r = np.linspace(0.05, 1.0, n_per_class)
    theta = [np.linspace(4.0 * c, 4.0 * (c + 1), n_per_class) + noise * rng.normal(size=n_per_class)
             for c in range(n_classes)]
    np.testing.assert_allclose(X, np.concatenate([np.column_stack([r * np.sin(t), r * np.cos(t)]) for t in theta]),
                               atol=1e-12)
    (n_in, n_hidden, n_out), rng = sizes, np.random.default_rng(seed)
    params = ns["init_params"](n_in, n_hidden, n_out, seed)
    np.testing.assert_allclose(params["W1"] * np.sqrt(n_in), rng.normal(size=(n_hidden, n_in)), rtol=1e-14)
    np.testing.assert_allclose(params["W2"] * np.sqrt(n_hidden), rng.normal(size=(n_out, n_hidden)), rtol=1e-14)
    assert np.array_equal(params["b1"], np.zeros(n_hidden)) and np.array_equal(params["b2"], np.zeros(n_out))


@settings(max_examples=20, deadline=None)
@given(seeds, st.integers(1, 9))
def test_backward_is_the_gradient_the_batch_mean_and_the_statements_product(example, seed, B):
    """forward/backward (tanh and ReLU) on random problems: loss, gradient, per-example means; hidden copy agrees."""
    ns = example(PAGE, "model")
    params, X, labels = random_problem(seed, B)
    loss, cache = ns["forward"](params, X, labels)
    assert loss == pytest.approx(reference_loss(params, X, labels), rel=1e-12)
    grads = ns["backward"](params, cache)
    np.testing.assert_allclose(flatten(grads), fd_gradient(lambda p: reference_loss(p, X, labels), params),
                               atol=FD_ATOL)
    relu = lambda a: np.maximum(a, 0.0)  # noqa: E731  (exercise 3; random data stay away from the kink)
    assert ns["forward_relu"](params, X, labels)[0] == pytest.approx(reference_loss(params, X, labels, relu), rel=1e-12)
    np.testing.assert_allclose(flatten(ns["backward_relu"](params, ns["forward_relu"](params, X, labels)[1])),
                               fd_gradient(lambda p: reference_loss(p, X, labels, relu), params), atol=FD_ATOL)
    singles = [ns["backward"](params, ns["forward"](params, X[i : i + 1], labels[i : i + 1])[1]) for i in range(B)]
    np.testing.assert_allclose(flatten(grads), np.mean([flatten(g) for g in singles], axis=0), atol=1e-15)
    # dL/dvec_r(W1) = (y_hat - t)^T W2 diag(1 - h^2) (I (x) x^T), and the same for b1, W2, b2
    x, W2, h, z = X[0], params["W2"], np.tanh(params["W1"] @ X[0] + params["b1"]), logits(params, X[:1])[0]
    row = (np.exp(z) / np.exp(z).sum() - np.eye(3)[labels[0]])[None, :]
    expected = {"W1": row @ W2 @ np.diag(1 - h**2) @ np.kron(np.eye(5), x[None, :]),
                "b1": row @ W2 @ np.diag(1 - h**2), "W2": row @ np.kron(np.eye(3), h[None, :]), "b2": row}
    np.testing.assert_allclose(flatten(singles[0]), flatten({k: expected[k].ravel() for k in NAMES}), atol=1e-14)
    hidden_loss, hidden_grads = training.loss_and_grad(params, X, labels)
    assert hidden_loss == pytest.approx(loss, rel=1e-14)
    np.testing.assert_allclose(flatten(hidden_grads), flatten(grads), rtol=1e-12, atol=1e-16)


def test_model_file_gradient_check_jacobian_product_batch_and_exercises(example, monkeypatch):
    ns = example(PAGE, "model")
    X, labels, params = ns["X"], ns["labels"], ns["params"]
    grads = ns["backward"](params, ns["forward"](params, X, labels)[1])
    assert X.shape == (300, 2) and np.bincount(labels).tolist() == [100, 100, 100]
    loss = ns["forward"](params, X, labels)[0]
    assert abs(loss - np.log(3)) < 0.1 and loss == pytest.approx(reference_loss(params, X, labels), rel=1e-13)
    # "eps |L| / h ... with |L| ~ 1.2 and h = 1e-6 is about 3e-10": the gradient checks land at that size.
    estimate = np.finfo(float).eps * loss / 1e-6
    assert f"{loss:.1f}" == "1.2" and f"{estimate:.0e}" == "3e-10" and ns["h"] == 1e-6
    assert 0.3 * estimate < ns["worst"] < 3 * estimate and ns["worst"] < 1e-6 * np.abs(flatten(grads)).max()
    # Exercise 3 (ReLU; its gradient is tested above): the block's check, and no pre-activation within h of the kink.
    assert np.abs(X @ params["W1"].T + params["b1"]).min() > 1e-6 and ns["worst_relu"] < 1e-9
    # The full Jacobian product: each stage against central differences; "same numbers, to rounding" as the VJPs.
    x, label, W1, b1, W2, b2 = ns["x"], ns["label"], *(params[k] for k in NAMES)
    a = W1 @ x + b1
    np.testing.assert_array_equal(x, X[7])
    for name, f, at in [("J_L", lambda z: np.logaddexp.reduce(z) - z[label], W2 @ np.tanh(a) + b2),
                        ("J_z_h", lambda h: W2 @ h + b2, np.tanh(a)), ("J_h_a", np.tanh, a),
                        ("J_a_W1", lambda w: w.reshape(W1.shape) @ x + b1, W1.ravel())]:  # columns in ravel order
        np.testing.assert_allclose(ns[name], numerical_jacobian(f, at), atol=FD_ATOL, err_msg=name)
    np.testing.assert_allclose(ns["product"].reshape(ns["n_hidden"], -1), ns["by_vjps"], rtol=0, atol=1e-15)
    shapes = [ns[k].shape for k in ("J_L", "J_z_h", "J_h_a", "J_a_W1", "product", "by_vjps")]
    assert shapes == [(1, 3), (3, 16), (16, 16), (16, 32), (1, 32), (16, 2)]  # "3 x 16, 16 x 16 and 16 x 32"
    # The batch: the batched Jacobian is block diagonal, so the batched VJP is the per-example VJPs.
    W, b, X3, B, m = ns["W"], ns["b"], ns["X3"], 3, 4
    np.testing.assert_array_equal(W, ns["init_params"](n_hidden=4)["W1"])
    np.testing.assert_array_equal(X3, ns["make_spirals"]()[0][[0, 100, 200]])
    per_example = [np.diag(1 - np.tanh(W @ xb + b) ** 2) @ W for xb in X3]  # the closed form, per example
    np.testing.assert_allclose(ns["J"], np.einsum("rc,rmn->rmcn", np.eye(B), per_example), atol=1e-8, rtol=0)
    rng = np.random.default_rng(0)
    U = rng.normal(size=(B, m))  # the block's cotangents (same seed, first draw); then other weights for layer
    np.testing.assert_allclose(ns["vjp"], [u @ J for u, J in zip(U, per_example)], atol=1e-14)
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


def test_memory_counts_are_the_sizes_of_the_arrays_and_the_table_shows_them_in_bytes(example):
    params, X, labels = random_problem(2, B=300, n_hidden=16)
    _, (X_, H, S, _) = example(PAGE, "model")["forward"](params, X, labels)
    c = memory_counts(300, 2, 16, 3)
    assert c["stored"] == X_.size + H.size + S.size and c["params"] == flatten(params).size
    assert c["tanh_batched_jacobian"] == (300 * 16) ** 2 and c["logits_wrt_W1"] == (300 * 3) * (16 * 2)
    small, big = memory_counts(256, 784, 4096, 10), memory_counts(4096, 784, 4096, 10)
    assert small["params"] == 4096 * 784 + 4096 + 10 * 4096 + 10 and small["stored"] == 256 * (784 + 4096 + 10)
    assert small["logits_wrt_W1"] == 256 * 10 * 4096 * 784
    rows = [line.split("|")[2:-1] for line in memory_table_markdown().splitlines()[2:]]
    keys = ("stored", "params", "tanh_batched_jacobian", "logits_wrt_W1")
    assert [[cell.strip() for cell in row] for row in rows] == [
        [f"{d[k]:,}<br>{readable_bytes(8 * d[k]).replace(' ', '&nbsp;')}" for d in (c, small, big)] for k in keys]
    assert small["stored"] < small["params"] and big["stored"] > 3 * big["params"]  # at B = 256 fewer, at 4096 more
    for d in (small, big):  # both tiny next to the Jacobians never formed
        assert d["stored"] < 1e-3 * min(d["tanh_batched_jacobian"], d["logits_wrt_W1"])
    for n, text in [(0, "0 B"), (999, "999 B"), (1000, "1 kB"), (999_600, "1 MB"), (26_050_640, "26.1 MB"), (1.05e12, "1.05 TB"),
                    (8 * big["tanh_batched_jacobian"], "2.25 PB")]:
        assert readable_bytes(int(n)) == text


def test_training_reduces_the_loss_as_the_shown_model_does_and_equal_units_stay_equal(example):
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
    # Symmetry: units 0 and 1 with equal incoming weights, bias and outgoing weights get equal gradients, forever.
    twin = {k: v.copy() for k, v in start.items()}
    twin["W1"][1], twin["b1"][1], twin["W2"][:, 1] = twin["W1"][0], 0.3, twin["W2"][:, 0]
    twin["b1"][0] = 0.3
    grads = ns["backward"](twin, ns["forward"](twin, X, labels)[1])
    assert np.array_equal(grads["W1"][0], grads["W1"][1]) and np.array_equal(grads["W2"][:, 0], grads["W2"][:, 1])
    trained = training.train(twin, X, labels, steps=50)[0]
    assert np.array_equal(trained["W1"][0], trained["W1"][1]) and not np.array_equal(trained["W1"][0], twin["W1"][0])


def bad(**changes):
    """A small valid (params, X, labels) for training's functions, with the named parts replaced."""
    params, X, labels = random_problem(0, B=4)
    params = {**params, **{k: v for k, v in changes.items() if k in NAMES}}
    return changes.get("params", params), changes.get("X", X), changes.get("labels", labels)


@pytest.mark.parametrize(("function", "args", "error", "message"), [
    (training.train, bad(b1=np.zeros(4)), ValueError, r"params\['b1'\] must have shape \(5,\)"),
    (training.train, bad(W2=np.ones((3, 4))), ValueError, r"params\['W2'\] must have shape \(any, 5\)"),
    (training.train, bad(params={"W1": 0}), TypeError, "params must be a dict with the keys W1, b1, W2, b2"),
    (training.train, bad(X=np.ones((4, 3))), ValueError, r"X must have shape \(any, 2\)"),
    (training.train, bad(labels=np.array([0, 1, 2, 3])), ValueError, r"labels must lie in 0\.\.2"),
    (training.train, (*bad(), np.nan), ValueError, "lr must be a positive finite number"),
    (training.train, (*bad(), 0.5, -1), ValueError, "steps must be an integer >= 0"),
    (training.loss_and_grad, bad(W1=np.full((5, 2), np.nan)), ValueError, r"params\['W1'\] must be finite"),
    (cotangent_norms, (0.0,), ValueError, "scale must be a positive finite number"),
    (cotangent_norms, (1.0, 50, 100, 0, "yes"), TypeError, "residual must be True or False"),
    (cotangent_norms, (1.0, 50, 100, 0, False, "gelu"), ValueError, "activation must be one of tanh, relu"),
    (layer_stack, (1.0, 5, 4, 0, False, "tanh", 1), TypeError, "orthogonal must be True or False"),
    (memory_counts, (0, 2, 16, 3), ValueError, "B must be an integer >= 1"),
    (readable_bytes, (-1,), ValueError, "n must be an integer >= 0"),
])
def test_bad_input_is_rejected_naming_the_argument(function, args, error, message):
    with pytest.raises(error, match=message):
        function(*args)


@settings(max_examples=25, deadline=None)
@given(seeds, st.integers(1, 6), st.booleans(), st.sampled_from(GRADIENT_SCALES), st.sampled_from(["tanh", "relu"]))
def test_layer_jacobians_match_finite_differences(example, seed, n, residual, scale, activation):
    block_jacobian = example(PAGE, "exercise_residual")["block_jacobian"]
    Ws, hs, u = layer_stack(scale, 2, n, seed, residual, activation)
    act = stacks.ACTIVATIONS[activation][0]
    f = (lambda x: x + act(Ws[0] @ x)) if residual else (lambda x: act(Ws[0] @ x))
    J = layer_jacobians(Ws, hs, residual, activation)[0]
    # |W h| grows with the scale and so do the third derivatives: scale^3 widens the tolerance.
    np.testing.assert_allclose(J, numerical_jacobian(f, hs[0]), atol=1e-8 * max(1.0, scale**3))
    np.testing.assert_allclose(hs[1], f(hs[0]), rtol=1e-15)
    assert np.linalg.norm(u) == pytest.approx(1.0, rel=1e-15)
    if activation == "tanh":  # the exercise's function is the same closed form; ||J_f|| <= ||W||
        np.testing.assert_allclose(block_jacobian(Ws[0], hs[0], residual), J, atol=1e-14)
        assert np.linalg.norm(layer_jacobians(Ws, hs)[0], 2) <= np.linalg.norm(Ws[0], 2) * (1 + 1e-12)


def test_tanh_derivative_and_the_vanishing_and_exploding_norms(example):
    t = sp.symbols("t", real=True)  # tanh' = 1 - tanh^2 = sech^2, in (0, 1]: so ||J_k|| <= ||W_k||
    assert sp.simplify(sp.diff(sp.tanh(t), t) - 1 / sp.cosh(t) ** 2) == 0
    ns = example(PAGE, "vanishing")
    assert ns["scale"] == GRADIENT_SCALES[-1] and (ns["depth"], ns["width"]) == (50, 100)  # the last scale run
    Ws, hs, u = layer_stack(4.0)
    for got, expected in zip(ns["Ws"] + ns["hs"], Ws + hs):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(ns["norms"], norms_of(4.0)[0][1:], rtol=1e-9)  # the block's VJPs, full Jacobians
    assert ns["bound"] == pytest.approx(norms_of(4.0)[1][-1], rel=1e-12)
    for scale in GRADIENT_SCALES:
        norms, bounds = norms_of(scale)
        Ws = layer_stack(scale)[0]
        np.testing.assert_allclose(bounds, np.cumprod([1.0] + [np.linalg.norm(W, 2) for W in Ws[::-1]]), rtol=1e-12)
        assert np.all(norms <= bounds)  # ||u_0|| <= prod ||W_k|| ||u_D||
    factor = {s: norms_of(s)[0][-1] ** (1 / 50) for s in GRADIENT_SCALES}
    assert factor[0.25] < 0.5 and 0.9 < factor[1.0] < 1.0 and factor[4.0] > 1.2  # vanish, drift, explode
    assert norms_of(0.25)[1][-1] < 1e-10  # at scale 0.25 the bound alone proves the vanishing
    assert norms_of(4.0)[1][-1] > 1e20 * norms_of(4.0)[0][-1]  # at scale 4 they explode far below the bound
    assert 0.01 < norms_of(1.0)[0][-1] < 0.1  # the figure: "falls slowly to a few hundredths"
    every = np.concatenate([norms_of(s)[0] for s in GRADIENT_SCALES])
    assert 1e-32 < every.min() < 1e-30 and 1e9 < every.max() < 1e11  # the figure: "from about 1e-31 to 1e10"


def test_residual_blocks_prevent_vanishing_not_explosion(example):
    ns = example(PAGE, "exercise_residual")
    Ws, hs, u_top = layer_stack(0.25, residual=True)
    for got, expected in zip(ns["Ws"] + [ns["h0"], ns["u_top"]] + ns["hs"], Ws + [hs[0], u_top] + hs):
        np.testing.assert_allclose(got, expected, rtol=1e-14)  # after the loop, the names hold the residual run
    np.testing.assert_allclose(ns["J_fd"], numerical_jacobian(lambda h: h + np.tanh(Ws[0] @ h), hs[0]), atol=1e-8)
    assert np.max(np.abs(ns["block_jacobian"](Ws[0], hs[0], True) - ns["J_fd"])) < 1e-9  # "of order 1e-10"
    norms = norms_of(0.25, True)[0]
    assert np.linalg.norm(ns["u"]) == pytest.approx(norms[-1], rel=1e-9)  # the exercise's loop, the module's product
    assert 1 <= norms.min() and norms.max() < 3  # the figure: "stays between 1 and about 3"
    # The smallest singular value of I + J_f is at least 1 - ||J_f|| > 0 ...
    norm_J_f = np.array([np.linalg.norm(J, 2) for J in layer_jacobians(Ws, hs)])
    smallest = np.array([np.linalg.svd(J, compute_uv=False).min() for J in layer_jacobians(Ws, hs, residual=True)])
    assert np.all(norm_J_f < 1) and np.all(smallest >= (1 - norm_J_f) * (1 - 1e-12))
    assert ns["lowest"] == pytest.approx(smallest.min(), rel=1e-12) and ns["lowest"] > 0.5
    # ... while a plain J_k can wipe out a direction, and the plain stack vanishes.
    plain_Ws, plain_hs, _ = layer_stack(0.25)
    assert np.linalg.svd(ns["block_jacobian"](plain_Ws[-1], plain_hs[-2], False), compute_uv=False).min() < 0.01
    assert norms_of(0.25)[0][-1] < 1e-25
    # Explosion: ||prod (I + J_k^T)|| <= prod (1 + ||J_k||), "1.5^50 ~ 6e8"; at scale 4 the dotted line grows.
    large = norms_of(4.0, True)[0]
    Ws4, hs4, _ = layer_stack(4.0, residual=True)
    bound = np.prod([1 + np.linalg.norm(J - np.eye(100), 2) for J in layer_jacobians(Ws4, hs4, residual=True)])
    assert f"{1.5 ** 50:.0e}" == "6e+08" and large[-1] <= bound and large[-1] > 1e3 and large.min() >= 0.99
    assert f"between {norms.min():.1f} and {norms.max():.1f} (dashed line)" in stacks.residual_sentence()
    assert f"grow to {large[-1]:.1e} after 50 layers" in stacks.residual_sentence()


def test_singular_values_of_the_stacks_initialization_and_the_sentences():
    s = spectra()
    assert list(s) == ["Gaussian, scale 0.25", "Gaussian, scale 1", "Gaussian, scale 4", "orthogonal, scale 1"]
    for (name, sigma), (scale, ortho) in zip(s.items(), [(0.25, False), (1.0, False), (4.0, False), (1.0, True)]):
        Ws, hs, _ = layer_stack(scale, orthogonal=ortho)
        J = np.eye(100)  # all unit cotangents at once, one VJP per layer: the rows of J_D ... J_1
        for W, h in zip(reversed(Ws), reversed(hs[1:])):
            J = (J * (1 - h**2)) @ W
        np.testing.assert_allclose(sigma[0], np.linalg.norm(J, 2), rtol=1e-10, err_msg=name)
        kept = sigma >= stacks.ROUNDOFF_FLOOR * sigma[0]  # above the floor, the two routes agree
        np.testing.assert_allclose(sigma[kept], np.linalg.svd(J, compute_uv=False)[kept], rtol=1e-3, err_msg=name)
        if ortho:  # scale times an orthogonal matrix: W^T W = scale^2 I
            np.testing.assert_allclose(Ws[3].T @ Ws[3], scale**2 * np.eye(100), atol=1e-13)
        else:  # one Gaussian matrix: singular values from near 0 to about 2 x scale
            one = np.linalg.svd(Ws[0], compute_uv=False)
            assert 1.8 * scale < one[0] < 2.2 * scale and one[-1] < 0.05 * scale
        product = np.eye(100, dtype=np.longdouble)  # the floor: the float64 product's error, against 80-bit floats
        for Jk in layer_jacobians(Ws, hs):
            product = Jk.astype(np.longdouble) @ product
        error = np.linalg.norm((J - product).astype(float), 2)
        assert error < 0.1 * stacks.ROUNDOFF_FLOOR * sigma[0], name
    ratio = {k: v / v[0] for k, v in s.items()}  # the alt text: where each curve passes 1e-12, and the orthogonal band
    first_below = {k: int(np.argmax(r < 1e-12)) + 1 for k, r in ratio.items() if k.startswith("G")}
    assert abs(first_below["Gaussian, scale 0.25"] - 65) <= 2 and abs(first_below["Gaussian, scale 1"] - 65) <= 2
    assert abs(first_below["Gaussian, scale 4"] - 17) <= 1 and 1e-4 < ratio["orthogonal, scale 1"][-1] < 3e-3
    # "almost the same shape" at 0.25 and 1 (the same matrices, 4 times larger); tanh' near 1 at 0.25; saturation at 4
    assert all(np.allclose(4 * W, W1, rtol=1e-15, atol=0) for W, W1 in zip(layer_stack(0.25)[0], layer_stack(1)[0]))
    assert np.max(np.abs(np.log10(ratio["Gaussian, scale 0.25"][:60] / ratio["Gaussian, scale 1"][:60]))) < 0.5
    for scale, check in [(0.25, lambda d: d.mean() > 0.9), (4.0, lambda d: np.mean(d < 0.01) > 0.2)]:
        Ws, hs, _ = layer_stack(scale)
        assert all(check(1 - np.tanh(W @ h) ** 2) for W, h in zip(Ws, hs)), scale
    counts = {k: stacks.within_1000(v) for k, v in s.items()}
    assert counts["orthogonal, scale 1"] >= 95 and max(v for k, v in counts.items() if k.startswith("G")) <= 25
    assert stacks.within_1000(np.array([5.0, 0.005, 0.0049])) == 2
    spread = s["orthogonal, scale 1"][0] / s["orthogonal, scale 1"][-1]
    assert re.findall(r"\d+", stacks.spectrum_sentence()) == [str(x) for x in (
        100, counts["Gaussian, scale 0.25"], 0, 25, counts["Gaussian, scale 1"], 1, counts["Gaussian, scale 4"], 4,
        1000, 1, counts["orthogonal, scale 1"], 100, round(spread))]
    # ReLU: half the units off halves the mean square per layer (norm factor ~ 1/sqrt 2); He's sqrt 2 undoes it.
    plain, he = norms_of(1.0, activation="relu")[0], norms_of(np.sqrt(2), activation="relu")[0]
    assert 0.65 < plain[-1] ** (1 / 50) < 0.78 and 0.95 < he[-1] ** (1 / 50) < 1.05 and stacks.HE_SCALE == np.sqrt(2)
    Ws, hs, _ = layer_stack(1.0, activation="relu")
    assert all(0.35 < np.mean(W @ h > 0) < 0.65 for W, h in zip(Ws, hs))  # "about half"
    assert f"norm {plain[-1]:.1e} at scale 1, and with norm {he[-1]:.1f} at He's" in stacks.relu_sentence()


def test_figures_draw_the_pages_data_and_the_page_shows_the_chain_of_blocks(example):
    X, labels = example(PAGE, "model")["make_spirals"]()
    for c, points in enumerate(spirals_figure().axes[0].collections):  # one scatter per class, the shown data
        np.testing.assert_array_equal(points.get_offsets(), X[labels == c])
    ax = gradient_norms_figure().axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 5
    for line, (scale, residual) in zip(ax.lines, [(s, False) for s in GRADIENT_SCALES] + [(0.25, True), (4.0, True)]):
        np.testing.assert_array_equal(line.get_ydata(), norms_of(scale, residual)[0])
    assert [line.get_linestyle() for line in ax.lines[3:]] == ["--", ":"]
    ax = spectrum_figure().axes[0]
    for line, sigma in zip(ax.lines, spectra().values()):  # each curve: sigma_i / sigma_1 down to the floor
        ratio = sigma / sigma[0]
        np.testing.assert_array_equal(line.get_ydata(), ratio[ratio >= stacks.ROUNDOFF_FLOOR])
    assert len(ax.lines) == 5 and ax.get_ylim()[0] < stacks.ROUNDOFF_FLOOR  # four curves and the floor, in view
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

"""snippets/mlp.py and docs/notebooks/mlp_training.py: backprop as a chain of VJPs gives the
gradient (sympy, finite differences, the full Jacobian product), and the notebook agrees."""

from __future__ import annotations

import runpy
import subprocess
import sys
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.mlp import (
    accuracy,
    backward,
    flatten,
    forward,
    gradient_by_jacobians,
    init_params,
    loss_and_grad,
    make_spirals,
    memory_counts,
    memory_table_markdown,
    pipeline_figure,
    spirals_figure,
    train,
    unflatten,
)
from snippets.shared.finite_differences import numerical_jacobian
from tests.conftest import ROOT
from tests.shown_code import shown_blocks

# Central differences (h = 6e-6) of a loss of size ~1 whose third derivatives are O(10) on
# these small nets: truncation ~ h^2 * 10 ~ 4e-10, round-off ~ 1e-16 / h ~ 2e-11. 1e-8
# absolute is a safe bound and far below the gradient entries (~1e-3 and up).
FD_ATOL = 1e-8


def small_problem(seed: int, B: int = 7, n_hidden: int = 5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(B, 2))
    labels = rng.integers(0, 3, size=B)
    return init_params(n_hidden=n_hidden, seed=seed), X, labels


def test_hand_example():
    params = {"W1": np.array([[0.0]]), "b1": np.array([0.0]), "W2": np.array([[1.0], [-1.0]]), "b2": np.zeros(2)}
    loss, cache = forward(params, np.array([[1.0]]), np.array([0]))
    grads = backward(params, cache)
    assert loss == pytest.approx(np.log(2), rel=1e-15)
    np.testing.assert_allclose(grads["b2"], [-0.5, 0.5])
    np.testing.assert_allclose(grads["W2"], [[0.0], [0.0]])
    np.testing.assert_allclose(grads["W1"], [[-1.0]])
    np.testing.assert_allclose(grads["b1"], [-1.0])
    # the same by sympy
    w1, b1, v0, v1, c0, c1, x = sp.symbols("w1 b1 v0 v1 c0 c1 x")
    h = sp.tanh(w1 * x + b1)
    z = [v0 * h + c0, v1 * h + c1]
    L = -sp.log(sp.exp(z[0]) / (sp.exp(z[0]) + sp.exp(z[1])))
    at = {w1: 0, b1: 0, v0: 1, v1: -1, c0: 0, c1: 0, x: 1}
    assert sp.simplify(L.subs(at)) == sp.log(2)
    assert [sp.simplify(sp.diff(L, s).subs(at)) for s in (w1, b1, v0, v1, c0, c1)] == [-1, -1, 0, 0, sp.Rational(-1, 2), sp.Rational(1, 2)]


def test_backward_matches_sympy_gradient():
    """The loss written symbolically for one example and differentiated by sympy."""
    n_in, n_h, n_out = 2, 3, 3
    W1 = sp.Matrix(n_h, n_in, sp.symbols(f"a0:{n_h * n_in}"))
    b1 = sp.Matrix(sp.symbols(f"b0:{n_h}"))
    W2 = sp.Matrix(n_out, n_h, sp.symbols(f"c0:{n_out * n_h}"))
    b2 = sp.Matrix(sp.symbols(f"d0:{n_out}"))
    x = sp.Matrix([sp.Rational(3, 10), sp.Rational(-7, 10)])
    label = 2
    h = (W1 * x + b1).applyfunc(sp.tanh)
    z = W2 * h + b2
    L = -(z[label] - sp.log(sum(sp.exp(zi) for zi in z)))
    params = init_params(n_in, n_h, n_out, seed=5)
    params["b1"] = np.random.default_rng(6).normal(size=n_h)
    values = {}
    for M, k in ((W1, "W1"), (b1, "b1"), (W2, "W2"), (b2, "b2")):
        values.update(dict(zip(list(M), np.ravel(params[k]))))
    grads = backward(params, forward(params, np.array([[0.3, -0.7]]), np.array([label]))[1])
    for M, k in ((W1, "W1"), (b1, "b1"), (W2, "W2"), (b2, "b2")):
        exact = np.array([float(sp.diff(L, s).subs(values)) for s in M]).reshape(np.shape(params[k]))
        np.testing.assert_allclose(grads[k], exact, rtol=1e-12, atol=1e-14)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 9))
def test_backward_matches_finite_differences(seed, B):
    params, X, labels = small_problem(seed, B)
    _, grads = loss_and_grad(params, X, labels)
    numeric = numerical_jacobian(lambda th: forward(unflatten(th, params), X, labels)[0], flatten(params))[0]
    np.testing.assert_allclose(flatten(grads), numeric, atol=FD_ATOL)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 6))
def test_full_jacobian_product_equals_chain_of_vjps(seed, i):
    params, X, labels = small_problem(seed)
    params["b1"] = np.random.default_rng(seed).normal(size=params["b1"].shape)
    by_jac = gradient_by_jacobians(params, X[i], labels[i])
    by_vjp = backward(params, forward(params, X[i : i + 1], labels[i : i + 1])[1])
    for k in by_vjp:
        np.testing.assert_allclose(by_jac[k], by_vjp[k], atol=1e-14)


def test_batch_gradient_is_the_mean_of_per_example_gradients():
    params, X, labels = small_problem(3, B=6)
    batch = backward(params, forward(params, X, labels)[1])
    singles = [backward(params, forward(params, X[i : i + 1], labels[i : i + 1])[1]) for i in range(6)]
    for k in batch:
        np.testing.assert_allclose(batch[k], np.mean([g[k] for g in singles], axis=0), atol=1e-15)


def test_batched_jacobian_is_block_diagonal():
    """The Jacobian of the hidden layer over a batch, (B, m, B, n), vanishes off the b = c blocks."""
    params, X, labels = small_problem(1, B=4)
    B, n = X.shape
    m = params["W1"].shape[0]
    J = numerical_jacobian(lambda flat: np.tanh(flat.reshape(B, n) @ params["W1"].T + params["b1"]).ravel(), X.ravel())
    J = J.reshape(B, m, B, n)
    for b in range(B):
        for c in range(B):
            if b != c:
                assert np.max(np.abs(J[b, :, c, :])) < 1e-10
            else:
                expected = np.diag(1 - np.tanh(params["W1"] @ X[b] + params["b1"]) ** 2) @ params["W1"]
                np.testing.assert_allclose(J[b, :, b, :], expected, atol=1e-8)


def test_training_reduces_the_loss():
    X, labels = make_spirals()
    params, losses = train(init_params(), X, labels, lr=0.8, steps=500)
    assert losses.shape == (501,)
    assert losses[-1] < 0.2 * losses[0]
    assert np.all(np.diff(losses) < 0)  # a smooth, monotone curve in the notebook's plot
    assert accuracy(params, X, labels) > 0.9
    assert losses[0] == pytest.approx(forward(init_params(), X, labels)[0])


def run_notebook():
    import matplotlib

    matplotlib.use("Agg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plt.show() on Agg warns that it cannot show
        return runpy.run_path(str(ROOT / "docs" / "notebooks" / "mlp_training.py"), run_name="__main__")


def test_notebook_agrees_with_the_snippet_module():
    nb = run_notebook()
    X, labels = make_spirals()
    np.testing.assert_array_equal(nb["X"], X)
    np.testing.assert_array_equal(nb["labels"], labels)
    for k, v in init_params().items():
        np.testing.assert_array_equal(nb["params0"][k], v)
    _, grads = loss_and_grad(init_params(), X, labels)
    for k in grads:
        np.testing.assert_allclose(nb["grads0"][k], grads[k], rtol=1e-13, atol=1e-16)
    params, losses = train(init_params(), X, labels, lr=nb["lr"], steps=nb["steps"])
    np.testing.assert_allclose(nb["losses"], losses, rtol=1e-11)
    for k in params:
        np.testing.assert_allclose(nb["params"][k], params[k], rtol=1e-10, atol=1e-12)
    assert nb["train_accuracy"] == pytest.approx(accuracy(params, X, labels))
    assert nb["worst"] < 1e-7


def test_notebook_imports_nothing_from_the_repository():
    text = (ROOT / "docs" / "notebooks" / "mlp_training.py").read_text(encoding="utf-8")
    imports = {line.split()[1].split(".")[0] for line in text.splitlines() if line.startswith(("import ", "from "))}
    assert imports <= {"numpy", "matplotlib"}, imports
    assert "http" not in text and "urlopen" not in text


def test_memory_counts():
    c = memory_counts(300, 2, 16, 3)
    assert c["stored"] == 300 * 21
    assert c["params"] == flatten(init_params()).size
    assert c["tanh_batched_jacobian"] == (300 * 16) ** 2
    big = memory_counts(256, 784, 4096, 10)
    assert big["tanh_batched_jacobian"] > 1e5 * big["stored"]
    table = memory_table_markdown()
    assert f"{c['stored']:,}" in table and f"{big['tanh_batched_jacobian']:,}" in table


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: forward(init_params(), np.ones((4, 3)), np.zeros(4, int)), ValueError, r"shape \(B, 2\)"),
        (lambda: forward(init_params(), np.ones((0, 2)), np.zeros(0, int)), ValueError, r"B >= 1"),
        (lambda: forward(init_params(), np.full((2, 2), np.nan), np.zeros(2, int)), ValueError, "finite"),
        (lambda: forward(init_params(), np.ones((4, 2)), np.zeros(3, int)), ValueError, "one per row"),
        (lambda: forward(init_params(), np.ones((2, 2)), np.array([0.5, 1.0])), ValueError, "integers"),
        (lambda: forward(init_params(), np.ones((2, 2)), np.array([0, 3])), ValueError, r"0\.\.2"),
        (lambda: make_spirals(0), ValueError, "positive integers"),
        (lambda: make_spirals(10, noise=-1.0), ValueError, "noise"),
        (lambda: unflatten(np.ones(5), init_params()), ValueError, r"shape \(99,\)"),
        (lambda: gradient_by_jacobians(init_params(), np.ones(3), 0), ValueError, r"shape \(2,\)"),
        (lambda: train(init_params(), *make_spirals(5), lr=-1.0), ValueError, "lr"),
        (lambda: train(init_params(), *make_spirals(5), steps=2.5), ValueError, "steps"),
        (lambda: memory_counts(0, 2, 16, 3), ValueError, "B must be a positive integer"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_figures_build():
    import matplotlib.pyplot as plt

    fig = spirals_figure()
    assert sum(len(c.get_offsets()) for c in fig.axes[0].collections) == 300
    plt.close(fig)
    fig = pipeline_figure()
    assert len(fig.axes[0].texts) >= 6
    plt.close(fig)


def test_shown_blocks_run_alone(tmp_path):
    outputs = [out for _, out in shown_blocks(ROOT / "docs" / "backprop.md", tmp_path)]
    assert any("gradient check" in out for out in outputs)


def test_page_examples_run_and_agree():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.mlp"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    X, labels = make_spirals()
    assert f"loss {forward(init_params(), X, labels)[0]:.4f}" in out
    assert float(out.split("central difference| = ")[1].split()[0]) < 1e-8
    assert float(out.split("chain of VJPs|: ")[1].split()[0]) < 1e-12
    assert "batched Jacobian shape: (3, 4, 3, 2)" in out
    block = out.split("input example c):\n")[1].split("\nbatched VJP")[0]
    M = np.array([row.strip("[] ").split() for row in block.splitlines()], dtype=float)
    assert M.shape == (3, 3) and np.all(np.diag(M) > 0) and np.all(M[~np.eye(3, dtype=bool)] == 0)
    assert "sum over b of U[b] . J[b, :, c, :]: True" in out
    vjp_line = next(line for line in out.splitlines() if line.startswith("dL/dX[5, 1]"))
    a, b = float(vjp_line.split()[4]), float(vjp_line.split()[-1])
    assert a == pytest.approx(b, abs=1e-9)
    lines = out.splitlines()
    s1 = float(next(line for line in lines if line.startswith("d(sum)/dW2")).split()[-1])
    s2 = float(next(line for line in lines if line.startswith("B * d(mean)")).split()[-1])
    assert s1 == pytest.approx(s2, abs=1e-7)


def test_exercise_solutions():
    # 1. the input gradient: checked against finite differences on every entry
    params, X, labels = small_problem(9, B=5)
    loss, (X_, H, S, labels_) = forward(params, X, labels)
    U = (S - np.eye(3)[labels]) / len(labels)
    grad_X = ((U @ params["W2"]) * (1 - H**2)) @ params["W1"]
    numeric = numerical_jacobian(lambda flat: forward(params, flat.reshape(X.shape), labels)[0], X.ravel())[0]
    np.testing.assert_allclose(grad_X.ravel(), numeric, atol=FD_ATOL)
    # 2. the summed loss has B times the gradient
    B = len(X)
    summed = numerical_jacobian(
        lambda th: B * forward(unflatten(th, params), X, labels)[0], flatten(params)
    )[0]
    np.testing.assert_allclose(summed, B * flatten(backward(params, forward(params, X, labels)[1])), atol=B * FD_ATOL)
    # 3. 99 parameters: 99 forward passes against 1 reverse sweep
    assert flatten(init_params()).size == 99 == 16 * 2 + 16 + 3 * 16 + 3


def test_built_site_shows_the_part_two_pages_and_the_notebook(built_site):
    nb = (built_site / "notebooks" / "mlp_training" / "index.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in nb  # the loss plot, rendered inline at build time
    assert "training accuracy" in nb and 'href="mlp_training.py" download' in nb
    assert (built_site / "notebooks" / "mlp_training" / "mlp_training.py").is_file()
    pages = {name: (built_site / name / "index.html").read_text(encoding="utf-8")
             for name in ("chain-rule", "forward-reverse", "layers", "backprop", "second-order")}
    for name, html in pages.items():
        assert "PLACEHOLDER" not in html, name
        assert html.count('class="katex"') >= 20, name
        assert html.count("<svg") >= 1, name
        assert html.count('<details class="success"') >= 3, name  # the exercise solutions
    assert "gradient check: largest |backprop - central difference|" in pages["backprop"]
    assert "Levenberg" in pages["second-order"] and "stalls at" in pages["second-order"]
    assert "<td>200 (after 1 recording)</td>" in pages["forward-reverse"]


# ---- added with the review fixes ---------------------------------------------------------------
def section_output(*names: str) -> str:
    """Output of the given sections of snippets/mlp.py run in order in one fresh interpreter."""
    from tests.test_chain_rule import section_text

    code = "\n".join(section_text(ROOT / "snippets" / "mlp.py", name) for name in names)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_worked_example_block_agrees_with_forward_and_backward():
    out = section_output("worked-example")
    params = {"W1": np.array([[0.0]]), "b1": np.array([0.0]), "W2": np.array([[1.0], [-1.0]]), "b2": np.zeros(2)}
    loss, cache = forward(params, np.array([[1.0]]), np.array([0]))
    grads = backward(params, cache)
    line = next(line for line in out.splitlines() if line.startswith("L ="))
    assert float(line.split()[2]) == pytest.approx(loss, rel=1e-15) == pytest.approx(np.log(2), rel=1e-15)

    def values(prefix):
        rest = out.split(prefix, 1)[1]
        return np.array(rest.split("[", 1)[1].split("]", 1)[0].split(), dtype=float)

    np.testing.assert_allclose(values("grad W2 ="), grads["W2"].ravel())
    np.testing.assert_allclose(values("grad W1 ="), grads["W1"].ravel())
    np.testing.assert_allclose(values("grad b1 ="), grads["b1"])
    np.testing.assert_allclose(values("u_z ="), grads["b2"])  # u_z is the bias gradient of layer 2
    assert "-0." not in out.split("grad W2 =")[1].split("u_h")[0]


def test_shown_model_is_short_and_the_module_checks_its_inputs():
    from tests.test_chain_rule import section_text

    model = section_text(ROOT / "snippets" / "mlp.py", "model")
    assert "raise" not in model and len(model.splitlines()) < 50
    with pytest.raises(ValueError, match="finite"):
        forward(init_params(), np.full((2, 2), np.inf), np.zeros(2, int))


def test_memory_table_claims():
    """The page: at B = 256 the stored activations are fewer than the parameters, at B = 4096
    several times more; both far below the never-formed Jacobians."""
    small, big = memory_counts(256, 784, 4096, 10), memory_counts(4096, 784, 4096, 10)
    assert small["stored"] < small["params"]
    assert big["stored"] > 3 * big["params"]
    for c in (small, big):
        assert c["stored"] < 1e-3 * c["tanh_batched_jacobian"]
    assert f"{big['stored']:,}" in memory_table_markdown()


def test_exercise_count_block():
    out = section_output("model", "exercise-count")  # a continuation of the model block
    assert out.strip() == f"parameters: {flatten(init_params()).size} -> forward mode: {flatten(init_params()).size} passes; reverse mode: 1 sweep"


def test_exercise_sum_prints_the_batch_size():
    out = subprocess.run([sys.executable, "-m", "snippets.mlp"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert f"batch size B = {len(make_spirals()[0])}" in out


def test_backprop_page_chains_its_continuations(tmp_path):
    """Later blocks continue the model block; each shown output matches a run of the chain."""
    text = (ROOT / "docs" / "backprop.md").read_text(encoding="utf-8")
    assert text.count('--8<-- "snippets/mlp.py:model"') == 1  # the model is shown once
    assert text.count('title="Continued from the block above"') >= 4
    outputs = [out for _, out in shown_blocks(ROOT / "docs" / "backprop.md", tmp_path)]
    assert any(out.startswith("parameters: 99") for out in outputs)


def test_notebook_links_to_the_backprop_page(built_site):
    """Links inside notebooks are not rewritten by mkdocs-jupyter: the relative one must resolve."""
    from urllib.parse import urljoin

    nb = (built_site / "notebooks" / "mlp_training" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../backprop/"' in nb
    target = urljoin("/notebooks/mlp_training/", "../../backprop/")
    assert (built_site / target.strip("/") / "index.html").is_file()


# ---- vanishing and exploding gradients (section and exercise 4 of backprop.md) ---------------
from snippets.mlp import (  # noqa: E402
    GRADIENT_SCALES,
    cotangent_norms,
    gradient_norms_figure,
    layer_jacobian,
    tanh_stack,
)

# Central differences (h = 6e-6) on tanh layers with entries of W of size <= ~1 and inputs of
# size ~1: truncation ~ h^2 |f'''| ~ 1e-10, round-off ~ 1e-16 / h ~ 2e-11; 1e-8 is a safe bound
# that a missing diag(1 - h^2) or identity (entries of size >= 1e-2) would exceed.
LAYER_FD_ATOL = 1e-8


def test_tanh_and_residual_layer_jacobians_symbolically():
    h = sp.Matrix(sp.symbols("h0:3"))
    W = sp.Matrix(3, 3, sp.symbols("w0:9"))
    f = (W * h).applyfunc(sp.tanh)
    J_f = sp.diag(*[1 - sp.tanh(a) ** 2 for a in W * h]) * W
    assert sp.simplify(f.jacobian(list(h)) - J_f) == sp.zeros(3, 3)
    assert sp.simplify((h + f).jacobian(list(h)) - (sp.eye(3) + J_f)) == sp.zeros(3, 3)
    # tanh' = 1 - tanh^2 lies in (0, 1]: so ||diag(1 - h^2)|| <= 1
    t = sp.symbols("t", real=True)
    assert sp.simplify(sp.diff(sp.tanh(t), t) - (1 - sp.tanh(t) ** 2)) == 0
    assert sp.simplify(1 - sp.tanh(t) ** 2 - 1 / sp.cosh(t) ** 2) == 0  # sech^2: in (0, 1] since cosh >= 1
    grid = np.linspace(-20, 20, 2001)  # in float64 it can round to 0 for large |t|: still <= 1
    assert np.all((1 - np.tanh(grid) ** 2 >= 0) & (1 - np.tanh(grid) ** 2 <= 1))
    assert np.all(1 - np.tanh(grid[np.abs(grid) < 5]) ** 2 > 0)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.booleans(), st.sampled_from([0.25, 1.0, 4.0]))
def test_layer_jacobian_matches_finite_differences(seed, n, residual, scale):
    rng = np.random.default_rng(seed)
    W, h = rng.normal(0, scale / np.sqrt(n), (n, n)), rng.normal(size=n)
    f = (lambda x: x + np.tanh(W @ x)) if residual else (lambda x: np.tanh(W @ x))
    J = layer_jacobian(W, h, residual)
    np.testing.assert_allclose(J, numerical_jacobian(f, h), atol=LAYER_FD_ATOL * max(1.0, scale**3))
    u = rng.normal(size=n)  # the VJP: u + J_f^T u for the residual block
    J_f = layer_jacobian(W, h)
    np.testing.assert_allclose(J.T @ u, u + J_f.T @ u if residual else J_f.T @ u, atol=1e-14)
    # ||J_f|| <= ||diag(1 - h^2)|| ||W|| <= ||W||
    assert np.linalg.norm(J_f, 2) <= np.linalg.norm(W, 2) * (1 + 1e-12)


def test_stack_layers_have_the_stated_jacobians():
    """On the page's stack itself, a few layers' Jacobians against central differences."""
    for residual in (False, True):
        Ws, hs, _ = tanh_stack(1.0, depth=50, width=100, residual=residual)
        for k in (1, 25, 50):
            f = (lambda x, W=Ws[k - 1]: x + np.tanh(W @ x)) if residual else (lambda x, W=Ws[k - 1]: np.tanh(W @ x))
            np.testing.assert_allclose(f(hs[k - 1]), hs[k])
            np.testing.assert_allclose(layer_jacobian(Ws[k - 1], hs[k - 1], residual),
                                       numerical_jacobian(f, hs[k - 1]), atol=LAYER_FD_ATOL)


def test_cotangent_norms_are_the_backward_pass_and_respect_the_bound():
    for scale in GRADIENT_SCALES:
        Ws, hs, u = tanh_stack(scale)
        norms, bounds = cotangent_norms(scale)
        # the same numbers by multiplying the full Jacobians
        for k in range(50, 0, -1):
            u = layer_jacobian(Ws[k - 1], hs[k - 1]).T @ u
            assert np.linalg.norm(u) == pytest.approx(norms[51 - k], rel=1e-9)
        assert np.all(norms <= bounds)  # ||u_0|| <= prod ||W_k|| ||u_D||
    factor = {s: cotangent_norms(s)[0][-1] ** (1 / 50) for s in GRADIENT_SCALES}
    assert factor[0.25] < 0.5 and 0.9 < factor[1.0] < 1.0 and factor[4.0] > 1.2  # vanish, drift, explode
    assert cotangent_norms(0.25)[1][-1] < 1e-10  # at scale 0.25 the bound alone proves the vanishing
    n4, b4 = cotangent_norms(4.0)
    assert b4[-1] > 1e20 * n4[-1]  # at scale 4 the bound is far above the actual norms


def test_residual_blocks_keep_the_cotangent_from_vanishing():
    Ws, hs, u = tanh_stack(0.25, residual=True)
    for k in range(50, 0, -1):
        J_f = layer_jacobian(Ws[k - 1], hs[k - 1])
        J = layer_jacobian(Ws[k - 1], hs[k - 1], residual=True)
        norm_J_f = np.linalg.norm(J_f, 2)
        assert norm_J_f < 1
        assert np.linalg.svd(J, compute_uv=False).min() >= (1 - norm_J_f) * (1 - 1e-12)
        u = J.T @ u
    norms = cotangent_norms(0.25, residual=True)[0]
    assert np.linalg.norm(u) == pytest.approx(norms[-1], rel=1e-9)
    assert 1 <= norms.min() and norms.max() < 3  # the figure's alt text: between 1 and about 3
    assert cotangent_norms(0.25)[0][-1] < 1e-25  # the plain stack on the same weights vanishes


def test_vanishing_block_and_exercise_run_alone_and_agree():
    out = section_output("vanishing")
    for scale in GRADIENT_SCALES:
        line = next(line for line in out.splitlines() if line.startswith(f"scale {scale:<4}:"))
        shown = np.array(line.split("layers:")[1].split("|")[0].split(), dtype=float)
        norms, bounds = cotangent_norms(scale)
        np.testing.assert_allclose(shown, norms[10::10], rtol=0.06)  # printed with 2 digits
        assert float(line.split("bound after 50:")[1]) == pytest.approx(bounds[-1], rel=0.06)
    lo = min(cotangent_norms(s)[0].min() for s in GRADIENT_SCALES)
    hi = max(cotangent_norms(s)[0].max() for s in GRADIENT_SCALES)
    assert 1e-32 < lo < 1e-30 and 1e9 < hi < 1e11  # the figure's alt text: about 1e-31 to 1e10
    out = section_output("exercise-residual")
    assert float(out.split("central differences|: ")[1].split()[0]) < 1e-8
    plain = next(line for line in out.splitlines() if line.startswith("plain"))
    res = next(line for line in out.splitlines() if line.startswith("residual"))
    assert float(plain.split("= ")[1].split(",")[0]) == pytest.approx(cotangent_norms(0.25)[0][-1], rel=0.06)
    assert float(res.split("= ")[1].split(",")[0]) == pytest.approx(cotangent_norms(0.25, residual=True)[0][-1], rel=0.06)
    assert float(res.split("= ")[-1]) > 0.5 and float(plain.split("= ")[-1]) < 0.01


def test_gradient_norms_figure():
    import matplotlib.pyplot as plt

    fig = gradient_norms_figure()
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 4
    np.testing.assert_allclose(ax.lines[0].get_ydata(), cotangent_norms(GRADIENT_SCALES[0])[0])
    plt.close(fig)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: tanh_stack(0.0), "scale must be a positive finite number"),
        (lambda: tanh_stack(np.nan), "scale must be a positive finite number"),
        (lambda: tanh_stack("1"), "scale must be a positive finite number"),
        (lambda: cotangent_norms(1.0, depth=0), "depth must be a positive integer"),
        (lambda: cotangent_norms(1.0, width=2.5), "width must be a positive integer"),
        (lambda: layer_jacobian(np.ones((2, 3)), np.ones(2)), r"h_in must have shape \(3,\)"),
        (lambda: layer_jacobian(np.ones(3), np.ones(3)), "W must be 2-D"),
        (lambda: layer_jacobian(np.ones((2, 2)), [np.inf, 0.0]), "finite"),
    ],
)
def test_vanishing_functions_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()

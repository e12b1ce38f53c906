"""docs/notebooks/*.py: the downloadable notebooks agree with the examples they repeat.

The notebooks are the one documented exception to "no twins": each repeats code that a page
shows, so that it runs on its own with nothing but third-party libraries. Every claim they
share with a page is checked here by value: each notebook is run (runpy) and its data, weights,
losses and Jacobians are compared with the page's example files (snippets/backprop/model.py)
or with snippets.shared.running_example; and each imports nothing from the repository.
"""

from __future__ import annotations

import ast
import contextlib
import io
import runpy
import warnings

import numpy as np
import pytest
import sympy as sp

from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_jacobian_sympy, seed_symbols
from tests.conftest import ROOT

NOTEBOOKS = ROOT / "docs" / "notebooks"
# What each notebook may import: the libraries its introduction names, nothing else.
ALLOWED_IMPORTS = {"mlp_training.py": {"numpy", "matplotlib"}, "seed_example.py": {"numpy", "sympy"}}


@pytest.fixture(scope="module")
def notebook():
    """Run a notebook as a plain script (once per module) and return its global names."""
    cache: dict[str, dict] = {}

    def run(name: str) -> dict:
        if name not in cache:
            import matplotlib.pyplot as plt

            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")  # plt.show() on the Agg backend warns that it cannot show
                cache[name] = runpy.run_path(str(NOTEBOOKS / name), run_name="__main__")
            plt.close("all")
        return cache[name]

    return run


def imported_modules(path) -> set[str]:
    """The top-level names of every module a file imports (at any depth of its code)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or "").split(".")[0])  # a relative import shows its dots
    return found


def test_every_notebook_has_its_allowed_imports_listed():
    assert sorted(ALLOWED_IMPORTS) == sorted(p.name for p in NOTEBOOKS.glob("*.py"))


@pytest.mark.parametrize("name", sorted(ALLOWED_IMPORTS))
def test_notebook_imports_nothing_from_the_repository(name):
    path = NOTEBOOKS / name
    repository = {p.stem for p in ROOT.iterdir() if p.is_dir() or p.suffix == ".py"}  # snippets, tests, hooks, ...
    imports = imported_modules(path)
    assert not imports & repository, imports & repository
    assert imports <= ALLOWED_IMPORTS[name], imports - ALLOWED_IMPORTS[name]
    text = path.read_text(encoding="utf-8")
    for hidden_import in ("__import__", "importlib", "sys.path", "runpy"):
        assert hidden_import not in text, hidden_import
    assert "http" not in text and "urlopen" not in text  # nothing is downloaded


# --- docs/notebooks/mlp_training.py repeats snippets/backprop/model.py ------------------------


def descend(model, params, X, labels, lr, steps):
    """Full-batch gradient descent with the page's forward and backward (the reference run)."""
    losses = []
    for _ in range(steps):
        loss, cache = model["forward"](params, X, labels)
        losses.append(loss)
        grads = model["backward"](params, cache)
        params = {k: params[k] - lr * grads[k] for k in params}
    return params, np.array(losses + [model["forward"](params, X, labels)[0]])


def test_mlp_notebook_functions_are_the_pages(example, notebook):
    nb, model = notebook("mlp_training.py"), example("backprop", "model")
    for args in [(), (20, 4, 0.5, 3)]:
        for got, expected in zip(nb["make_spirals"](*args), model["make_spirals"](*args)):
            np.testing.assert_array_equal(got, expected)
    for args in [(), (3, 5, 2, 9)]:
        for k, v in model["init_params"](*args).items():
            np.testing.assert_array_equal(nb["init_params"](*args)[k], v)
    rng = np.random.default_rng(0)
    for B in (1, 4, 9):  # forward and backward on other parameters and batches than the notebook's
        params = {"W1": rng.normal(size=(5, 2)), "b1": rng.normal(size=5),
                  "W2": rng.normal(size=(3, 5)), "b2": rng.normal(size=3)}
        X, labels = rng.normal(size=(B, 2)), rng.integers(0, 3, size=B)
        loss, cache = nb["forward"](params, X, labels)
        expected_loss, expected_cache = model["forward"](params, X, labels)
        assert loss == pytest.approx(expected_loss, rel=1e-14)
        got, expected = nb["backward"](params, cache), model["backward"](params, expected_cache)
        for k in expected:
            np.testing.assert_allclose(got[k], expected[k], rtol=1e-12, atol=1e-16, err_msg=k)


def test_mlp_notebook_trains_as_the_page_says(example, notebook):
    nb, model = notebook("mlp_training.py"), example("backprop", "model")
    X, labels = model["make_spirals"]()
    np.testing.assert_array_equal(nb["X"], X)
    np.testing.assert_array_equal(nb["labels"], labels)
    params0 = model["init_params"]()
    for k, v in params0.items():
        np.testing.assert_array_equal(nb["params0"][k], v)
    loss0, cache0 = model["forward"](params0, X, labels)
    assert nb["loss0"] == pytest.approx(loss0, rel=1e-14)
    for k, g in model["backward"](params0, cache0).items():
        np.testing.assert_allclose(nb["grads0"][k], g, rtol=1e-13, atol=1e-16, err_msg=k)
    assert nb["worst"] < 1e-7  # the notebook's gradient check, as on the page (~1e-10)
    assert (nb["lr"], nb["steps"]) == (0.8, 500)  # "500 steps with eta = 0.8", the page and the notebook
    params, losses = descend(model, params0, X, labels, nb["lr"], nb["steps"])
    # 500 steps of the same float operations in a different order: rounding grows to ~1e-13.
    np.testing.assert_allclose(nb["losses"], losses, rtol=1e-11)
    for k in params:
        np.testing.assert_allclose(nb["params"][k], params[k], rtol=1e-10, atol=1e-12, err_msg=k)
    S = model["forward"](params, X, labels)[1][2]  # softmax is increasing: its argmax is the logits'
    assert nb["train_accuracy"] == np.mean(S.argmax(axis=1) == labels)
    assert np.all(np.diff(nb["losses"]) < 0)  # "falling at every step", "from about log 3"
    assert abs(nb["losses"][0] - np.log(3)) < 0.1
    # The decision regions: the trained network's class at each grid point, on a grid around the data.
    assert nb["grid"][0] < X.min() and nb["grid"][-1] > X.max()
    S = model["forward"](params, nb["P"], np.zeros(len(nb["P"]), int))[1][2]
    np.testing.assert_array_equal(nb["regions"], S.argmax(axis=1))


# --- docs/notebooks/seed_example.py repeats the running example --------------------------------


def test_seed_notebook_has_the_running_examples_jacobian(notebook):
    nb = notebook("seed_example.py")
    assert (nb["x"], nb["y"]) == seed_symbols()
    assert nb["f"] == seed_f_sympy()
    assert sp.simplify(nb["J"] - seed_jacobian_sympy()) == sp.zeros(2, 2)
    assert sp.Matrix.vstack(nb["grad_f1"].T, nb["grad_f2"].T) == seed_jacobian_sympy()  # row i: gradient of f_i
    np.testing.assert_allclose(nb["J_at_p"], seed_jacobian([1.0, 2.0]), rtol=1e-15)
    for p in np.random.default_rng(2).uniform(-3, 3, size=(5, 2)):
        np.testing.assert_allclose(np.asarray(nb["J_numeric"](*p), float), seed_jacobian(p), rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(np.ravel(nb["f_numeric"](*p)), seed_f(p), rtol=1e-14, atol=1e-14)


def test_seed_notebook_central_difference_is_the_jacobian(notebook):
    nb = notebook("seed_example.py")
    # h = 1e-6 on |x|, |y| <= 3: truncation ~ h^2 |f'''| / 6 < 1e-11, round-off ~ 1e-16 * 10 / h
    # = 1e-9; 1e-6 (the notebook's own bound) has a wide margin yet catches any wrong entry.
    for p in [(1.0, 2.0), (-2.5, 0.3), (0.7, -3.0)]:
        np.testing.assert_allclose(nb["central_difference"](p), seed_jacobian(p), atol=1e-6, rtol=0)
    expected = np.max(np.abs(nb["central_difference"]([1.0, 2.0]) - seed_jacobian([1.0, 2.0])))
    assert nb["error"] == pytest.approx(expected, abs=1e-15)
    assert nb["error"] < 1e-6

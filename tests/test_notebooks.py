"""docs/notebooks/*.py: the downloadable notebooks agree with the examples they repeat.

The notebooks are the one documented exception to "no twins": each repeats code that a page
shows, so that it runs on its own with nothing but third-party libraries. Every claim they
share with a page is checked here by value: each notebook is run (runpy) and its data, weights,
losses and Jacobians are compared with the page's example files (snippets/backprop/model.py and
the training run the page prints, tied to it by tests/test_backprop.py) or with
snippets.shared.running_example; and each imports nothing from the repository.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import runpy
import warnings

import numpy as np
import pytest
import sympy as sp

from snippets.backprop import training
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_jacobian_sympy, seed_symbols
from tests.conftest import ROOT

NOTEBOOKS = ROOT / "docs" / "notebooks"
# What each notebook may import: the libraries its introduction names, nothing else.
ALLOWED_IMPORTS = {"mlp_training.py": {"numpy", "matplotlib"}, "seed_example.py": {"numpy", "sympy"}}


@functools.cache
def notebook(name: str) -> dict:
    """Run a notebook as a plain script (once per test run) and return its global names."""
    import matplotlib.pyplot as plt
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")  # plt.show() on the Agg backend warns that it cannot show
        names = runpy.run_path(str(NOTEBOOKS / name), run_name="__main__")
    plt.close("all")
    return names


@pytest.mark.parametrize("name", sorted(ALLOWED_IMPORTS))
def test_notebook_imports_its_libraries_and_nothing_from_the_repository(name):
    assert sorted(ALLOWED_IMPORTS) == sorted(p.name for p in NOTEBOOKS.glob("*.py"))  # every notebook is listed
    text = (NOTEBOOKS / name).read_text(encoding="utf-8")
    nodes = list(ast.walk(ast.parse(text)))  # every module imported, at any depth (a relative import keeps its dots)
    imports = {alias.name.split(".")[0] for n in nodes if isinstance(n, ast.Import) for alias in n.names}
    imports |= {"." * n.level + (n.module or "").split(".")[0] for n in nodes if isinstance(n, ast.ImportFrom)}
    repository = {p.stem for p in ROOT.iterdir() if p.is_dir() or p.suffix == ".py"}  # snippets, tests, hooks, ...
    assert not imports & repository and imports <= ALLOWED_IMPORTS[name], imports
    hidden = ("__import__", "importlib", "sys.path", "runpy", "http", "urlopen")  # a hidden import, or a download
    assert not [w for w in hidden if w in text]


def test_mlp_notebook_functions_are_the_pages(example):
    nb, model = notebook("mlp_training.py"), example("backprop", "model")
    for name, args in [("make_spirals", ()), ("make_spirals", (20, 4, 0.5, 3)), ("init_params", ()),
                       ("init_params", (3, 5, 2, 9))]:
        got, expected = nb[name](*args), model[name](*args)
        for k in expected if isinstance(expected, dict) else range(2):  # (X, labels) or the parameters
            np.testing.assert_array_equal(got[k], expected[k], err_msg=f"{name}{args}: {k}")
    rng = np.random.default_rng(0)
    for B in (1, 4, 9):  # forward and backward on other parameters and batches than the notebook's
        params = {k: rng.normal(size=size) for k, size in (("W1", (5, 2)), ("b1", 5), ("W2", (3, 5)), ("b2", 3))}
        X, labels = rng.normal(size=(B, 2)), rng.integers(0, 3, size=B)
        (loss, cache), (want_loss, want_cache) = nb["forward"](params, X, labels), model["forward"](params, X, labels)
        assert loss == pytest.approx(want_loss, rel=1e-14)
        got, expected = nb["backward"](params, cache), model["backward"](params, want_cache)
        for k in expected:
            np.testing.assert_allclose(got[k], expected[k], rtol=1e-12, atol=1e-16, err_msg=k)


def test_mlp_notebook_trains_as_the_page_says(example):
    nb, model = notebook("mlp_training.py"), example("backprop", "model")
    (X, labels), params0 = model["make_spirals"](), model["init_params"]()
    for got, expected in zip((nb["X"], nb["labels"], *map(nb["params0"].get, params0)), (X, labels, *params0.values())):
        np.testing.assert_array_equal(got, expected)
    loss0, cache0 = model["forward"](params0, X, labels)
    assert nb["loss0"] == pytest.approx(loss0, rel=1e-14)
    for k, g in model["backward"](params0, cache0).items():
        np.testing.assert_allclose(nb["grads0"][k], g, rtol=1e-13, atol=1e-16, err_msg=k)
    assert nb["worst"] < 1e-7  # the notebook's gradient check, as on the page (~1e-10)
    assert (nb["lr"], nb["steps"]) == (0.8, 500)  # "500 steps with eta = 0.8", the page and the notebook
    params, losses = training.train(params0, X, labels, nb["lr"], nb["steps"])  # the run the page prints
    # 500 steps of the same float operations in a different order: rounding grows to ~1e-13.
    np.testing.assert_allclose(nb["losses"], losses, rtol=1e-11)
    for k in params:
        np.testing.assert_allclose(nb["params"][k], params[k], rtol=1e-10, atol=1e-12, err_msg=k)
    assert nb["train_accuracy"] == training.accuracy(params, X, labels)
    assert np.all(np.diff(nb["losses"]) < 0) and abs(nb["losses"][0] - np.log(3)) < 0.1  # "falling", "from log 3"
    # The decision regions: the trained network's class at each point of a grid around the data.
    assert nb["grid"][0] < X.min() and nb["grid"][-1] > X.max()
    S = model["forward"](params, nb["P"], np.zeros(len(nb["P"]), int))[1][2]  # softmax is increasing: argmax of logits
    np.testing.assert_array_equal(nb["regions"], S.argmax(axis=1))


def test_seed_notebook_has_the_running_examples_jacobian_and_its_central_difference():
    nb = notebook("seed_example.py")
    assert (nb["x"], nb["y"]) == seed_symbols() and nb["f"] == seed_f_sympy()
    assert sp.simplify(nb["J"] - seed_jacobian_sympy()) == sp.zeros(2, 2)
    assert sp.Matrix.vstack(nb["grad_f1"].T, nb["grad_f2"].T) == seed_jacobian_sympy()  # row i: gradient of f_i
    np.testing.assert_allclose(nb["J_at_p"], seed_jacobian([1.0, 2.0]), rtol=1e-15)
    for p in np.random.default_rng(2).uniform(-3, 3, size=(5, 2)):
        np.testing.assert_allclose(np.asarray(nb["J_numeric"](*p), float), seed_jacobian(p), rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(np.ravel(nb["f_numeric"](*p)), seed_f(p), rtol=1e-14, atol=1e-14)
    # h = 1e-6, |x|, |y| <= 3: truncation < 1e-11, round-off ~1e-9; 1e-6 (the notebook's bound) catches any wrong entry.
    for p in [(1.0, 2.0), (-2.5, 0.3), (0.7, -3.0)]:
        np.testing.assert_allclose(nb["central_difference"](p), seed_jacobian(p), atol=1e-6, rtol=0)
    expected = np.max(np.abs(nb["central_difference"]([1.0, 2.0]) - seed_jacobian([1.0, 2.0])))
    assert nb["error"] == pytest.approx(expected, abs=1e-15) and nb["error"] < 1e-6

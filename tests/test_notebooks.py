"""docs/notebooks/*.py: every claim of the two notebook pages, and the notebooks as downloads.

The notebooks are the one documented exception to "no twins": each repeats code a page shows,
so that it runs on its own with nothing but the libraries its introduction names. Each is run
(runpy) and its values are checked against the page's example files (snippets/backprop/model.py
and the run snippets/backprop/training.py prints), SymPy, finite differences and the site's own
reverse mode (snippets/forward_reverse/autodiff.py). On the built site: the page shows what the
plain script prints, the executed .ipynb runs again with nbconvert in an empty folder, the
figures are SVG with alt text, the page weighs at most 1.5 times a median page, and with a
GitHub repository configured the page links to Colab, which opens the .ipynb twin in the
repository (kept equal to the .py here).
"""

from __future__ import annotations

import ast
import contextlib
import functools
import gzip
import html
import io
import os
import re
import runpy
import shutil
import statistics
import subprocess
import sys
import warnings
from pathlib import Path

import jupytext
import nbformat
import numpy as np
import pytest
import sympy as sp

from snippets.backprop import training
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_jacobian, seed_jacobian_sympy
from tests import site_checks as checks
from tests.conftest import ROOT

NOTEBOOKS = ROOT / "docs" / "notebooks"
# What each notebook may import: exactly the libraries its introduction names.
ALLOWED_IMPORTS = {"mlp_training.py": {"numpy", "matplotlib"}, "seed_example.py": {"numpy", "sympy"}}
NAMES = sorted(ALLOWED_IMPORTS)


@functools.cache
def notebook(name: str) -> dict:
    """Run a notebook as a plain script (once per test run) and return its global names."""
    import matplotlib.pyplot as plt
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")  # plt.show() on the Agg backend warns that it cannot show
        names = runpy.run_path(str(NOTEBOOKS / name), run_name="__main__")
    plt.close("all")
    return names


def shown_text(nb) -> str:
    """What a notebook shows under its cells, as text: what it printed, and the plain-text form
    of every other value it displayed (figures excepted)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                parts.append(out["text"])
            elif not any(kind.startswith("image/") for kind in out.get("data", {})):
                parts.append(out["data"]["text/plain"] + "\n")
    return "".join(parts)


def executed(site: Path, name: str) -> Path:
    return site / "notebooks" / Path(name).stem / (Path(name).stem + ".ipynb")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_imports_what_its_introduction_names_and_nothing_from_the_repository(name):
    assert NAMES == sorted(p.name for p in NOTEBOOKS.glob("*.py"))  # every notebook is listed
    text = (NOTEBOOKS / name).read_text(encoding="utf-8")
    nodes = list(ast.walk(ast.parse(text)))  # every module imported, at any depth (a relative import keeps its dots)
    imports = {alias.name.split(".")[0] for n in nodes if isinstance(n, ast.Import) for alias in n.names}
    imports |= {"." * n.level + (n.module or "").split(".")[0] for n in nodes if isinstance(n, ast.ImportFrom)}
    repository = {p.stem for p in ROOT.iterdir() if p.is_dir() or p.suffix == ".py"}  # snippets, tests, hooks, ...
    assert not imports & repository and imports == ALLOWED_IMPORTS[name], imports
    hidden = ("__import__", "importlib", "sys.path", "runpy", "http", "urlopen")  # a hidden import, or a download
    assert not [w for w in hidden if w in text]
    intro = jupytext.read(NOTEBOOKS / name).cells[0].source
    assert set(re.findall(r"needs only `(\w+)` and `(\w+)`", intro)[0]) == ALLOWED_IMPORTS[name]


@pytest.mark.parametrize("name", NAMES)
def test_code_fits_the_code_column(name):
    # 80 characters fill a code block at 1280 px; longer lines scroll sideways.
    cells = [c.source for c in jupytext.read(NOTEBOOKS / name).cells if c.cell_type == "code"]
    assert [line for cell in cells for line in cell.splitlines() if len(line) > 80] == []


# ---- The running example ---------------------------------------------------------------------

def test_running_example_jacobian_determinant_and_point():
    nb = notebook("seed_example.py")
    x, y = sp.symbols("x y")
    assert nb["variables"] == [x, y] and nb["p"] == [1, 2]
    assert nb["J"] == seed_jacobian_sympy() and nb["grad_f1"] == sp.Matrix([2 * x * y, x**2])
    assert nb["J_p"] == sp.Matrix([[4, 1], [5, sp.cos(2)]])  # "we expect [[4, 1], [5, cos 2]]"
    np.testing.assert_allclose(nb["J_p_float"], seed_jacobian([1.0, 2.0]), rtol=1e-15)
    assert round(np.cos(2), 3) == -0.416  # "cos 2 ~ -0.416"
    assert sp.expand(nb["det_J"] - (2 * x * y * sp.cos(y) - 5 * x**2)) == 0
    det = np.linalg.det(seed_jacobian([1.0, 2.0]))
    assert nb["det_p"] == pytest.approx(det, rel=1e-12) and round(det, 2) == -6.66  # "4 cos 2 - 5 ~ -6.66"
    for p in np.random.default_rng(2).uniform(-3, 3, size=(4, 2)):
        np.testing.assert_allclose(np.array(nb["f_numeric"](*p)), seed_f(p), rtol=1e-14, atol=1e-14)


def test_running_example_finite_differences():
    nb = notebook("seed_example.py")
    central = nb["central_differences"]
    # h = 1e-6: truncation h^2 |f'''| / 6 < 1e-11 and round-off eps |f| / h ~ 1e-9 here, far
    # below the page's per-entry tolerance 1e-6 (1 + |J_ij|), which still catches a wrong entry.
    assert np.finfo(float).eps == pytest.approx(2.2e-16, rel=0.01)  # "eps ~ 2.2e-16"
    for p in [(1.0, 2.0), (-2.5, 0.3), (0.7, -3.0)]:
        np.testing.assert_allclose(central(nb["f_numeric"], p), seed_jacobian(p), atol=1e-8, rtol=1e-8)
    g = lambda a, b, c: [np.exp(a) * b, np.sin(b * c), a + c]  # noqa: E731  another f: R^3 -> R^3
    p3 = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(central(g, p3), numerical_jacobian(lambda v: np.array(g(*v)), p3), atol=1e-8)
    assert nb["error"].max() == pytest.approx(np.abs(central(nb["f_numeric"], [1, 2]) - nb["J_p_float"]).max())
    assert nb["within"] is True and nb["error"].max() < 1e-8


def test_running_example_taylor_test_tells_a_right_jacobian_from_a_wrong_one():
    nb = notebook("seed_example.py")
    np.testing.assert_allclose(nb["slopes"], 2, atol=0.05)  # remainder O(t^2): J is right
    np.testing.assert_allclose(nb["slopes_wrong"], 1, atol=0.05)  # O(t): the sign error
    assert np.count_nonzero(nb["J_wrong"] != nb["J_p_float"]) == 1
    # On another function: exp(a) b's true gradient gives slope 2, a perturbed one slope 1.
    func, p, u, ts = (lambda a, b: [np.exp(a) * b]), [0.5, 2.0], np.array([0.6, -0.8]), nb["ts"]
    J = np.array([[np.exp(0.5) * 2.0, np.exp(0.5)]])
    np.testing.assert_allclose(nb["taylor_slopes"](func, J, p, u, ts), 2, atol=0.05)
    np.testing.assert_allclose(nb["taylor_slopes"](func, J + [[0.0, 0.5]], p, u, ts)[-1], 1, atol=0.05)


def test_running_example_exercises():
    nb = notebook("seed_example.py")
    x, y, z = sp.symbols("x y z")
    np.testing.assert_allclose(np.array(nb["J_at_1_0"], float), seed_jacobian([1.0, 0.0]), rtol=1e-15)
    det = seed_jacobian_sympy().det()
    assert len(nb["singular_x"]) == 2 and all(sp.simplify(det.subs(x, s)) == 0 for s in nb["singular_x"])
    assert set(nb["singular_x"]) == {0, sp.Rational(2, 5) * y * sp.cos(y)}  # "x = 0 and x = (2/5) y cos y"
    assert nb["J_g"] == sp.Matrix([[y * z, x * z, x * y], [1, 1, 0]]) and nb["J_g"].shape == (2, 3)


# ---- The MLP -----------------------------------------------------------------------------------

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
    assert nb["loss0"] == pytest.approx(loss0, rel=1e-14) and nb["worst"] < 1e-7  # gradient check ~1e-10
    assert (nb["lr"], nb["steps"]) == (0.8, 500)  # "500 steps with eta = 0.8", the page and the notebook
    for eta in (0.2, 3.0, 0.8):  # the three runs: the training the page prints, at each rate
        params, losses = training.train(params0, X, labels, eta, 500)
        # 500 steps of the same float operations in a different order: rounding grows to ~1e-13.
        np.testing.assert_allclose(nb["runs"][eta], losses, rtol=1e-10, err_msg=eta)
    np.testing.assert_allclose(nb["losses"], losses, rtol=1e-11)
    for k in params:
        np.testing.assert_allclose(nb["params"][k], params[k], rtol=1e-10, atol=1e-12, err_msg=k)
    assert nb["train_accuracy"] == training.accuracy(params, X, labels)
    # Each layer's gradient norm at a few steps, from the page's model at those steps.
    for step in (0, 50, 150, 499):
        p = training.train(params0, X, labels, 0.8, step)[0]
        grads = model["backward"](p, model["forward"](p, X, labels)[1])
        for k in ("W1", "W2"):
            assert nb["grad_norms"][k][step] == pytest.approx(np.linalg.norm(grads[k]), rel=1e-9)


def test_mlp_learning_rates_as_the_text_and_figure_say():
    nb = notebook("mlp_training.py")
    runs, rises, best = nb["runs"], nb["rises"], nb["best_linear"]
    assert 0.8 / 0.2 == 4 and 3.5 < 3.0 / 0.8 < 4  # "four times smaller and almost four times larger"
    assert rises == {eta: int(np.sum(np.diff(run) > 0)) for eta, run in runs.items()}
    assert rises[0.2] == rises[0.8] == 0 and rises[3.0] > 20  # "jumps up several times"
    assert runs[3.0][-1] < runs[0.8][-1] < runs[0.2][-1]
    assert 0.8 * best < runs[0.2][-1] < best  # "has only just passed below the line at step 500"
    assert abs(np.log(runs[3.0][20:120] / best)).min() < 0.05  # the 3.0 curve flattens near the line too


def test_mlp_plateau_is_the_best_linear_classifier():
    nb = notebook("mlp_training.py")
    X, labels, losses, norms = nb["X"], nb["labels"], nb["losses"], nb["grad_norms"]
    # "stalls between about steps 20 and 100": 10 times slower than before, and than after it.
    rate = lambda a, b: (losses[a] - losses[b]) / (b - a)  # noqa: E731
    assert rate(20, 100) < rate(0, 20) / 10 and rate(20, 100) < rate(100, 300) / 2
    # The lowest loss of a linear classifier, by an independent, longer descent from elsewhere.
    W, b = np.random.default_rng(1).normal(size=(3, 2)), np.zeros(3)
    for _ in range(3000):
        Z = X @ W.T + b
        S = np.exp(Z - Z.max(axis=1, keepdims=True))
        U = (S / S.sum(axis=1, keepdims=True) - np.eye(3)[labels]) / len(X)
        W, b = W - 3.0 * U.T @ X, b - 3.0 * U.sum(axis=0)
    best = -np.log((S / S.sum(axis=1, keepdims=True))[np.arange(len(X)), labels]).mean()
    assert nb["best_linear"] == pytest.approx(best, abs=1e-6)
    # At step 50 the network, and the network with tanh -> identity, are both within 0.015 of
    # that loss; at step 500 the linearised one is worse than guessing (log 3). The gradients
    # at step 50 are 10 times smaller than at step 0, grow again by step 150, then decrease.
    for step, (loss, as_linear, slope) in nb["plateau"].items():
        p = training.train(nb["params0"], X, labels, 0.8, step)[0]
        A = X @ p["W1"].T + p["b1"]
        Z = X @ (p["W2"] @ p["W1"]).T + p["W2"] @ p["b1"] + p["b2"]  # logits with tanh -> identity
        want = np.mean(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(len(X)), labels])
        assert as_linear == pytest.approx(want, rel=1e-12) and loss == losses[step]
        assert slope == pytest.approx(np.mean(1 - np.tanh(A) ** 2), rel=1e-12)
    loss50, linear50, slope50 = nb["plateau"][50]
    assert abs(loss50 - best) < 0.015 and abs(linear50 - best) < 0.015 and slope50 > 0.85
    assert nb["plateau"][500][1] > np.log(3) and nb["plateau"][500][2] < slope50 - 0.2
    assert all(norms[k][50] < norms[k][0] / 10 and norms[k][150] > 2 * norms[k][50] > norms[k][499] for k in norms)


def test_mlp_input_jacobian_by_the_sites_tape_and_where_it_is_large(example):
    nb, ad = notebook("mlp_training.py"), example("forward_reverse", "autodiff")
    params = nb["params"]

    def y_hat(x):  # the trained network on one input, in the site's reverse mode (Var)
        h = [np.tanh(sum(params["W1"][j, i] * x[i] for i in range(2)) + params["b1"][j]) for j in range(16)]
        z = [sum(params["W2"][c, j] * h[j] for j in range(16)) + params["b2"][c] for c in range(3)]
        m = max(v.value for v in z)  # softmax does not change under a constant shift
        e = [np.exp(v - m) for v in z]
        return [v / sum(e) for v in e]

    for x in nb["X"][[0, 123, 250]]:
        np.testing.assert_allclose(nb["input_jacobian"](params, x[None])[0], ad["jacobian_reverse"](y_hat, x),
                                   rtol=1e-10, atol=1e-14)
    J = nb["J_grid"]
    np.testing.assert_allclose(nb["sensitivity"].ravel(), np.linalg.svd(J, compute_uv=False)[:, 0], rtol=1e-12)
    S = model_probabilities(nb["params"], nb["P"])
    np.testing.assert_array_equal(nb["regions"].ravel(), S.argmax(axis=1))
    assert nb["jacobian_error"] < 1e-8  # the notebook's own central-difference check (~1e-9)
    # "high in narrow bands along the boundaries, near zero inside": medians 20 times apart.
    assert nb["on"] > 20 * nb["off"] and nb["off"] < 0.02 * nb["sensitivity"].max()
    assert nb["boundary"].mean() < 0.2  # narrow bands


def model_probabilities(params, P):
    """softmax(W2 tanh(W1 x + b1) + b2) for each row x of P (logits small: no shift needed)."""
    Z = np.tanh(P @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]
    return np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)


def test_one_step_of_backprop_equals_the_sites_tape(example):
    nb, ad = notebook("mlp_training.py"), example("forward_reverse", "autodiff")
    X, labels, params = nb["X"][::50], nb["labels"][::50], nb["params0"]  # 6 examples
    names = ("W1", "b1", "W2", "b2")
    theta = np.concatenate([params[k].ravel() for k in names])
    sizes = np.cumsum([0] + [params[k].size for k in names])

    def loss(t):  # the mean cross-entropy as a function of all 99 parameters, on the tape
        t = np.array(t, dtype=object)
        W1, b1, W2, b2 = (t[a:b].reshape(params[k].shape) for k, a, b in zip(names, sizes, sizes[1:]))
        total = 0.0
        for x, label in zip(X, labels):
            h = [np.tanh(W1[j, 0] * x[0] + W1[j, 1] * x[1] + b1[j]) for j in range(16)]
            z = [sum(W2[c, j] * h[j] for j in range(16)) + b2[c] for c in range(3)]
            m = max(v.value for v in z)
            total = total + np.log(sum(np.exp(v - m) for v in z)) + m - z[label]
        return [total / len(X)]

    tape_grad = ad["vjp"](loss, theta, [1.0])[1]
    grads = nb["backward"](params, nb["forward"](params, X, labels)[1])
    np.testing.assert_allclose(np.concatenate([grads[k].ravel() for k in names]), tape_grad, rtol=1e-10, atol=1e-15)


# ---- The pages and the downloads -------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_the_page_shows_what_the_script_prints(name: str, built_site: Path, tmp_path: Path):
    nb = nbformat.read(executed(built_site, name), as_version=4)
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "OPENBLAS_NUM_THREADS") if k in os.environ}
    result = subprocess.run([sys.executable, "-I", str(NOTEBOOKS / name)], cwd=tmp_path, capture_output=True,
                            text=True, env={**env, "MPLBACKEND": "Agg"}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert shown_text(nb) == result.stdout  # every value the page shows, printed by the script
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stderr"]  # no warnings
    page = html.unescape(checks.read_page(built_site, f"notebooks/{Path(name).stem}/"))
    assert all(line in page for out in nb.cells for o in out.get("outputs", []) if o.get("name") == "stdout"
               for line in o["text"].splitlines())


@pytest.mark.parametrize("name", NAMES)
def test_the_executed_ipynb_runs_with_nbconvert_in_an_empty_folder(name: str, built_site: Path, tmp_path: Path):
    source = executed(built_site, name)
    shutil.copy(source, tmp_path)  # the folder holds the notebook only: nothing of this repository
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    command = [str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
               source.name, "--output", "again.ipynb"]
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert shown_text(nbformat.read(tmp_path / "again.ipynb", as_version=4)) == shown_text(nbformat.read(source, as_version=4))


@pytest.mark.parametrize("name", NAMES)
def test_the_download_is_the_executed_notebook_with_accessible_svg_figures(name: str, built_site: Path):
    nb = nbformat.read(executed(built_site, name), as_version=4)
    nbformat.validate(nb)
    source = jupytext.read(NOTEBOOKS / name)
    assert [c.source for c in nb.cells] == [absolute(c.source) for c in source.cells]
    for link in re.findall(r"\]\(https?://[^/]+/([^)]*)\)", "".join(c.source for c in nb.cells)):
        assert (built_site / link / "index.html").is_file(), link  # the download links to pages that exist
    assert all(c.outputs for c in nb.cells if re.search(r"^(print|display|plt\.show)\(", c.source, re.M))
    page = checks.read_page(built_site, f"notebooks/{Path(name).stem}/")
    stem = Path(name).stem
    assert f'href="{stem}.ipynb" download' in page and f'href="{name}" download' in page
    outside_figures = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    assert "No description has been provided" not in page and "data:image" not in outside_figures
    assert "<style" not in outside_figures and "jp-RenderedImage" not in page  # no inlined styles, no PNG
    alts = [c.metadata["alt"] for c in source.cells if "alt" in c.metadata]
    figures = re.findall(r'<svg role="img" aria-label="([^"]*)"[^>]*><title>([^<]*)</title>', page)
    assert [html.unescape(a) for a, t in figures] == [html.unescape(t) for a, t in figures] == alts
    assert len(alts) == (2 if stem == "mlp_training" else 0)
    assert len(set(re.findall(r'\bid="([^"]+)"', page))) == len(re.findall(r'\bid="([^"]+)"', page))  # ids unique


def absolute(source: str) -> str:
    """A Markdown cell's links as the download has them: absolute, on the default site_url."""
    site_url = re.search(r'SITE_URL, "([^"]+)"', (ROOT / "mkdocs.yml").read_text(encoding="utf-8")).group(1)
    return re.sub(r"\]\(\.\./\.\./", f"]({site_url}", source)


def test_notebook_pages_weigh_at_most_one_and_a_half_median_pages(built_site: Path):
    weight = {p: len(gzip.compress(checks.read_page(built_site, p).encode(), 9)) for p in checks.reader_pages(built_site)}
    ordinary = [w for p, w in weight.items() if not p.startswith(("notebooks/", "404", "print_page/"))]
    median = statistics.median(ordinary)
    heavy = {p: round(w / median, 2) for p, w in weight.items() if p.startswith("notebooks/") and w > 1.5 * median}
    assert heavy == {} and len(ordinary) >= 10, f"gzip weight / median {median / 1024:.1f} KB: {heavy}"


@pytest.mark.parametrize("name", NAMES)
def test_the_colab_twin_is_the_jupytext_source(name: str):
    twin = nbformat.read(NOTEBOOKS / Path(name).with_suffix(".ipynb"), as_version=4)
    source = jupytext.read(NOTEBOOKS / name)
    fix = f"regenerate it: .venv/bin/jupytext --to ipynb docs/notebooks/{name}"
    assert [(c.cell_type, c.source, dict(c.metadata)) for c in twin.cells] == \
           [(c.cell_type, c.source, dict(c.metadata)) for c in source.cells], fix
    assert not any(c.get("outputs") for c in twin.cells), "the twin has outputs: " + fix


def test_with_no_repository_no_page_mentions_colab(built_site: Path):
    """The Colab link needs a GitHub repository (tests/test_publishing.py builds with one)."""
    for name in NAMES:
        stem = Path(name).stem
        assert (ROOT / f"docs/notebooks/{stem}.ipynb").is_file()  # the twin Colab would open
        assert "colab" not in checks.read_page(built_site, f"notebooks/{stem}/").lower()

"""snippets/figures.py: inline SVG figures, deterministic and accessible."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from snippets.shared.figures import svg_figure


def make_figure() -> plt.Figure:
    fig, ax = plt.subplots(figsize=(3, 2))
    t = np.linspace(0, 1, 50)
    ax.plot(t, t**2, label="t^2")
    ax.fill_between(t, 0, t)
    ax.legend()
    return fig


def test_same_figure_same_bytes():
    assert svg_figure(make_figure(), alt="a parabola") == svg_figure(make_figure(), alt="a parabola")


def test_accessible_name_title_and_caption():
    html = svg_figure(make_figure(), alt='a "parabola" & a line', caption="Figure 1 <b>")
    assert html.startswith('<figure class="jfig"><svg role="img" aria-label="a &quot;parabola&quot; &amp; a line"')
    assert "<title>a &quot;parabola&quot; &amp; a line</title>" in html
    assert html.endswith("<figcaption>Figure 1 &lt;b&gt;</figcaption></figure>")
    assert "<?xml" not in html and "<metadata>" not in html and "<dc:date>" not in html


def test_colour_figures_are_not_inverted_in_dark_mode():
    html = svg_figure(make_figure(), alt="a colour map", invert_in_dark=False)
    assert html.startswith('<figure class="jfig jfig-colour">')


@pytest.mark.parametrize("alt", ["", "   ", None])
def test_alt_text_is_required(alt):
    with pytest.raises(ValueError, match="alt text"):
        svg_figure(make_figure(), alt=alt)


def test_a_figure_is_required():
    with pytest.raises(TypeError, match="matplotlib Figure, got str"):
        svg_figure("<svg/>", alt="nothing")

"""Figures for the pages: matplotlib figures as inline, deterministic, accessible SVG.

Pages call :func:`svg_figure` from a markdown-exec block (``exec="on" html="1"``); the SVG lands
in the HTML at build time, so figures need no JavaScript and no image files.
"""

from __future__ import annotations

import html
import io
import math
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Same input, same bytes: fixed ids and no timestamps in the SVG.
plt.rcParams["svg.hashsalt"] = "jacobians-for-deep-learning"
plt.rcParams["svg.fonttype"] = "none"  # text stays text (searchable, crisp, small)
plt.rcParams["font.family"] = "DejaVu Sans"
# Smallest text a figure may shrink to on a narrow screen; below it the figure scrolls sideways.
MIN_TEXT_PX = 9


def svg_figure(fig: plt.Figure, alt: str, caption: str | None = None, invert_in_dark: bool = True) -> str:
    """Return ``fig`` as an inline ``<figure>`` with an SVG image whose accessible name is ``alt``.

    The figure is closed afterwards. By default the background is transparent and the site's
    stylesheet inverts the figure in the dark palette, so that black lines stay readable. A
    figure whose colours carry meaning (a colour map) passes ``invert_in_dark=False``: it keeps
    its colours on a white panel in both palettes.
    """
    if not isinstance(fig, plt.Figure):
        raise TypeError(f"expected a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("a figure needs alt text: a non-empty description of what it shows")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", transparent=invert_in_dark, bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    label = html.escape(alt.strip(), quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" style="min-width: {_min_width(svg)}px" ', 1)
    svg = re.sub(r"(<svg[^>]*>)", r"\1<title>" + label + "</title>", svg, count=1)
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    css_class = "jfig" if invert_in_dark else "jfig jfig-colour"
    return f'<figure class="{css_class}">{svg}{cap}</figure>'


def _min_width(svg: str) -> int:
    """The narrowest width, in CSS pixels, at which the SVG's smallest text is MIN_TEXT_PX tall.

    An SVG scales its text with its width: text of size s in a viewBox of width w shows at
    s * (shown width / w) pixels.
    """
    width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg).group(1))
    sizes = [float(size) for size in re.findall(r"font(?:-size)?: ([\d.]+)px", svg)]
    return math.ceil(MIN_TEXT_PX * width / min(sizes)) if sizes else 0

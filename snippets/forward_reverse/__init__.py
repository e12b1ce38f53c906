"""The examples of docs/forward-reverse.md that are not the site's AD itself.

The page's chain of blocks ("Continued from the block above") is the shared building block
``snippets/forward_reverse/autodiff.py``, shown section by section; here are the standalone example
(``dual_by_hand.py``) and the hidden modules that draw the figure and count the passes.
"""

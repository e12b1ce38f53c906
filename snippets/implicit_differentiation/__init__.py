"""The examples of docs/implicit-differentiation.md, one file per shown block, and the hidden
module that draws its figure at build time (``figures.py``)."""

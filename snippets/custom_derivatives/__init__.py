"""The examples of docs/custom-derivatives.md, one file per shown block, and the hidden module
that draws its figures at build time (``figures.py``)."""

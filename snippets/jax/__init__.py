"""The examples of docs/jax.md, one file per shown block, and the hidden modules that draw its
figure and tables at build time (``figures.py``, ``tables.py``)."""

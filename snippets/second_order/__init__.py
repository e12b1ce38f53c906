"""The examples of docs/second-order.md, one file per shown block; the table and figure
computations in ``curve_fits``, ``tables`` and ``figures``."""

"""The examples of docs/notation.md, one file per shown block; ``tables`` and ``figures`` make
the page's tables and figure at build time (not shown as code)."""

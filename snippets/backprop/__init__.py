"""The examples of docs/backprop.md: one file per shown block (``model.py`` holds the chain of
blocks that continue each other, in named sections), and the hidden modules that draw the
figures (``figures.py``), the memory table (``tables.py``), the training result
(``training.py``) and the cotangent norms of deep stacks (``stacks.py``)."""

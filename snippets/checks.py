"""Input checks shared by the reusable functions of the snippet modules.

(Code shown on the pages carries its own checks, so that a copied block runs alone.)
"""

from __future__ import annotations

import numpy as np


def finite_array(name: str, value, ndim: int = 1) -> np.ndarray:
    """``value`` as a non-empty, finite float array with ``ndim`` axes, or an error naming ``name``.

    Raises TypeError for a callable or a string, ValueError for a wrong number of axes, an
    empty array, or nan/inf entries.
    """
    if callable(value) or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    arr = np.asarray(value, dtype=float)
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no nan or inf)")
    return arr

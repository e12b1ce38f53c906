"""The one set of input checks for functions that figures, tables and tests call.

Code shown on the pages carries no checks of its own (a copied block stays short and runs
alone); a function that keeps checks uses these, so every message names the argument.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np


def finite_array(name: str, value, ndim: int | None = 1, shape: tuple[int | None, ...] | None = None) -> np.ndarray:
    """``value`` as a non-empty, finite float array, or an error naming ``name``.

    ``ndim``: the number of axes required (None: any). ``shape``: the exact shape required,
    None in a place meaning any length there (it implies ``ndim``). A list behaves like an
    array. Raises TypeError for a callable, a string or anything that is not numbers;
    ValueError for a wrong shape, an empty array, or nan/inf entries.
    """
    if callable(value) or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers ({exc})") from None
    if shape is not None:
        if arr.ndim != len(shape) or any(want is not None and got != want for got, want in zip(arr.shape, shape)):
            wanted = "(" + ", ".join("any" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
            raise ValueError(f"{name} must have shape {wanted}, got shape {arr.shape}")
    elif ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no nan or inf)")
    return arr


def positive(name: str, value) -> float:
    """``value`` as a positive finite float (a step size, a learning rate, a radius)."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__}")
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return value


def count(name: str, value, minimum: int = 1) -> int:
    """``value`` as an integer >= ``minimum`` (a number of steps, points or examples)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def labels(name: str, value, n_classes: int, size: int | None = None) -> np.ndarray:
    """``value`` as a 1-D integer array of class labels in 0..n_classes-1 (``size`` of them)."""
    if callable(value) or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of integer labels, got {type(value).__name__}")
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0 or (size is not None and arr.size != size):
        want = f"({size},)" if size is not None else "a non-empty 1-D array"
        raise ValueError(f"{name} must have shape {want}, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    if arr.min() < 0 or arr.max() >= n_classes:
        raise ValueError(f"{name} must lie in 0..{n_classes - 1}, got values from {arr.min()} to {arr.max()}")
    return arr.astype(int)


def function(name: str, value):
    """``value`` if it can be called (a function of the input), else a TypeError naming ``name``."""
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")
    return value


def choice(name: str, value, options):
    """``value`` if it is one of ``options``, else a ValueError naming ``name`` and the options."""
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(str, options))}, got {value!r}")
    return value

"""The examples of docs/chain-rule.md, one file per shown block, and ``chain_jacobians``.

``chain_jacobians`` lives here, not in an example file, because the page names it as
``snippets.chain_rule.chain_jacobians`` and a hidden block shows the error it raises.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from snippets.shared.checks import finite_array


def chain_jacobians(jacobians: Sequence[np.ndarray]) -> np.ndarray:
    """Jacobian of a composition from its stages' Jacobians, listed in the order applied.

    For stages f_1 (applied first), ..., f_k (applied last) with Jacobians J_1, ..., J_k
    evaluated at the points each stage sees, return J_k ... J_2 J_1. Stage i maps
    R^{n_i} -> R^{m_i}, so m_i must equal n_{i+1}; the error names the stages that do not fit.
    """
    # A stacked 3-D array would be ambiguous (which axis lists the stages?): ask for a list.
    if isinstance(jacobians, (np.ndarray, str, bytes)) or not isinstance(jacobians, Sequence):
        raise TypeError(f"jacobians must be a list of Jacobian matrices, got {type(jacobians).__name__}")
    if len(jacobians) == 0:
        raise ValueError("jacobians must hold at least one Jacobian, got an empty list")
    mats = [finite_array(f"jacobians[{i}]", J, ndim=2) for i, J in enumerate(jacobians)]
    for i in range(1, len(mats)):
        if mats[i - 1].shape[0] != mats[i].shape[1]:
            raise ValueError(
                f"stage {i - 1} outputs R^{mats[i - 1].shape[0]} but stage {i} takes R^{mats[i].shape[1]}: "
                f"shapes {mats[i - 1].shape} and {mats[i].shape} do not chain"
            )
    product = mats[0]
    for J in mats[1:]:
        product = J @ product  # the later stage multiplies from the left
    return product

"""The memory table of docs/backprop.md (computed at build time, not shown as code)."""

from __future__ import annotations

from snippets.shared.checks import count


def memory_counts(B: int, n_in: int, n_hidden: int, n_out: int) -> dict[str, int]:
    """Float counts for a 2-layer MLP on a batch of B: what backprop stores, the parameters, and
    two Jacobians it never forms."""
    B, n_in, n_hidden, n_out = (count(name, v) for name, v in
                                (("B", B), ("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)))
    return {
        "stored": B * (n_in + n_hidden + n_out),  # X, H and the softmax output
        "params": n_hidden * n_in + n_hidden + n_out * n_hidden + n_out,
        "tanh_batched_jacobian": (B * n_hidden) ** 2,  # (B n_h) x (B n_h), block diagonal
        "logits_wrt_W1": B * n_out * n_hidden * n_in,  # (B n_o) x (n_h n_i)
    }


def readable_bytes(n: int) -> str:
    """n bytes with a decimal unit (kB = 1000 B), three significant digits: 26,050,640 -> '26.1 MB'."""
    n = count("n", n, minimum=0)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 999.5:
            return f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} PB"


def memory_table_markdown() -> str:
    """The page's table: this page's MLP and an MNIST-sized one (784 -> 4096 -> 10) at B = 256
    and at B = 4096."""
    columns = [memory_counts(300, 2, 16, 3), memory_counts(256, 784, 4096, 10), memory_counts(4096, 784, 4096, 10)]
    names = {
        "stored": "stored by the forward pass ($X$, $H$, $\\hat Y$)",
        "params": "parameters (and so the gradient)",
        "tanh_batched_jacobian": "full batched Jacobian of the tanh layer",
        "logits_wrt_W1": "full Jacobian of the logits with respect to $W_1$",
    }
    lines = ["| numbers, and bytes in float64 (8 each) | this page: $B = 300$, 2-16-3 | $B = 256$, 784-4096-10 "
             "| $B = 4096$, 784-4096-10 |",
             "| --- | ---: | ---: | ---: |"]
    cell = lambda n: f"{n:,}<br>{readable_bytes(8 * n).replace(' ', '&nbsp;')}"  # noqa: E731  (no break in "26.1 MB")
    lines += [f"| {label} | " + " | ".join(cell(c[k]) for c in columns) + " |" for k, label in names.items()]
    return "\n".join(lines)

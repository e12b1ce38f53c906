def jacobian_entries(B: int, m: int, n: int) -> tuple[int, int]:
    """Entries of the naive (B, m, B, n) batched Jacobian and of the (B, m, n) stack."""
    return B * m * B * n, B * m * n


def size_text(numbers: int, bytes_per_number: int = 4) -> str:
    """The memory of `numbers` values (float32: 4 bytes each), in binary units."""
    size, unit = numbers * bytes_per_number, "bytes"
    for bigger in ("KiB", "MiB", "GiB", "TiB"):
        if size < 1024:
            break
        size, unit = size / 1024, bigger
    return f"{size:g} {unit}"


B, m, n = 64, 4096, 4096  # batch size, output and input size of one example
naive, per_example = jacobian_entries(B, m, n)
vjp = B * n  # what backpropagation computes: one number per input entry
for name, count in [("naive (B, m, B, n) Jacobian:", naive),
                    ("per-example (B, m, n) stack:", per_example),
                    ("VJP result, shape (B, n):   ", vjp)]:
    print(name, f"{count:>14,} numbers = {size_text(count)}")
fraction = per_example / naive
print("fraction that can be nonzero:", fraction, "= 1/B")

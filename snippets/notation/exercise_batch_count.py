B, n, m = 32, 10, 5  # batch size, input and output sizes of one example
naive = B * m * B * n  # entries of the (B, m, B, n) Jacobian
per_example = B * m * n  # entries of the (B, m, n) stack
print("naive (B, m, B, n) entries:  ", naive)
print("per-example (B, m, n) entries:", per_example)
print("fraction that can be nonzero: ", per_example / naive, "= 1/B =", 1 / B)

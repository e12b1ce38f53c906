"""Examples of docs/jacobian-norms.md: one file per shown block, plus the hidden figures module."""

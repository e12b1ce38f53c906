"""The examples of docs/jacobian.md, one file per shown block."""

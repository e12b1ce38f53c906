"""The examples of docs/determinant.md, one file per shown block; figures.py draws its figures."""

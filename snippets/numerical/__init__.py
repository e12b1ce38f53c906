"""The examples of docs/numerical.md, one file per shown block; figures.py draws its figure."""

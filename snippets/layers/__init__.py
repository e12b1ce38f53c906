"""The examples of docs/layers.md, one file per shown block."""

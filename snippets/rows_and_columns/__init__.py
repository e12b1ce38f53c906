"""The examples of docs/rows-and-columns.md, one file per shown block."""

"""The examples of docs/linear-map.md, one file per shown block; ``figures`` draws its figures."""

"""Build-time tables of the page "How this site is built" (docs/how-built.md)."""

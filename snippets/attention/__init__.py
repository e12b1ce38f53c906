"""Examples of the page "The Jacobian of attention" (docs/attention.md)."""

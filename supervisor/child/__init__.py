"""The child's own pages on the family tablet."""

"""Data files shipped with igny8 (the catalogue seed)."""

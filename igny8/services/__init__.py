"""Business rules: model resolution, catalogue rules, audit. Services own the commit."""

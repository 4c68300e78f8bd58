"""Business rules, one module per aggregate; every write ends in unit_of_work.py."""

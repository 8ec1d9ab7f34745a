"""One store interface (base.py) and its backends."""

"""backport: carry a Linux kernel fix to the other trees that need it."""
__version__ = "0.1.0"

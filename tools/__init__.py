"""Development tools run from the checkout, not installed with the package (``python -m tools.fuzz``)."""

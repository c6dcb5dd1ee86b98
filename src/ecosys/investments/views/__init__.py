"""Pages of the investments domain, one module per subject; every view calls the selectors and services."""

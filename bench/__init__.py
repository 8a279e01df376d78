"""Load benchmark for the app's busiest pages: ``python -m bench.run`` (see README.md)."""

"""Benchmarks (``make bench``); the settings and URLs here exist only for them."""

"""Benchmarks: quality, speed, scale. Run ``python -m benchmarks --help``."""

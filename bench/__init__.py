"""Benchmarks: each compares Dais with a baseline measured in the same run and prints a table."""

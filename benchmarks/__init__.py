"""Benchmarks: scripts that print figures to record, not tests (``./run bench`` runs them all)."""

"""Benchmarks of Tracker against the plain eventsourcing library."""

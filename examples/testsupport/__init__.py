"""Fixtures shared by the examples' tests: a real `cairn server` and a private PostgreSQL."""

"""Tooling that ships with the package because both the tests and `make demo` use it."""

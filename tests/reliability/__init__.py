"""Reliability tests: faults, storms, soak, secrets, TLS, fuzzing and bad input."""

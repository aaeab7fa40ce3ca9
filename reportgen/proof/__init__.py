"""Proof of a report: the embedded payload, `verify` and its checks, and verifiers' signatures."""

"""Telemetry: log configuration and the request id (`logs`), Prometheus metrics (`metrics`).

Imports nothing else of the package, so every layer may use it (contracts in pyproject.toml).
"""

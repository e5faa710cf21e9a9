"""Factories for every app's models. Each app adds its own module here (tests/factories/<app>.py)."""

"""The public-site benchmark's WSGI entry point: the same as bench/bare_hello_wsgi.py (Laurel, and at /bench/hello/
a bare Django view outside Laurel's middleware, the honest reference)."""

from bench.bare_hello_wsgi import HELLO, application

__all__ = ["HELLO", "application"]

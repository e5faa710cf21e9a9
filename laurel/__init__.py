"""Laurel: honor, mobilize and serve science and technology workers."""

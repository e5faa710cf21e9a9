from django.tasks import task

from laurel.news import viewcount


@task
def flush_view_counts() -> int:
    """Add the view counts waiting in the cache to the database (idempotent: counts move exactly once)."""
    return viewcount.flush_view_counts()

from django.tasks import task

from laurel.news import viewcount


@task
def flush_view_counts() -> int:
    """Add the view counts waiting in the cache to the database (idempotent: counts move exactly once)."""
    return viewcount.flush_view_counts()


@task
def rebuild_search_index() -> int:
    """Write the site search's index anew (idempotent): catches what no service announced, e.g. a renamed unit."""
    from laurel.news import search

    return search.rebuild()

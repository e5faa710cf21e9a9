from django.core.cache import cache

from laurel.core import pagecache


def test_a_page_read_once_is_served_from_the_process_until_the_version_changes():
    key = pagecache.page_key("/", "en")
    cache.set(key, pagecache.Page("first"))
    assert pagecache.get(key).html == "first"
    cache.set(key, pagecache.Page("second"))
    assert pagecache.get(key).html == "first"  # the process's copy, for at most LOCAL_SECONDS
    pagecache.invalidate()
    new_key = pagecache.page_key("/", "en")
    assert new_key != key
    assert pagecache.get(new_key) is None


def test_the_process_copy_expires(monkeypatch):
    key = pagecache.page_key("/", "zh-hans")
    cache.set(key, pagecache.Page("first"))
    assert pagecache.get(key).html == "first"
    cache.set(key, pagecache.Page("second"))
    real_monotonic = pagecache.time.monotonic
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: real_monotonic() + pagecache.LOCAL_SECONDS + 1)
    assert pagecache.get(key).html == "second"


def test_what_is_not_a_page_in_the_cache_is_a_miss():
    """An entry left by an earlier version of Laurel (a bare string) is not served."""
    key = pagecache.page_key("/", "en")
    cache.set(key, "<html>from before</html>")
    assert pagecache.get(key) is None


def test_the_query_string_never_makes_a_key_of_its_own():
    assert pagecache.page_key("/", "en") == pagecache.page_key("/", "en")
    assert "?" not in pagecache.page_key("/news/A1/", "en")

from django.core.cache import cache

from laurel.core import pagecache


def test_a_page_read_once_is_served_from_the_process_until_the_version_changes():
    key = pagecache.front_page_key("en")
    cache.set(key, "first")
    assert pagecache.get(key) == "first"
    cache.set(key, "second")
    assert pagecache.get(key) == "first"  # the process's copy, for at most LOCAL_SECONDS
    pagecache.invalidate()
    new_key = pagecache.front_page_key("en")
    assert new_key != key
    assert pagecache.get(new_key) is None


def test_the_process_copy_expires(monkeypatch):
    key = pagecache.front_page_key("zh-hans")
    cache.set(key, "first")
    assert pagecache.get(key) == "first"
    cache.set(key, "second")
    real_monotonic = pagecache.time.monotonic
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: real_monotonic() + pagecache.LOCAL_SECONDS + 1)
    assert pagecache.get(key) == "second"

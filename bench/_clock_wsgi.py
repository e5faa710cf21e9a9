"""The walkthrough benchmark's WSGI entry point: Laurel with a clock the benchmark can move forward.

A campaign waits for its nomination deadline and for the end of its public notice (days); a scripted run cannot.
`django.utils.timezone.now` is patched, before Django loads anything, to add the days written in the file named by
LAUREL_BENCH_CLOCK_FILE (read when it changes). Nothing else differs from production settings.
"""

import datetime
import os

from django.utils import timezone

_real_now = timezone.now
_clock_file = os.environ["LAUREL_BENCH_CLOCK_FILE"]
_cache = {"mtime": None, "offset": datetime.timedelta()}


def _now():
    try:
        mtime = os.stat(_clock_file).st_mtime_ns
    except OSError:
        return _real_now()
    if mtime != _cache["mtime"]:
        with open(_clock_file) as handle:
            _cache["offset"] = datetime.timedelta(days=float(handle.read().strip() or 0))
        _cache["mtime"] = mtime
    return _real_now() + _cache["offset"]


timezone.now = _now

from bench.bare_hello_wsgi import application  # noqa: E402  (after the patch: models take `timezone.now` then)

__all__ = ["application"]

import gc
import time
import warnings

import pytest


@pytest.fixture
def collect_live_server_connections():
    """The live server's keep-alive threads each open a SQLite connection that only the garbage collector
    closes, at a random later moment. Browser tests that meet this collect them here, after the browser context
    is closed, so their ResourceWarning cannot fail an unrelated test."""
    yield
    time.sleep(0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()

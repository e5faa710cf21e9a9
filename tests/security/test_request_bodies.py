"""A JSON body larger than any view reads is refused from its declared length, before a byte of it is read.

The NUL guard read every JSON body whole (up to DATA_UPLOAD_MAX_MEMORY_SIZE, 60 MB) before any view could refuse
it: a 20 MB body to /credentials/verify cost a worker 35 ms of CPU and 20 MB of memory, seven genuine
verifications, for a request the view then refused from its Content-Length."""

import io
import json

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import RequestFactory

from laurel.core.middleware import MAX_JSON_BODY_BYTES, RejectNullCharactersMiddleware


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the body was read")


def _declared_request(path: str, length: int, content_type: str = "application/json") -> WSGIRequest:
    environ = RequestFactory().post(path, HTTP_ACCEPT_LANGUAGE="en").environ
    environ.update({"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(length), "wsgi.input": UnreadableBody()})
    return WSGIRequest(environ)


@pytest.mark.parametrize("path", ["/credentials/verify", "/credentials/issue", "/api/v1/organizations"])
def test_json_body_larger_than_any_view_reads_is_refused_unread(path):
    reached = []
    middleware = RejectNullCharactersMiddleware(lambda request: reached.append(request) or HttpResponse())
    response = middleware(_declared_request(path, MAX_JSON_BODY_BYTES + 1))
    assert response.status_code == 413 and reached == []
    assert "larger than 1024 KB" in json.loads(response.content)["detail"]


def test_json_body_within_the_limit_is_still_scanned_for_nul(client, db):
    response = client.post(
        "/credentials/verify",
        b'{"verifiableCredential": {"name": "a\\u0000b"}}' + b" " * (MAX_JSON_BODY_BYTES - 100),
        content_type="application/json",
    )
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "请求正文大于 1024 KB"), ("en", "larger than 1024 KB")])
def test_large_json_body_is_refused_in_the_users_language(client, db, language, words):
    response = client.post(
        "/credentials/verify",
        b"{}" + b" " * MAX_JSON_BODY_BYTES,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 413 and words in response.json()["detail"]


def test_other_bodies_are_left_to_their_views(client, db):
    """A form or an upload is not JSON: its limits are DATA_UPLOAD_MAX_MEMORY_SIZE and the upload checks."""
    middleware = RejectNullCharactersMiddleware(lambda request: HttpResponse("reached"))
    request = _declared_request("/verify/", MAX_JSON_BODY_BYTES + 1, content_type="application/octet-stream")
    assert middleware(request).content == b"reached"

"""Media on S3-compatible object storage (LAUREL_STORAGE_URL), against a real S3 API server on this machine (moto's
server in its own process): random names under the two prefixes, private files only through short-lived presigned
links whose answer carries the type found in the bytes and the disposition, public files by plain URL."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import Http404

from laurel.core import health
from laurel.core.storage import serve_file
from laurel.env import env_storage_url
from tests.factories.honors import jpeg, pdf_bytes

pytestmark = pytest.mark.django_db
BUCKET = "laurel-media"
PUBLIC_READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/site/public/*",
            }
        ],
    }
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(endpoint, timeout=10)
                break
            except requests.RequestException:  # not listening yet, or too slow to answer on a loaded machine
                assert time.monotonic() < deadline and server.poll() is None, "the S3 server did not start"
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def object_storage(s3_server, settings, monkeypatch):
    monkeypatch.setenv(
        "LAUREL_STORAGE_URL",
        f"s3://test-key:test-secret@{BUCKET}/site?endpoint_url={s3_server}&region_name=us-east-1&addressing_style=path",
    )
    options = env_storage_url("LAUREL_STORAGE_URL")
    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    client.create_bucket(Bucket=BUCKET)
    # The operator's bucket policy (docs/deploy.md): anyone may read the public prefix, nothing else.
    client.put_bucket_policy(Bucket=BUCKET, Policy=PUBLIC_READ)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "laurel.core.objectstorage.S3PrivateStorage", "OPTIONS": options},
        "public": {"BACKEND": "laurel.core.objectstorage.S3PublicStorage", "OPTIONS": options},
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


class Stored:
    """What a model's FileField hands `serve_file`."""

    def __init__(self, storage, name):
        self.storage, self.name = storage, name

    def __bool__(self):
        return bool(self.name)


def test_files_get_random_names_under_the_private_and_public_prefixes(object_storage):
    private = storages["default"].save("nominations/evidence/my report.pdf", ContentFile(pdf_bytes()))
    public = storages["public"].save("news/covers/cover.jpg", jpeg())
    assert private.startswith("nominations/evidence/") and private.endswith(".pdf") and "report" not in private
    assert keys(object_storage) == sorted([f"site/private/{private}", f"site/public/{public}"])
    with pytest.raises(ValueError, match="no URL"):
        storages["default"].url(private)
    public_url = storages["public"].url(public)
    assert "X-Amz-Signature" not in public_url and f"/site/public/{public}" in public_url
    answer = requests.get(public_url, timeout=10)
    assert (answer.status_code, answer.content[:2]) == (200, b"\xff\xd8")
    # The same kind of plain address for a private file is refused by the storage itself.
    unsigned = public_url.replace(f"/site/public/{public}", f"/site/private/{private}")
    assert requests.get(unsigned, timeout=10).status_code == 403


def test_a_private_pdf_is_a_short_lived_download_of_its_real_type(object_storage, settings):
    settings.LAUREL_STORAGE_LINK_SECONDS = 60
    name = storages["default"].save("certificates/pdfs/x.pdf", ContentFile(pdf_bytes()))
    response = serve_file(Stored(storages["default"], name), filename="证书")
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store" and response["Referrer-Policy"] == "no-referrer"
    link = response["Location"]
    query = {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}
    assert query["X-Amz-Expires"] == "60" and "X-Amz-Signature" in query
    answer = requests.get(link, timeout=10)
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF-")
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%AF%81%E4%B9%A6.pdf" in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"] == "private, no-store"


def test_a_private_file_disguised_as_a_page_is_served_as_text_to_download(object_storage):
    name = storages["default"].save("imports/x.csv", ContentFile(b"<html><script>alert(1)</script></html>"))
    assert name.endswith(".txt")
    link = serve_file(Stored(storages["default"], name), filename="import")["Location"]
    answer = requests.get(link, timeout=10)
    assert answer.headers["Content-Type"] == "text/plain"
    assert answer.headers["Content-Disposition"].startswith("attachment;")


def test_a_private_photo_is_shown_inline_unless_asked_as_a_download(object_storage):
    name = storages["default"].save("people/photos/x.jpg", jpeg())
    inline = requests.get(serve_file(Stored(storages["default"], name), filename="photo")["Location"], timeout=10)
    assert inline.headers["Content-Type"] == "image/jpeg"
    assert inline.headers["Content-Disposition"].startswith("inline;")
    download = serve_file(Stored(storages["default"], name), filename="photo", download=True)["Location"]
    assert requests.get(download, timeout=10).headers["Content-Disposition"].startswith("attachment;")


def test_a_missing_private_object_is_not_found(object_storage):
    with pytest.raises(Http404):
        serve_file(Stored(storages["default"], "nominations/evidence/gone.pdf"), filename="gone")


def test_readyz_sees_the_object_storage(object_storage, monkeypatch):
    health.check_storage()
    object_storage.delete_bucket(Bucket=BUCKET)
    try:
        with pytest.raises(Exception):  # noqa: B017 (whatever boto3 raises for a missing bucket)
            health.check_storage()
    finally:
        object_storage.create_bucket(Bucket=BUCKET)


def test_a_malformed_storage_url_stops_laurel_at_start_up(monkeypatch):
    monkeypatch.setenv("LAUREL_STORAGE_URL", "https://bucket.example.org/")
    with pytest.raises(ImproperlyConfigured, match="s3://"):
        env_storage_url("LAUREL_STORAGE_URL")
    monkeypatch.setenv("LAUREL_STORAGE_URL", "s3://bucket/?endpoint=http://x")
    with pytest.raises(ImproperlyConfigured, match="unknown options: endpoint"):
        env_storage_url("LAUREL_STORAGE_URL")

"""The two media areas in S3-compatible object storage (django-storages), when LAUREL_STORAGE_URL is set.

`<prefix>private/`: no plain URL. `serve_file` (laurel/core/storage.py), after the view's permission check, reads the
object's first bytes with one ranged request to find its type, and answers with a redirect to a presigned link that
lives LAUREL_STORAGE_LINK_SECONDS and carries its own response headers: that type, a download unless an image,
never cached. The link is on the storage's origin, not Laurel's, so nothing in a file can act on Laurel's pages.
`<prefix>public/`: plain URLs (the bucket's policy lets anyone read this prefix).
Both keep the random names of `storage._RandomNames`.
"""

from botocore.exceptions import ClientError
from django.conf import settings
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from laurel.core.storage import HEAD_BYTES, _RandomNames


class _Area(_RandomNames, S3Storage):
    area = ""

    def __init__(self, *, prefix: str = "", **options):
        options.setdefault("signature_version", "s3v4")  # presigned links carry their lifetime (X-Amz-Expires)
        super().__init__(location=f"{prefix}{self.area}", file_overwrite=False, default_acl=None, **options)

    def ping(self) -> None:
        """Raise unless the bucket answers (for /readyz): a missing object is no error, a missing bucket is."""
        self.connection.meta.client.head_bucket(Bucket=self.bucket_name)


class S3PrivateStorage(_Area):
    area = "private"

    def __init__(self, **options):
        super().__init__(querystring_auth=True, querystring_expire=settings.LAUREL_STORAGE_LINK_SECONDS, **options)

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no URL; a view serves them after a permission check.")

    def presigned_url(self, name: str, *, parameters: dict) -> str:
        return S3Storage.url(self, name, parameters=parameters, expire=settings.LAUREL_STORAGE_LINK_SECONDS)

    def head(self, name: str) -> bytes:
        """The first bytes of a stored object, read with one ranged request (never the whole file)."""
        key = self._normalize_name(clean_name(name))
        try:
            response = self.bucket.Object(key).get(Range=f"bytes=0-{HEAD_BYTES - 1}")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "InvalidRange"}:
                raise FileNotFoundError(name) from None
            raise
        return response["Body"].read()


class S3PublicStorage(_Area):
    area = "public"

    def __init__(self, **options):
        super().__init__(querystring_auth=False, **options)

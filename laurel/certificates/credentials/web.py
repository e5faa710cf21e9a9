"""Other issuers over HTTPS: a `did:web` identifier's URL and a guarded fetch of a small JSON document.

A verifier that resolves `did:web` fetches a URL chosen by whoever wrote the credential, so the fetch is
guarded: HTTPS only, the certificate checked against the DID's host, no redirects, a deadline for the whole
exchange (name lookup included), a size cap, and only public addresses (a credential cannot make the server
read its own network: the address checked is the address connected to)."""

import functools
import http.client
import ipaddress
import json
import re
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import quote, unquote, urlsplit

ACCEPT = "application/did+ld+json, application/did+json, application/ld+json, application/json"
# A host name (labels of letters, digits and hyphens) with an optional port. Which addresses may be read is
# decided when the name is looked up, not here.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*(?::(?P<port>[0-9]{{1,5}}))?$")
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="did-web-lookup")


class WebError(ValueError):
    """The document could not be fetched or is not acceptable. `code` is a stable machine-readable reason:
    `unsupported_did` (not a well-formed did:web), `issuer_address_refused` (not a public address),
    `issuer_unreachable` (name lookup, connection, TLS, timeout or HTTP status), `issuer_document_invalid`
    (too large, not JSON, or not the document asked for)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code


def did_web_url(did: str) -> str:
    """The HTTPS URL of a `did:web` DID document, as the did:web method specifies:
    `did:web:example.com` -> `https://example.com/.well-known/did.json`,
    `did:web:example.com%3A3000:user:alice` -> `https://example.com:3000/user/alice/did.json`."""
    if not isinstance(did, str) or not did.startswith("did:web:") or "#" in did or "?" in did:
        raise WebError("unsupported_did", "not a did:web identifier")
    host, *path = did.removeprefix("did:web:").split(":")
    host = unquote(host).lower()
    match = _HOST.match(host)
    if not match or len(host) > 260 or int(match["port"] or 443) > 65535:
        raise WebError("unsupported_did", "the did:web host is not a domain name")
    segments = [unquote(segment) for segment in path]
    if any(not segment or segment in {".", ".."} or "/" in segment for segment in segments):
        raise WebError("unsupported_did", "the did:web path is malformed")
    if not segments:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/" + "/".join(quote(segment, safe="") for segment in segments) + "/did.json"


def _addresses(host: str, port: int, timeout: float) -> list[str]:
    """The host's addresses; getaddrinfo has no timeout of its own, so it runs in a small pool."""
    future = _LOOKUPS.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=timeout)
    except FutureTimeout as error:
        raise WebError("issuer_unreachable", f"looking up {host} took too long") from error
    except OSError as error:
        raise WebError("issuer_unreachable", f"{host} could not be looked up") from error
    return list(dict.fromkeys(info[4][0] for info in infos))


@functools.cache
def _system_context() -> ssl.SSLContext:
    """The system's certificate authorities, loaded once (an SSLContext is safe to share between threads)."""
    return ssl.create_default_context()


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global


def fetch_json(url: str, *, timeout: float, max_bytes: int, allow_private: bool = False, ssl_context=None):
    """GET `url` (HTTPS only) and return its parsed JSON. Raises WebError.

    `timeout` bounds the whole exchange. `allow_private` and `ssl_context` exist for tests that serve a
    document from this machine with their own certificate authority."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError as error:
        raise WebError("unsupported_did", "the address is malformed") from error
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        raise WebError("unsupported_did", "only https:// addresses are read")
    host, port = parts.hostname, parts.port or 443
    deadline = time.monotonic() + timeout
    addresses = _addresses(host, port, timeout)
    if not addresses:
        raise WebError("issuer_unreachable", f"{host} has no address")
    if not allow_private and not all(_public(address) for address in addresses):
        raise WebError("issuer_address_refused", f"{host} is not a public address")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    context = ssl_context or _system_context()
    last_error = None
    for address in addresses:
        if deadline - time.monotonic() <= 0:
            break
        connection = _PinnedHTTPSConnection(host, port, address=address, context=context, deadline=deadline)
        try:
            return _read(connection, path, host=parts.netloc, deadline=deadline, max_bytes=max_bytes)
        except WebError as error:
            if error.code != "issuer_unreachable":
                raise
            last_error = error
        finally:
            connection.close()
    raise last_error or WebError("issuer_unreachable", f"{host} did not answer in time")


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the address that was checked (a second lookup could answer differently) while the TLS
    certificate is checked against the host name."""

    def __init__(self, host, port, *, address, context, deadline):
        super().__init__(host, port, timeout=max(deadline - time.monotonic(), 0.001), context=context)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        try:
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _read(connection, path: str, *, host: str, deadline: float, max_bytes: int):
    try:
        connection.request(
            "GET", path, headers={"Host": host, "Accept": ACCEPT, "User-Agent": "Laurel credential verifier"}
        )
        sock = connection.sock  # the response may take it over (Connection: close)
        response = connection.getresponse()
    except (OSError, http.client.HTTPException) as error:
        raise WebError("issuer_unreachable", f"{host}: {type(error).__name__}") from error
    try:
        if response.status != 200:  # redirects included: they are not followed
            raise WebError("issuer_unreachable", f"{host} answered HTTP {response.status}")
        declared = response.getheader("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise WebError("issuer_document_invalid", f"the document is larger than {max_bytes} bytes")
        body = bytearray()
        try:
            while not response.isclosed():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WebError("issuer_unreachable", f"{host} did not answer in time")
                sock.settimeout(remaining)
                chunk = response.read1(8192)
                if not chunk:
                    break
                body += chunk
                if len(body) > max_bytes:
                    raise WebError("issuer_document_invalid", f"the document is larger than {max_bytes} bytes")
        except (OSError, http.client.HTTPException) as error:
            raise WebError("issuer_unreachable", f"{host}: {type(error).__name__}") from error
    finally:
        response.close()
    try:
        return json.loads(bytes(body).decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise WebError("issuer_document_invalid", "the document is not JSON") from error


def fetch_did_document(did: str, *, timeout: float, max_bytes: int = 64 * 1024, **options) -> dict:
    """The DID document of a `did:web` DID, checked to be about that DID."""
    document = fetch_json(did_web_url(did), timeout=timeout, max_bytes=max_bytes, **options)
    if not isinstance(document, dict) or document.get("id") != did:
        raise WebError("issuer_document_invalid", "the document is not the DID document of this DID")
    return document

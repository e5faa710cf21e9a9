"""The client's network address: the one function every per-address limit and record asks.

Behind a reverse proxy every request arrives from the proxy's address, so a per-address limit would make a
whole city share one allowance (and eleven wrong passwords would block everyone). Each trusted proxy appends
the address it received the request from to X-Forwarded-For, so with N trusted proxies the client is the N-th
entry from the right; everything left of it was written by the client and proves nothing. With N = 0 (the
default: Laurel serves the internet directly) the header is ignored, since anyone can send it.
"""

import functools
import ipaddress

from django.conf import settings

UNKNOWN = "unknown"  # no usable address (e.g. a Unix socket without a proxy): such requests share one allowance
IPV6_BLOCK = 64  # one IPv6 subscriber usually holds a whole /64, so per-address limits count the /64


@functools.lru_cache(maxsize=4096)  # a pure function of its text; every request asks it once or twice
def parse_address(text: str) -> str | None:
    """A normalized IP address from `text` ("203.0.113.7", "[2001:db8::1]:443", "203.0.113.7:5678"), or None."""
    text = text.strip()
    if text.startswith("["):  # [IPv6]:port
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4:port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_address(request) -> str:
    """The address of the client that sent `request`, trusting settings.LAUREL_TRUSTED_PROXIES proxy hops."""
    peer = parse_address(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    hops = settings.LAUREL_TRUSTED_PROXIES
    if hops == 0:
        return peer
    entries = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(entries) < hops:
        # The request did not pass through all the trusted proxies (a health check on the host, a misconfigured
        # proxy): the peer is the best address there is, and the client cannot choose it.
        return peer
    return parse_address(entries[-hops]) or peer


def address_block(address: str) -> str:
    """What a per-address limit counts: the IPv4 address itself, or the IPv6 address's /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_BLOCK}", strict=False))
    return str(parsed)

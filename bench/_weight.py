"""A page's weight on first load, as a browser with an empty cache fetches it at a given window width (not a
benchmark: `make bench` skips `bench/_*.py`).

The HTML is fetched from the running site; each stylesheet, script, icon and picture it names is fetched too, with
`Accept-Encoding: gzip, br` as a browser sends it. For a picture with `srcset`/`sizes` the candidate a browser picks
at that width (device pixel ratio 1) is counted: the first `sizes` entry whose media condition holds gives the slot,
the narrowest candidate at least as wide as the slot is taken. Lazy pictures are counted too (an upper bound: a
browser would defer those far below the fold). Files of the public media area are read from the data folder, where
the web server (Caddy) serves them from in production.
"""

import re
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlparse

from lxml import html as lxml_html

HEADERS = {"Accept-Encoding": "gzip, br", "Accept-Language": "zh-CN,zh;q=0.9", "User-Agent": "Mozilla/5.0 bench"}


def _fetch(url: str) -> int:
    request = urllib.request.Request(url, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=30) as response:
        return len(response.read())


def _slot(sizes: str, width: int) -> int:
    for entry in (part.strip() for part in sizes.split(",")):
        match = re.match(r"\((max|min)-width:\s*(\d+)px\)\s+(.+)", entry)
        if match:
            bound, limit, length = match.group(1), int(match.group(2)), match.group(3)
            if (bound == "max" and width > limit) or (bound == "min" and width < limit):
                continue
        else:
            length = entry
        length = length.strip()
        if length.endswith("vw"):
            return round(width * float(length[:-2]) / 100)
        return int(float(length.rstrip("px")))
    return width


def chosen_source(image, width: int) -> str:
    srcset, sizes = image.get("srcset"), image.get("sizes", "100vw")
    if not srcset:
        return image.get("src", "")
    slot = _slot(sizes, width)
    candidates = sorted(
        (int(descriptor[:-1]), url)
        for url, descriptor in (item.strip().rsplit(" ", 1) for item in srcset.split(","))
        if descriptor.endswith("w")
    )
    for candidate_width, url in candidates:
        if candidate_width >= slot:
            return url
    return candidates[-1][1]


def page_weight(base: str, path: str, *, media_root: Path, width: int = 1280) -> dict:
    """Bytes by kind (html, css, js, images, icon) and the list of what was counted."""
    url = base + path
    request = urllib.request.Request(url, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    weights = {"html": len(body), "css": 0, "js": 0, "images": 0, "icon": 0}
    counted = [("html", path, len(body))]
    tree = lxml_html.fromstring(body)
    resources = [("css", link.get("href")) for link in tree.xpath("//link[@rel='stylesheet']")]
    resources += [("icon", link.get("href")) for link in tree.xpath("//link[@rel='icon']")]
    resources += [("js", script.get("src")) for script in tree.xpath("//script[@src]")]
    resources += [("images", chosen_source(image, width)) for image in tree.xpath("//img")]
    seen = set()
    for kind, reference in resources:
        if not reference or reference.startswith("data:") or reference in seen:
            continue
        seen.add(reference)
        target = urlparse(urljoin(url, reference))
        if target.path.startswith("/media/public/"):
            size = (media_root / "public" / target.path.removeprefix("/media/public/")).stat().st_size
        else:
            size = _fetch(urljoin(url, reference))
        weights[kind] += size
        counted.append((kind, reference, size))
    weights["total"] = sum(value for key, value in weights.items() if key != "total")
    return {"weights": weights, "counted": counted}

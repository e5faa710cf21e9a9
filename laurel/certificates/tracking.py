"""The heading's letter spacing written as the PDF's character spacing (Tc), so 荣誉证书 reads as one word.

Typst writes tracking as a positioning offset after every glyph of a TJ array. Text extractors (pypdf, the text
layer of browsers' PDF viewers, search in readers) take an offset wider than about a tenth of an em for a word gap,
so a spaced-out 荣誉证书 came out as 「荣 誉 证 书」: a search for 荣誉证书 missed the certificate. The PDF's own
tracking operator, Tc, draws the same thing and counts as part of each glyph's advance. The heading's runs (found
by their font size: nothing else on a certificate is set as large as the smallest heading) are rewritten so, and the new page content is
appended as an incremental update: the bytes typst wrote stay as they were, and the attachment with them.
"""

import re
import zlib

_PAGE_CONTENTS = re.compile(rb"/Type/Page/[^>]*?/Contents (\d+) 0 R")
_STRING = rb"\((?:\\.|[^\\)])*\)"
_NUMBER = rb"-?\d+(?:\.\d+)?"
# `/f0 44 Tf 1 0 0 -1 0 0 Tm[(..)-500(..)-500(..)]TJ`: one font size, then a TJ array of glyphs and offsets
_RUN = re.compile(
    rb"(/\w+ (" + _NUMBER + rb") Tf[^\[]*?)\[((?:" + _STRING + rb"\s*" + _NUMBER + rb"\s*)+" + _STRING + rb")\]TJ"
)
_OFFSET = re.compile(rb"(?<=\))\s*(" + _NUMBER + rb")\s*(?=\()")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)


def _rewrite_runs(content: bytes, min_size: float) -> bytes:
    def replace(match: re.Match) -> bytes:
        prefix, size, array = match.group(1), float(match.group(2)), match.group(3)
        offsets = {float(value) for value in _OFFSET.findall(array)}
        # Only the heading (its size) with one offset after every glyph: a kerned Latin run is left alone
        if size < min_size or len(offsets) != 1 or (offset := offsets.pop()) >= 0:
            return match.group(0)
        spacing = -offset / 1000 * size  # an offset is in thousandths of an em; Tc in text space units
        glyphs = _OFFSET.sub(b"", array)
        return prefix + b" %.4f Tc[" % spacing + glyphs + b"]TJ 0 Tc"

    return _RUN.sub(replace, content)


def as_character_spacing(document: bytes, *, min_size: float) -> bytes:
    """`document` with its heading's runs (set in `min_size` points or more) spaced by Tc instead of TJ offsets.
    Returns `document` unchanged when it holds no such run or is not laid out as typst writes PDFs."""
    page = _PAGE_CONTENTS.search(document)
    trailer = _TRAILER.search(document[-1024:])
    if page is None or trailer is None:
        return document
    number = int(page.group(1))
    header = re.compile(rb"\n%d 0 obj\s*<</Length (\d+)/Filter/FlateDecode>>\s*stream\r?\n" % number)
    found = header.search(document)
    if found is None:
        return document
    start = found.end()
    stream = document[start : start + int(found.group(1))]
    try:
        content = zlib.decompress(stream)
    except zlib.error:
        return document
    rewritten = _rewrite_runs(content, min_size)
    if rewritten == content:
        return document
    data = zlib.compress(rewritten, 6)
    offset = len(document) + 1
    body = b"\n%d 0 obj\n<</Length %d/Filter/FlateDecode>>\nstream\n" % (number, len(data)) + data
    body += b"\nendstream\nendobj\n"
    xref = len(document) + len(body)
    entries = trailer.group(1)
    update = b"xref\n%d 1\n%010d 00000 n\r\ntrailer\n<<%s/Prev %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        number, offset, entries, trailer.group(2), xref,
    )  # fmt: skip
    return document + body + update

"""The JSON Canonicalization Scheme (RFC 8785), which the `eddsa-jcs-2022` cryptosuite signs.

Object members sorted by their names' UTF-16 code units; strings with only the escapes JSON requires, in their
short forms where there is one; numbers as ECMAScript's Number.prototype.toString writes them (the shortest form
that reads back as the same double, in a fixed layout); no whitespace. Called on JSON that limits.check_structure
has bounded, so the recursion is at most limits.MAX_DEPTH deep."""

import math
from decimal import Decimal

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


class NotCanonicalizable(ValueError):
    """A value JSON has no place for in I-JSON (RFC 7493): NaN, an infinity, a number beyond a double, a lone
    surrogate, a key that is not a string."""


def canonicalize(value) -> str:
    return "".join(_serialize(value))


def _serialize(value):
    if value is None:
        yield "null"
    elif value is True:
        yield "true"
    elif value is False:
        yield "false"
    elif isinstance(value, str):
        yield _string(value)
    elif isinstance(value, (int, float)):
        yield _number(value)
    elif isinstance(value, list):
        yield "["
        for index, item in enumerate(value):
            if index:
                yield ","
            yield from _serialize(item)
        yield "]"
    elif isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise NotCanonicalizable("an object key is not a string")
        yield "{"
        for index, key in enumerate(sorted(value, key=_utf16)):
            if index:
                yield ","
            yield _string(key)
            yield ":"
            yield from _serialize(value[key])
        yield "}"
    else:
        raise NotCanonicalizable(f"not a JSON value: {type(value).__name__}")


def _utf16(key: str) -> bytes:
    # Big-endian UTF-16 bytes compare as the code units do (RFC 8785 section 3.2.3).
    return _encode_utf16(key)


def _encode_utf16(text: str) -> bytes:
    try:
        return text.encode("utf-16-be")
    except UnicodeEncodeError as error:  # a lone surrogate, which json.loads lets through from "\ud800"
        raise NotCanonicalizable("a string holds a lone surrogate") from error


def _string(text: str) -> str:
    _encode_utf16(text)
    out = ['"']
    for char in text:
        escaped = _SHORT_ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif char < " ":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _number(number) -> str:
    try:
        value = float(number)
    except OverflowError as error:
        raise NotCanonicalizable("a number beyond the range of a double") from error
    if math.isnan(value) or math.isinf(value):
        raise NotCanonicalizable("NaN or an infinity")
    if value == 0:
        return "0"  # -0 too
    sign = "-" if value < 0 else ""
    # repr is the shortest decimal that reads back as the same double, which is what ECMAScript prints.
    _sign, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # the value is 0.digits x 10^n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"

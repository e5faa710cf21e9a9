"""Read the OpenReview matcher's CSV files (`item,expert,value` rows) with numpy, block by block. No Django.

Why not the `csv` module: one Python tuple per row made a 20-million-row file (10,000 x 2,000) take 6.85 GB
and most of the command's time. Here the file is read in blocks of BLOCK_BYTES; each block becomes arrays
of line and comma positions; names become integer codes through a 64-bit hash of their bytes (every row is
then compared byte for byte with its code's first spelling, so a hash collision cannot merge two names);
numbers of up to 15 significant digits without an exponent are parsed by vectorised arithmetic, which is
exact (an integer below 2^53 divided by a power of ten below 10^23 is one correctly rounded division), and
anything else goes through Python's `float`. The rows are kept as three flat arrays (16 bytes a row).

Every problem is a `FileProblem` carrying one `Reason` (path, line, what is wrong), never a traceback:
unreadable file, not UTF-8, a field longer than the limits below, a wrong number of fields, a value that is
not a number. Fields may be quoted ("a","b","0.5"); a file with quotes is read by the `csv` module instead,
with the same limits and reasons.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np

from laurel.assignment.problem import AssignmentError, Reason

BLOCK_BYTES = 1 << 25  # 32 MB read at a time: bounds the memory of the parse, whatever the file's size
NAME_LIMIT = 1000  # characters in an item or expert name (OpenReview ids are ~30)
NUMBER_LIMIT = 64  # characters in a score
NUMBER_WIDTH = 24  # characters of a score parsed by vectorised arithmetic ...
FAST_DIGITS = 15  # significant digits parsed by vectorised arithmetic (exact below 2^53)
POWERS = 10.0 ** np.arange(NUMBER_WIDTH + 1)  # exact up to 10^22
SPACES = b" \t\x0b\x0c\x1c\x1d\x1e\x1f"  # stripped around fields: the ASCII whitespace of str.strip
IS_SPACE = np.zeros(256, dtype=bool)
IS_SPACE[list(SPACES)] = True
MIX = np.uint64(0x9E3779B97F4A7C15)


class FileProblem(AssignmentError):
    """An input file cannot be read as asked; `reasons` holds one `Reason`."""


def _problem(code: str, template: str, **params) -> FileProblem:
    return FileProblem([Reason(code, template, params)])


def _shown(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return text if len(text) <= 40 else text[:40] + "..."


@dataclass
class Names:
    """Names in order of first appearance, with their codes; looked up by a 64-bit hash of their bytes."""

    spellings: list[bytes] = field(default_factory=list)
    hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))  # sorted
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # code of each sorted hash
    exact: dict[bytes, int] | None = None  # after a hash collision: a plain dictionary from then on

    def __len__(self) -> int:
        return len(self.spellings)

    def texts(self) -> list[str]:
        """The names as text (every block was checked to be UTF-8 before its names were taken)."""
        return [spelling.decode("utf-8") for spelling in self.spellings]

    def code_of(self, spelling: bytes) -> int:
        """The exact, slow path: a hash collision (never seen in practice), or a file read by the csv module."""
        if self.exact is None:
            self.exact = {known: code for code, known in enumerate(self.spellings)}
        code = self.exact.get(spelling)
        if code is None:
            code = self.exact[spelling] = len(self.spellings)
            self.spellings.append(spelling)
        return code


@dataclass
class Triples:
    """The rows of a file: item code, expert code and value per row, the names, and each row's line number."""

    items: np.ndarray
    experts: np.ndarray
    values: np.ndarray
    lines: np.ndarray
    item_names: Names
    expert_names: Names


def _gather(buffer: np.ndarray, starts: np.ndarray, lengths: np.ndarray, width: int) -> np.ndarray:
    """rows x width byte matrix of the fields, zero-padded. Rows are copied whole from a sliding-window view
    of the buffer (one short copy per row, not one gather per byte); `buffer` ends with `width` spare bytes."""
    windows = np.lib.stride_tricks.sliding_window_view(buffer, width)
    matrix = windows[starts]
    matrix[np.arange(width)[None, :] >= lengths[:, None]] = 0
    return matrix


def _hash(matrix: np.ndarray) -> np.ndarray:
    words = matrix.view(np.uint64)
    value = np.full(len(matrix), 0x243F6A8885A308D3, dtype=np.uint64)
    for column in range(words.shape[1]):
        value ^= words[:, column]
        value *= MIX
        value ^= value >> np.uint64(31)
    return value


def _codes(names: Names, buffer: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The code of every field (new names get the next codes, in order of first appearance)."""
    width = max(8, -(-int(lengths.max(initial=0)) // 8) * 8)
    matrix = _gather(buffer, starts, lengths, width)
    if names.exact is None:
        hashes = _hash(matrix)
        # A hash table finds the distinct hashes (few: names repeat), a binary search maps rows onto them.
        unique = np.sort(np.unique(hashes, sorted=False))
        inverse = np.searchsorted(unique, hashes)
        first = np.empty(len(unique), dtype=np.int64)
        first[inverse[::-1]] = np.arange(len(hashes) - 1, -1, -1)  # the last write is each hash's first row
        position = np.minimum(np.searchsorted(names.hashes, unique), max(len(names.hashes) - 1, 0))
        known = names.hashes[position] == unique if len(names.hashes) else np.zeros(len(unique), dtype=bool)
        unique_codes = np.where(known, names.codes[position] if len(names.codes) else 0, -1)
        # Same hash, same bytes: every row against its hash's first row, and known hashes against their name.
        same = np.array_equal(matrix, matrix[first[inverse]]) and all(
            bytes(matrix[first[index], : lengths[first[index]]]) == names.spellings[unique_codes[index]]
            for index in np.flatnonzero(known).tolist()
        )
        if same:
            fresh = np.flatnonzero(~known)
            fresh = fresh[np.argsort(first[fresh], kind="stable")]  # in order of first appearance
            unique_codes[fresh] = len(names.spellings) + np.arange(len(fresh))
            names.spellings.extend(bytes(matrix[first[index], : lengths[first[index]]]) for index in fresh.tolist())
            merged_hashes = np.concatenate([names.hashes, unique[fresh]])
            merged_codes = np.concatenate([names.codes, unique_codes[fresh]])
            order = np.argsort(merged_hashes, kind="stable")
            names.hashes, names.codes = merged_hashes[order], merged_codes[order]
            return unique_codes[inverse]
    rows = (bytes(row[:length]) for row, length in zip(matrix, lengths.tolist(), strict=True))
    return np.fromiter((names.code_of(spelling) for spelling in rows), dtype=np.int64, count=len(matrix))


def _numbers(buffer: np.ndarray, starts: np.ndarray, lengths: np.ndarray, lines: np.ndarray, path: str) -> np.ndarray:
    """Parse the fields as float64, vectorised for plain decimals, Python's `float` for the rest."""
    values = np.zeros(len(starts), dtype=np.float64)
    short = lengths <= NUMBER_WIDTH
    slow = ~short
    if short.any():
        rows = np.flatnonzero(short)
        width = max(1, int(lengths[rows].max()))
        # One row per character position (contiguous), zero past each field's end (a block has no NUL byte).
        columns = np.ascontiguousarray(_gather(buffer, starts[rows], lengths[rows], width).T)
        digit_value = columns - np.uint8(48)  # wraps around for bytes below "0"
        is_digit = digit_value <= 9
        is_dot = columns == 46
        stray = ~(is_digit | is_dot) & (columns != 0)
        negative = columns[0] == 45
        stray[0] &= ~(negative | (columns[0] == 43))
        digits = np.count_nonzero(is_digit, axis=0)
        plain = ~stray.any(axis=0) & (np.count_nonzero(is_dot, axis=0) <= 1) & (digits >= 1) & (digits <= FAST_DIGITS)
        mantissa = np.zeros(len(rows), dtype=np.float64)  # whole numbers below 2^53: every step exact
        decimals = np.zeros(len(rows), dtype=np.int64)
        after_dot = np.zeros(len(rows), dtype=bool)
        for position in range(width):
            mantissa = np.where(is_digit[position], mantissa * 10 + digit_value[position], mantissa)
            decimals += is_digit[position] & after_dot
            after_dot |= is_dot[position]
        parsed = mantissa / POWERS[decimals]  # one correctly rounded division: the nearest double
        parsed[negative] *= -1
        values[rows[plain]] = parsed[plain]
        slow[rows[~plain]] = True
    for row in np.flatnonzero(slow).tolist():
        raw = bytes(buffer[starts[row] : starts[row] + lengths[row]])
        try:
            if lengths[row] > NUMBER_LIMIT:
                raise ValueError
            values[row] = float(raw)
        except ValueError:
            raise _problem(
                "not_a_number",
                "%(path)s line %(line)d: %(value)s is not a number.",
                path=path,
                line=int(lines[row]),
                value=_shown(raw),
            ) from None
    return values


def _strip(buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move field bounds past ASCII whitespace (as `str.strip` did for the csv reader)."""
    starts, ends = starts.copy(), ends.copy()
    while True:
        move = (starts < ends) & IS_SPACE[buffer[starts]]
        if not move.any():
            break
        starts[move] += 1
    while True:
        move = (starts < ends) & IS_SPACE[buffer[ends - 1]]
        if not move.any():
            break
        ends[move] -= 1
    return starts, ends


class _Quoted(Exception):
    """The file has quoted fields: read it with the csv module."""


def _check_text(block: bytes, path: str, first_line: int) -> None:
    if b"\0" in block:
        line = first_line + block[: block.index(b"\0")].count(b"\n")
        raise _problem("file_not_utf8", "%(path)s is not UTF-8 text (line %(line)d).", path=path, line=line)
    if not block.isascii():
        try:
            block.decode("utf-8")
        except UnicodeDecodeError as error:
            line = first_line + block[: error.start].count(b"\n")
            raise _problem(
                "file_not_utf8", "%(path)s is not UTF-8 text (line %(line)d).", path=path, line=line
            ) from None


def _parse_block(block: bytes, first_line: int, path: str, items: Names, experts: Names, wrong_columns: Reason):
    """(item codes, expert codes, values, line numbers) of one block of whole lines."""
    _check_text(block, path, first_line)
    if b'"' in block:
        raise _Quoted
    # Spare bytes after the block, so that every field's fixed-width window stays inside the buffer.
    buffer = np.frombuffer(block + bytes(max(NAME_LIMIT, NUMBER_WIDTH) + 8), dtype=np.uint8)
    newlines = np.flatnonzero(buffer[: len(block)] == 10)
    ends = newlines.copy()
    starts = np.concatenate([[0], newlines[:-1] + 1]).astype(np.int64)
    carriage = (ends > starts) & (buffer[np.maximum(ends - 1, 0)] == 13)
    ends[carriage] -= 1
    line_numbers = first_line + np.arange(len(starts))
    commas = np.flatnonzero(buffer[: len(block)] == 44)
    # The usual file: exactly two commas on every line. Then the k-th pair of commas is the k-th line's.
    if len(commas) == 2 * len(starts) and (
        not len(starts) or (np.all(commas[0::2] >= starts) and np.all(commas[1::2] < ends))
    ):
        comma_one, comma_two = commas[0::2], commas[1::2]
    else:
        counts = np.bincount(np.searchsorted(newlines, commas), minlength=len(starts))
        keep = counts == 2
        for index in np.flatnonzero(~keep).tolist():
            # Blank lines (nothing but spaces, tabs and commas) are skipped, as the csv reader skipped them.
            if block[starts[index] : ends[index]].strip(SPACES + b"\r,"):
                line = int(line_numbers[index])
                raise FileProblem([Reason(wrong_columns.code, wrong_columns.template, {"path": path, "line": line})])
        starts, ends, line_numbers = starts[keep], ends[keep], line_numbers[keep]
        first_comma = np.searchsorted(commas, starts)
        comma_one, comma_two = commas[first_comma], commas[first_comma + 1]
    if not any(space in block for space in SPACES):
        strip = lambda buffer, starts, ends: (starts, ends)  # noqa: E731 (nothing to strip in this block)
    else:
        strip = _strip
    item_start, item_end = strip(buffer, starts, comma_one)
    expert_start, expert_end = strip(buffer, comma_one + 1, comma_two)
    value_start, value_end = strip(buffer, comma_two + 1, ends)
    blank = (item_start == item_end) & (expert_start == expert_end) & (value_start == value_end)
    if blank.any():
        keep = ~blank
        item_start, item_end, expert_start, expert_end = (
            item_start[keep],
            item_end[keep],
            expert_start[keep],
            expert_end[keep],
        )
        value_start, value_end, line_numbers = value_start[keep], value_end[keep], line_numbers[keep]
    for start, end in ((item_start, item_end), (expert_start, expert_end)):
        long = (end - start) > NAME_LIMIT
        if long.any():
            raise _problem(
                "field_too_long",
                "%(path)s line %(line)d: a field is longer than %(limit)d characters.",
                path=path,
                line=int(line_numbers[np.argmax(long)]),
                limit=NAME_LIMIT,
            )
    values = _numbers(buffer, value_start, value_end - value_start, line_numbers, path)
    item_codes = _codes(items, buffer, item_start, item_end - item_start)
    expert_codes = _codes(experts, buffer, expert_start, expert_end - expert_start)
    return item_codes, expert_codes, values, line_numbers


def _blocks(path: str):
    """(bytes of whole lines, number of the first line) for each block of the file."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the `with` below; open's own errors are a reason)
    except OSError as error:
        raise _problem(
            "file_unreadable", "Cannot read %(path)s: %(error)s.", path=path, error=error.strerror or str(error)
        ) from None
    with handle:
        carry, line = b"", 1
        first = True
        while True:
            try:
                chunk = handle.read(BLOCK_BYTES)
            except OSError as error:
                raise _problem(
                    "file_unreadable", "Cannot read %(path)s: %(error)s.", path=path, error=error.strerror or str(error)
                ) from None
            if first and chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
            first = False
            if not chunk:
                if carry:
                    yield carry + b"\n", line
                return
            data = carry + chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                if len(data) > BLOCK_BYTES + NAME_LIMIT * 3:
                    raise _problem(
                        "field_too_long",
                        "%(path)s line %(line)d: a field is longer than %(limit)d characters.",
                        path=path,
                        line=line,
                        limit=NAME_LIMIT,
                    )
                carry = data
                continue
            block, carry = data[:cut], data[cut:]
            yield block, line
            line += block.count(b"\n")


def read_triples(path: str, wrong_columns: Reason) -> Triples:
    """Every non-blank row of `path` as codes and values. `wrong_columns` is the reason for a row without
    exactly three fields (its template gets `path` and `line`)."""
    items, experts = Names(), Names()
    parts: list[tuple] = []
    try:
        for block, line in _blocks(path):
            parts.append(_parse_block(block, line, path, items, experts, wrong_columns))
    except _Quoted:
        return _read_with_csv(path, wrong_columns)
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Triples(empty, empty, np.zeros(0), empty, items, experts)
    item_codes, expert_codes, values, lines = (np.concatenate(column) for column in zip(*parts, strict=True))
    return Triples(
        item_codes.astype(np.int32), expert_codes.astype(np.int32), values, lines.astype(np.int64), items, experts
    )


def _read_with_csv(path: str, wrong_columns: Reason) -> Triples:
    """Quoted files: the csv module, row by row, with the same limits (rare: OpenReview writes no quotes)."""
    csv.field_size_limit(max(NAME_LIMIT, NUMBER_LIMIT) + 2)
    items, experts = Names(), Names()
    item_codes, expert_codes, values, lines = [], [], [], []
    for block, first_line in _blocks(path):
        _check_text(block, path, first_line)
        reader = csv.reader(io.StringIO(block.decode("utf-8")))
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:
                raise _problem(
                    "field_too_long",
                    "%(path)s line %(line)d: a field is longer than %(limit)d characters.",
                    path=path,
                    line=first_line + reader.line_num - 1,
                    limit=NAME_LIMIT,
                ) from None
            line = first_line + reader.line_num - 1
            if not row or not "".join(row).strip():
                continue
            if len(row) != 3:
                raise FileProblem([Reason(wrong_columns.code, wrong_columns.template, {"path": path, "line": line})])
            item, expert, value = (cell.strip() for cell in row)
            if len(item) > NAME_LIMIT or len(expert) > NAME_LIMIT:
                raise _problem(
                    "field_too_long",
                    "%(path)s line %(line)d: a field is longer than %(limit)d characters.",
                    path=path,
                    line=line,
                    limit=NAME_LIMIT,
                )
            try:
                if len(value) > NUMBER_LIMIT:
                    raise ValueError
                values.append(float(value))
            except ValueError:
                raise _problem(
                    "not_a_number",
                    "%(path)s line %(line)d: %(value)s is not a number.",
                    path=path,
                    line=line,
                    value=_shown(value.encode()),
                ) from None
            item_codes.append(items.code_of(item.encode()))
            expert_codes.append(experts.code_of(expert.encode()))
            lines.append(line)
    return Triples(
        np.array(item_codes, dtype=np.int32),
        np.array(expert_codes, dtype=np.int32),
        np.array(values, dtype=np.float64),
        np.array(lines, dtype=np.int64),
        items,
        experts,
    )

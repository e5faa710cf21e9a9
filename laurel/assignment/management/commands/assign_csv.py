"""Solve an assignment from the OpenReview matcher's CSV files and write `item,expert` rows.

Every input problem ends in one line naming the file, the line and what is wrong (never a traceback): the
files are read by `laurel.assignment.csvfiles`, the matrix is sized against the memory there is before it
is allocated, and running out of memory anyway is said in one line too. Nothing is written unless the
whole assignment is: the output goes to a temporary file beside `--out`, renamed at the end.
"""

import csv
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from laurel.assignment.csvfiles import Triples, read_triples
from laurel.assignment.problem import AssignmentError, Problem, Reason
from laurel.assignment.solver import solve
from laurel.assignment.texts import translate_reason

# Bytes the solver needs per items x experts cell of a dense problem, beyond the matrix itself (the
# candidate mask, the pruning masks and chunked work arrays), measured on 10,000 x 2,000.
DENSE_BYTES_PER_CELL = 8 + 4


def _refuse(*reasons: Reason) -> CommandError:
    return CommandError("\n".join(translate_reason(reason) for reason in reasons))


def _line_reason(code: str, template: str, path: str, line: int, **params) -> Reason:
    return Reason(code, template, {"path": path, "line": int(line), **params})


def available_memory() -> int | None:
    """Bytes this process may still allocate: the lower of the address-space limit and the free memory."""
    limits = []
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limits.append(soft - resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for row in handle:
                if row.startswith("MemAvailable:"):
                    limits.append(int(row.split()[1]) * 1024)
    except OSError:
        pass
    return min(limits) if limits else None


def _first_duplicate(codes: np.ndarray, cells: int) -> tuple[int, int] | None:
    """(first row, repeating row) of the first pair listed twice, or None."""
    if cells <= 4 * len(codes) + (1 << 24):
        owner = np.full(cells, -1, dtype=np.int64 if len(codes) >= 2**31 else np.int32)
        owner[codes] = np.arange(len(codes))
        repeated = owner[codes] != np.arange(len(codes))
        if not repeated.any():
            return None
        row = int(np.argmax(repeated))
        return row, int(owner[codes[row]])
    order = np.argsort(codes, kind="stable")
    same = np.flatnonzero(codes[order][1:] == codes[order][:-1])
    if not len(same):
        return None
    first = order[same]
    return int(first.min()), int(order[same[np.argmin(first)] + 1])


def affinity_matrix(triples: Triples, path: str, missing: str):
    """Items x experts: dense (pairs not listed score 0) or, with missing="forbid", sparse (only listed
    pairs are candidates, the OpenReview matcher's default for pairs without a score)."""
    values, lines = triples.values, triples.lines
    bad = ~np.isfinite(values)
    if bad.any():
        line = lines[np.argmax(bad)]
        raise _refuse(
            _line_reason("score_not_finite", "%(path)s line %(line)d: the score is not a finite number.", path, line)
        )
    bad = values < 0
    if bad.any():
        line = lines[np.argmax(bad)]
        raise _refuse(_line_reason("score_negative", "%(path)s line %(line)d: the score is negative.", path, line))
    n_items, n_experts = len(triples.item_names), len(triples.expert_names)
    codes = triples.items.astype(np.int64) * n_experts + triples.experts
    duplicate = _first_duplicate(codes, n_items * n_experts)
    if duplicate is not None:
        first, again = duplicate
        raise _refuse(
            _line_reason(
                "pair_repeated",
                "%(path)s line %(line)d: the pair %(item)s,%(expert)s appears twice.",
                path,
                lines[again],
                item=triples.item_names.spellings[triples.items[first]].decode("utf-8", "replace"),
                expert=triples.expert_names.spellings[triples.experts[first]].decode("utf-8", "replace"),
            )
        )
    del codes
    if missing == "forbid":
        return sp.csr_array((values, (triples.items, triples.experts)), shape=(n_items, n_experts))
    need = n_items * n_experts * DENSE_BYTES_PER_CELL
    free = available_memory()
    if free is not None and need > free:
        raise _refuse(
            Reason(
                "matrix_too_big",
                "%(items)d items x %(experts)d experts need about %(need)d MB of memory, more than the "
                "%(free)d MB available; with --missing forbid only the listed pairs are kept.",
                {"items": n_items, "experts": n_experts, "need": need >> 20, "free": free >> 20},
            )
        )
    affinity = np.zeros((n_items, n_experts), dtype=np.float64)
    affinity[triples.items, triples.experts] = values
    return affinity


def read_affinity(path: str, missing: str = "zero"):
    triples = read_triples(path, Reason("affinity_columns", "%(path)s line %(line)d: expected item,expert,score.", {}))
    if not len(triples.values):
        raise _refuse(Reason("file_empty", "%(path)s has no rows.", {"path": path}))
    item_names, expert_names = triples.item_names.texts(), triples.expert_names.texts()
    return affinity_matrix(triples, path, missing), item_names, expert_names


def read_constraints(path: str, items: list[str], experts: list[str]):
    """(conflict pairs, forced pairs) as index arrays. Values as the OpenReview matcher takes them: -1 (or
    -1.0) a conflict, 1 a forced pair, 0 no constraint."""
    triples = read_triples(
        path,
        Reason("constraint_columns", "%(path)s line %(line)d: expected item,expert,-1 or item,expert,1.", {}),
    )
    item_index = {name: index for index, name in enumerate(items)}
    expert_index = {name: index for index, name in enumerate(experts)}
    item_names, expert_names = triples.item_names.texts(), triples.expert_names.texts()
    item_map = np.array([item_index.get(name, -1) for name in item_names], dtype=np.int64)
    expert_map = np.array([expert_index.get(name, -1) for name in expert_names], dtype=np.int64)
    values, lines = triples.values, triples.lines
    kind = np.isin(values, (-1.0, 0.0, 1.0))
    if not kind.all():
        line = lines[np.argmax(~kind)]
        raise _refuse(
            _line_reason("constraint_value", "%(path)s line %(line)d: the constraint must be -1, 0 or 1.", path, line)
        )
    pair_items = item_map[triples.items] if len(item_map) else np.zeros(0, dtype=np.int64)
    pair_experts = expert_map[triples.experts] if len(expert_map) else np.zeros(0, dtype=np.int64)
    unknown = (pair_items < 0) | (pair_experts < 0)
    if unknown.any():
        row = int(np.argmax(unknown))
        raise _refuse(
            _line_reason(
                "constraint_unknown",
                "%(path)s line %(line)d: %(item)s or %(expert)s is not in the affinity file.",
                path,
                lines[row],
                item=item_names[triples.items[row]],
                expert=expert_names[triples.experts[row]],
            )
        )
    codes = pair_items * max(1, len(experts)) + pair_experts
    duplicate = _first_duplicate(codes, len(items) * len(experts))
    if duplicate is not None:
        first, again = duplicate
        raise _refuse(
            _line_reason(
                "pair_repeated",
                "%(path)s line %(line)d: the pair %(item)s,%(expert)s appears twice.",
                path,
                lines[again],
                item=items[pair_items[first]],
                expert=experts[pair_experts[first]],
            )
        )
    pairs = np.stack([pair_items, pair_experts], axis=1)
    return pairs[values == -1.0], pairs[values == 1.0]


def check_output(path: str) -> Path:
    """Refuse an output path that cannot be written before any work is done."""
    target = Path(path)
    if target.is_dir():
        raise _refuse(Reason("out_is_folder", "--out %(path)s is a folder; name a file.", {"path": path}))
    folder = target.parent
    if not folder.is_dir():
        raise _refuse(
            Reason(
                "out_folder_missing",
                "--out %(path)s: the folder %(folder)s does not exist.",
                {"path": path, "folder": str(folder)},
            )
        )
    if not os.access(folder, os.W_OK):
        raise _refuse(
            Reason(
                "out_not_writable",
                "--out %(path)s: the folder %(folder)s cannot be written.",
                {"path": path, "folder": str(folder)},
            )
        )
    return target


class Command(BaseCommand):
    help = (
        "Assign experts to items from OpenReview-matcher CSV files. Pairs missing from the affinity file score 0 "
        "(or, with --missing forbid, are never assigned: the form for sparse top-k score files)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--affinity", required=True, help="CSV rows item,expert,score")
        parser.add_argument(
            "--conflicts", help="CSV rows item,expert,-1 (conflict), item,expert,1 (forced) or item,expert,0"
        )
        parser.add_argument("--k", type=int, required=True, help="reviews per item")
        parser.add_argument("--max-load", type=int, required=True)
        parser.add_argument("--min-load", type=int, default=0)
        parser.add_argument("--fair", action="store_true", help="maximise the worst item's total first")
        parser.add_argument("--missing", choices=("zero", "forbid"), default="zero", help="pairs not in the file")
        parser.add_argument("--time-limit", type=float, default=60.0, help="seconds for the fair mode's search")
        parser.add_argument("--out", required=True, help="output CSV, rows item,expert")

    def handle(self, *args, **options):
        try:
            self._handle(options)
        except MemoryError:
            raise _refuse(
                Reason("out_of_memory", "There is not enough memory for this problem; nothing was written.", {})
            ) from None
        except AssignmentError as error:  # the reader's reasons
            raise _refuse(*error.reasons) from None

    def _handle(self, options):
        started = time.perf_counter()
        if options["k"] < 1 or options["max_load"] < 0 or options["min_load"] < 0 or options["time_limit"] <= 0:
            raise CommandError(_("--k must be at least 1, the loads at least 0 and the time limit above 0."))
        target = check_output(options["out"])
        affinity, item_ids, expert_ids = read_affinity(options["affinity"], options["missing"])
        conflicts = forced = None
        if options["conflicts"]:
            conflicts, forced = read_constraints(options["conflicts"], item_ids, expert_ids)
        problem = Problem(
            affinity=affinity,
            k=options["k"],
            load_min=options["min_load"],
            load_max=options["max_load"],
            conflicts=conflicts if conflicts is not None and len(conflicts) else None,
            forced=forced if forced is not None and len(forced) else None,
            fair=options["fair"],
            item_ids=item_ids,
            expert_ids=expert_ids,
            time_limit=options["time_limit"],
        )
        solution = solve(problem)
        self._write(target, solution.labelled_pairs())
        for warning in solution.report.warnings:
            self.stderr.write(translate_reason(warning))
        self.stdout.write(
            _(
                "Objective %(objective).6f (%(method)s, %(exact)s); worst item total %(worst).6f; %(pairs)d pairs; %(seconds).3f s"
            )
            % {
                "objective": solution.objective,
                "method": solution.method,
                "exact": _("exact") if solution.exact else _("not proven optimal"),
                "worst": solution.worst_item_total,
                "pairs": len(solution.pairs),
                "seconds": time.perf_counter() - started,
            }
        )

    def _write(self, target: Path, pairs) -> None:
        # Write beside the target and rename, so a failure leaves nothing half-written.
        try:
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        except OSError as error:
            raise _refuse(
                Reason(
                    "out_unwritable",
                    "Cannot write %(path)s: %(error)s.",
                    {"path": str(target), "error": error.strerror},
                )
            ) from None
        try:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
                csv.writer(stream).writerows(pairs)
            os.replace(temporary, target)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise _refuse(
                Reason(
                    "out_unwritable",
                    "Cannot write %(path)s: %(error)s.",
                    {"path": str(target), "error": error.strerror},
                )
            ) from None
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

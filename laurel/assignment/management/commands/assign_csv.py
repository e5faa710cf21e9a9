"""Solve an assignment from the OpenReview matcher's CSV files and write `item,expert` rows."""

import csv
import math
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from laurel.assignment.problem import AssignmentError, Problem
from laurel.assignment.solver import solve
from laurel.assignment.texts import translate_reason


def _rows(path: str):
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            yield from enumerate(csv.reader(handle), start=1)
    except OSError as error:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror})


def _number(text: str, path: str, line: int) -> float:
    try:
        return float(text)
    except ValueError:
        raise CommandError(
            _("%(path)s line %(line)d: %(value)s is not a number.") % {"path": path, "line": line, "value": text}
        )


def read_affinity(path: str):
    items, experts, scores, seen = {}, {}, [], set()
    for line, row in _rows(path):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 3:
            raise CommandError(_("%(path)s line %(line)d: expected item,expert,score.") % {"path": path, "line": line})
        item, expert, score = (cell.strip() for cell in row)
        value = _number(score, path, line)
        if math.isnan(value) or math.isinf(value):
            raise CommandError(
                _("%(path)s line %(line)d: the score is not a finite number.") % {"path": path, "line": line}
            )
        if value < 0:
            raise CommandError(_("%(path)s line %(line)d: the score is negative.") % {"path": path, "line": line})
        if (item, expert) in seen:
            raise CommandError(
                _("%(path)s line %(line)d: the pair %(item)s,%(expert)s appears twice.")
                % {"path": path, "line": line, "item": item, "expert": expert}
            )
        seen.add((item, expert))
        items.setdefault(item, len(items))
        experts.setdefault(expert, len(experts))
        scores.append((items[item], experts[expert], value))
    if not scores:
        raise CommandError(_("%(path)s has no rows.") % {"path": path})
    affinity = np.zeros((len(items), len(experts)), dtype=np.float64)
    rows = np.array(scores)
    affinity[rows[:, 0].astype(int), rows[:, 1].astype(int)] = rows[:, 2]
    return affinity, list(items), list(experts)


def read_constraints(path: str, items: dict, experts: dict):
    conflicts, forced, seen = [], [], set()
    for line, row in _rows(path):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 3:
            raise CommandError(
                _("%(path)s line %(line)d: expected item,expert,-1 or item,expert,1.") % {"path": path, "line": line}
            )
        item, expert, kind = (cell.strip() for cell in row)
        if kind not in {"-1", "1"}:
            raise CommandError(
                _("%(path)s line %(line)d: the constraint must be -1 or 1.") % {"path": path, "line": line}
            )
        if item not in items or expert not in experts:
            raise CommandError(
                _("%(path)s line %(line)d: %(item)s or %(expert)s is not in the affinity file.")
                % {"path": path, "line": line, "item": item, "expert": expert}
            )
        if (item, expert) in seen:
            raise CommandError(
                _("%(path)s line %(line)d: the pair %(item)s,%(expert)s appears twice.")
                % {"path": path, "line": line, "item": item, "expert": expert}
            )
        seen.add((item, expert))
        (conflicts if kind == "-1" else forced).append((items[item], experts[expert]))
    return conflicts, forced


class Command(BaseCommand):
    help = "Assign experts to items from OpenReview-matcher CSV files (pairs missing from the affinity file score 0)."

    def add_arguments(self, parser):
        parser.add_argument("--affinity", required=True, help="CSV rows item,expert,score")
        parser.add_argument("--conflicts", help="CSV rows item,expert,-1 (conflict) or item,expert,1 (forced)")
        parser.add_argument("--k", type=int, required=True, help="reviews per item")
        parser.add_argument("--max-load", type=int, required=True)
        parser.add_argument("--min-load", type=int, default=0)
        parser.add_argument("--fair", action="store_true", help="maximise the worst item's total first")
        parser.add_argument("--out", required=True, help="output CSV, rows item,expert")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["k"] < 1 or options["max_load"] < 0 or options["min_load"] < 0:
            raise CommandError(_("--k must be at least 1 and the loads at least 0."))
        affinity, item_ids, expert_ids = read_affinity(options["affinity"])
        conflicts, forced = [], []
        if options["conflicts"]:
            conflicts, forced = read_constraints(
                options["conflicts"],
                {item: index for index, item in enumerate(item_ids)},
                {e: i for i, e in enumerate(expert_ids)},
            )
        problem = Problem(
            affinity=affinity,
            k=options["k"],
            load_min=options["min_load"],
            load_max=options["max_load"],
            conflicts=conflicts or None,
            forced=forced or None,
            fair=options["fair"],
            item_ids=item_ids,
            expert_ids=expert_ids,
        )
        try:
            solution = solve(problem)
        except AssignmentError as error:
            raise CommandError("\n".join(translate_reason(reason) for reason in error.reasons))
        self._write(options["out"], solution.labelled_pairs())
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

    def _write(self, path: str, pairs) -> None:
        target = Path(path)
        # Write beside the target and rename, so a failure leaves nothing half-written.
        handle, temporary = tempfile.mkstemp(dir=target.parent or ".", suffix=".part")
        try:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream)
                writer.writerows(pairs)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

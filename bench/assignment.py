"""Benchmark the assignment engine: `.venv/bin/python bench/assignment.py [--case NAME]` (fixed seed).

Two generators: uniform (affinity ~ U[0, 1], loads rarely bind) and topic-model (Dirichlet(0.3) topic
vectors over 20 topics for items and experts, affinity = their dot product: a few experts everybody wants,
so loads bind as in real venues). 2% of pairs are conflicts. Each case runs in its own process, so the peak
RSS printed is its own.

- solver cases: `solve(problem)` wall time (best and median of 3), graph build and report included.
- command cases: `manage.py assign_csv` in-process on CSV files written in the matcher's format (22-byte
  rows), reading + solving + writing, beside SciPy's HiGHS LP (`linprog`) on the same problem in the same
  run (the reference); and the 10,000 x 2,000 command on its 440 MB file, with peak RSS.
- outlier case: one score of 1e6 (then 1e17) among topic-model scores in [0, 1]: the other pairs' total beside
  HiGHS's LP optimum of the rest in the same run, `exact` and the warnings, and what the old integer costs
  (one unit = the largest score / 10^6) made of the rest.
- every line prints CPU time beside wall time, and the load average when it was printed: on a shared machine
  the wall time measures the load as much as the code.
- fair cases: worst item total and total for the default and the fair mode beside the lexicographic
  integer-program reference (HiGHS via `scipy.optimize.milp`) of the same run, with minimum loads binding.
"""

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from laurel.assignment.affinity import text_affinity  # noqa: E402
from laurel.assignment.problem import Problem  # noqa: E402
from laurel.assignment.solver import solve  # noqa: E402

SEED = 20260
REPEATS = 3


def uniform(n_items: int, n_experts: int):
    rng = np.random.default_rng(SEED)
    affinity = rng.random((n_items, n_experts), dtype=np.float32)
    conflicts = rng.random((n_items, n_experts), dtype=np.float32) < 0.02
    return affinity, conflicts


def topic_model(n_items: int, n_experts: int, topics: int = 20, alpha: float = 0.3):
    rng = np.random.default_rng(SEED)
    items = rng.dirichlet(np.full(topics, alpha), n_items)
    experts = rng.dirichlet(np.full(topics, alpha), n_experts)
    affinity = np.round(items @ experts.T, 6)  # what the 6-decimal CSV carries
    conflicts = rng.random((n_items, n_experts)) < 0.02
    return affinity, conflicts


GENERATORS = {"uniform": uniform, "topic": topic_model}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CPU_SECONDS: list[float] = []  # CPU time of each call `timed` made last (this process and its threads)


def timed(function, repeats: int = REPEATS) -> tuple[list[float], object]:
    seconds, result = [], None
    CPU_SECONDS.clear()
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        result = function()
        seconds.append(time.perf_counter() - started)
        CPU_SECONDS.append(time.process_time() - cpu)
    return seconds, result


def figures(label: str, seconds: list[float], detail: str) -> None:
    # CPU time beside wall time: on a shared machine the wall time measures the load as much as the code.
    cpu = f"  cpu {min(CPU_SECONDS):6.3f} s" if len(CPU_SECONDS) == len(seconds) else ""
    print(
        f"{label:<40} best {min(seconds):7.3f} s  median {statistics.median(seconds):7.3f} s{cpu}"
        f"  peak RSS {peak_mb():5.0f} MB  load {os.getloadavg()[0]:5.2f}  {detail}",
        flush=True,
    )


def run(kind: str, n_items: int, n_experts: int, k: int, cap: int, target: float | None = None) -> None:
    affinity, conflicts = GENERATORS[kind](n_items, n_experts)
    problem = Problem(affinity=affinity, conflicts=conflicts, k=k, load_max=cap)
    seconds, solution = timed(lambda: solve(problem))
    verdict = ""
    if target is not None:
        verdict = (
            f"  target <= {target:g} s: wall {'met' if min(seconds) <= target else 'NOT met'},"
            f" cpu {'met' if min(CPU_SECONDS) <= target else 'NOT met'}"
        )
    figures(
        f"solver {kind} {n_items}x{n_experts}x{k} cap {cap}",
        seconds,
        f"objective {solution.objective:.3f}  worst item {solution.worst_item_total:.3f}"
        f"  {solution.method} exact={solution.exact}{verdict}",
    )


def outlier(n_items: int, n_experts: int, k: int, cap: int) -> None:
    """One pair scores 1e6 (or 1e17), the rest topic-model affinities in [0, 1]: the other pairs' total beside
    HiGHS's LP optimum of the rest (that pair forced) of the same run, and beside the old integer costs (one
    unit = largest / 1e6, which rounded every other score to 0 or 1)."""
    affinity, conflicts = topic_model(n_items, n_experts)
    conflicts[0, 0] = False
    for score in (1e6, 1e17):
        affinity[0, 0] = score
        seconds, solution = timed(lambda: solve(Problem(affinity=affinity, conflicts=conflicts, k=k, load_max=cap)), 1)
        chosen = solution.pairs.tolist()
        rest = solution.objective - score if [0, 0] in chosen else float("nan")
        rest_affinity = affinity.copy()
        rest_affinity[0, 0] = 0.0
        lp_seconds, lp_rest = highs_lp(rest_affinity, conflicts, k, cap, forced=(0, 0))
        old = Problem(affinity=np.rint(affinity * 1e6 / score) * score / 1e6, conflicts=conflicts, k=k, load_max=cap)
        old_pairs = solve(old).pairs
        old_rest = float(rest_affinity[old_pairs[:, 0], old_pairs[:, 1]].sum())
        warnings = "; ".join(str(reason) for reason in solution.report.warnings) or "none"
        figures(
            f"outlier {score:.0e} topic {n_items}x{n_experts}x{k}",
            seconds,
            f"rest {rest:.6f} vs HiGHS LP rest {lp_rest:.6f} ({lp_seconds:.2f} s): gap {lp_rest - rest:.2e}"
            f"  exact={solution.exact}  | old unit largest/1e6: rest {old_rest:.3f}"
            f" ({100 * (old_rest - lp_rest) / lp_rest:+.1f}%)  warnings: {warnings}",
        )


def write_csv(folder: Path, affinity: np.ndarray, conflicts: np.ndarray) -> tuple[Path, Path]:
    """The matcher's files: `p00001,r0001,0.123456` rows (22 bytes), and `item,expert,-1` conflict rows."""
    n_items, n_experts = affinity.shape
    item_names = np.array([list(b"p%05d" % index) for index in range(n_items)], dtype=np.uint8)
    expert_names = np.array([list(b"r%04d" % index) for index in range(n_experts)], dtype=np.uint8)
    affinity_path, conflicts_path = folder / "affinity.csv", folder / "conflicts.csv"
    with open(affinity_path, "wb") as handle:
        step = max(1, 1_000_000 // n_experts)
        for start in range(0, n_items, step):
            rows = np.arange(start, min(n_items, start + step))
            micro = np.rint(affinity[rows] * 1e6).astype(np.int64).ravel()
            line = np.empty((len(micro), 22), dtype=np.uint8)
            line[:, 0:6] = np.repeat(item_names[rows], n_experts, axis=0)
            line[:, 6] = line[:, 12] = ord(",")
            line[:, 7:12] = np.tile(expert_names, (len(rows), 1))
            line[:, 13] = 48 + micro // 1_000_000
            line[:, 14] = ord(".")
            for position in range(6):
                line[:, 20 - position] = 48 + (micro // 10**position) % 10
            line[:, 21] = ord("\n")
            handle.write(line.tobytes())
    with open(conflicts_path, "w", encoding="ascii") as handle:
        handle.writelines(f"p{item:05d},r{expert:04d},-1\n" for item, expert in np.argwhere(conflicts).tolist())
    return affinity_path, conflicts_path


def highs_lp(affinity: np.ndarray, conflicts: np.ndarray, k: int, cap: int, forced=None) -> tuple[float, float]:
    """SciPy's HiGHS LP on the same problem: (seconds, optimum); `forced`, one (item, expert) pair to keep."""
    import scipy.sparse as sp
    from scipy.optimize import linprog

    n_items, n_experts = affinity.shape
    items, experts = np.nonzero(~conflicts)
    columns = np.arange(len(items))
    lower = np.zeros(len(items))
    if forced is not None:
        lower[(items == forced[0]) & (experts == forced[1])] = 1.0
    started = time.perf_counter()
    result = linprog(
        -affinity[items, experts],
        A_ub=sp.csr_array((np.ones(len(items)), (experts, columns)), shape=(n_experts, len(items))),
        b_ub=np.full(n_experts, cap),
        A_eq=sp.csr_array((np.ones(len(items)), (items, columns)), shape=(n_items, len(items))),
        b_eq=np.full(n_items, k),
        bounds=np.stack([lower, np.ones(len(items))], axis=1),
        method="highs",
    )
    return time.perf_counter() - started, -result.fun


def command(n_items: int, n_experts: int, k: int, cap: int, reference: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
    os.environ.setdefault("LAUREL_DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    affinity, conflicts = topic_model(n_items, n_experts)
    with tempfile.TemporaryDirectory(prefix="laurel-bench-") as folder:
        affinity_path, conflicts_path = write_csv(Path(folder), affinity, conflicts)
        size = affinity_path.stat().st_size
        del affinity, conflicts
        arguments = ["--affinity", str(affinity_path), "--conflicts", str(conflicts_path), "--k", str(k),
                     "--max-load", str(cap), "--out", str(Path(folder) / "out.csv")]  # fmt: skip
        with open(os.devnull, "w") as quiet:
            seconds, _ = timed(lambda: call_command("assign_csv", *arguments, stdout=quiet), 3 if reference else 1)
        detail = f"file {size / 1e6:.0f} MB"
        if reference:
            affinity, conflicts = topic_model(n_items, n_experts)
            lp_seconds, lp_optimum = highs_lp(affinity, conflicts, k, cap)
            detail += (
                f"  | HiGHS LP same problem {lp_seconds:.3f} s (optimum {lp_optimum:.3f}):"
                f" command is {lp_seconds / min(seconds):.1f}x faster"
            )
    figures(f"command topic {n_items}x{n_experts}x{k} cap {cap}", seconds, detail)


def lexicographic_reference(affinity, conflicts, k, load_min, load_max, seconds=600.0):
    """(worst, total, proven) by two HiGHS integer programs over every pair, in the engine's units."""
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    n_items, n_experts = affinity.shape
    items, experts = np.nonzero(~conflicts)
    values = np.rint(affinity[items, experts] * 1e6) / 1e6
    count = len(items)
    columns = np.arange(count)
    rows = [
        LinearConstraint(sp.csr_array((np.ones(count), (items, columns)), shape=(n_items, count + 1)), k, k),
        LinearConstraint(
            sp.csr_array((np.ones(count), (experts, columns)), shape=(n_experts, count + 1)), load_min, load_max
        ),
        LinearConstraint(
            sp.hstack(
                [sp.csr_array((values, (items, columns)), shape=(n_items, count)), -sp.csr_array(np.ones((n_items, 1)))]
            ),
            0,
            np.inf,
        ),
    ]
    objective = np.zeros(count + 1)
    objective[-1] = -1
    options = {"time_limit": seconds / 2, "mip_rel_gap": 1e-9}
    integrality = np.ones(count + 1)
    integrality[-1] = 0  # t, the worst total, is continuous
    first = milp(objective, constraints=rows, integrality=integrality, bounds=Bounds(0, [1] * count + [np.inf]),
                 options=options)  # fmt: skip
    worst = np.floor(first.x[-1] * 1e6 + 1e-3) / 1e6
    second = milp(np.concatenate([-values, [0]]), constraints=rows, integrality=integrality,
                  bounds=Bounds([0] * count + [worst], [1] * count + [np.inf]), options=options)  # fmt: skip
    chosen = second.x[:-1] > 0.5
    totals = np.bincount(items[chosen], weights=affinity[items[chosen], experts[chosen]], minlength=n_items)
    return totals.min(), totals.sum(), first.status == 0 and second.status == 0


def fair_case(n_items: int, n_experts: int, k: int, load: int, time_limit: float) -> None:
    """Minimum loads binding: every expert takes exactly `load` (n_items x k = n_experts x load)."""
    affinity, conflicts = topic_model(n_items, n_experts)
    base = {"affinity": affinity, "conflicts": conflicts, "k": k, "load_min": load, "load_max": load}
    base["time_limit"] = time_limit
    label = f"fair topic {n_items}x{n_experts}x{k} load {load}"
    seconds, default = timed(lambda: solve(Problem(**base)), 1)
    figures(f"{label} default", seconds, f"worst {default.worst_item_total:.4f}  total {default.objective:.4f}")
    seconds, fair = timed(lambda: solve(Problem(**base, fair=True)), 1)
    figures(
        f"{label} --fair",
        seconds,
        f"worst {fair.worst_item_total:.4f}  total {fair.objective:.4f}  exact={fair.exact}",
    )
    started = time.perf_counter()
    worst, total, proven = lexicographic_reference(affinity, conflicts, k, load, load, seconds=2 * time_limit)
    figures(
        f"{label} HiGHS milp reference",
        [time.perf_counter() - started],
        f"worst {worst:.4f}  total {total:.4f}  proven={proven}",
    )


def affinity_benchmark(n_items: int = 2000, n_experts: int = 400) -> None:
    rng = np.random.default_rng(SEED)
    english = ["quantum", "materials", "catalysis", "robotics", "genome", "crops", "irrigation", "battery",
               "lithium", "neural", "network", "vaccine", "epidemiology", "seismic", "bridge", "concrete",
               "satellite", "optics", "laser", "polymer"]  # fmt: skip
    chinese = list("量子材料催化机器人基因作物灌溉电池锂神经网络疫苗流行病地震桥梁混凝土卫星光学激光聚合物")

    def text(words: int, characters: int) -> str:
        return " ".join(rng.choice(english, words)) + " " + "".join(rng.choice(chinese, characters))

    items = [text(40, 300) for _ in range(n_items)]
    experts = [text(10, 60) for _ in range(n_experts)]
    seconds, (affinity, _) = timed(lambda: text_affinity(items, experts))
    figures(
        f"affinity {n_items} x {n_experts} (TF-IDF)", seconds, f"shape {affinity.shape}, mean {affinity.mean():.4f}"
    )


CASES = {
    "300x40": lambda: run("uniform", 300, 40, 5, 40),
    "1000x120": lambda: run("uniform", 1000, 120, 5, 45),
    "2000x400": lambda: run("uniform", 2000, 400, 3, 20),
    "10000x2000": lambda: run("uniform", 10000, 2000, 3, 20),
    "topic1000x120": lambda: run("topic", 1000, 120, 5, 45),
    "topic2000x400": lambda: run("topic", 2000, 400, 3, 20),
    "topic10000x2000": lambda: run("topic", 10000, 2000, 3, 20, target=3.0),
    "command2000x400": lambda: command(2000, 400, 3, 20, reference=True),
    "command10000x2000": lambda: command(10000, 2000, 3, 20, reference=False),
    "outlier2000x400": lambda: outlier(2000, 400, 3, 20),
    "fair118x177": lambda: fair_case(118, 177, 3, 2, time_limit=120),
    "affinity": affinity_benchmark,
}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        CASES[sys.argv[2]]()
    else:
        print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)
        for name in CASES:
            subprocess.run([sys.executable, __file__, "--case", name], check=True)

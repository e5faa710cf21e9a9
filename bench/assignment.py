"""Benchmark the assignment engine: `.venv/bin/python bench/assignment.py` (fixed seed, prints figures).

Each case runs in its own process (so its peak RSS is its own), three times: best and median wall time,
including the graph build and the report. `--case NAME` runs one case in this process.
"""

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from laurel.assignment.affinity import text_affinity
from laurel.assignment.problem import Problem
from laurel.assignment.solver import solve

SEED = 20260


def instance(n_items: int, n_experts: int):
    rng = np.random.default_rng(SEED)
    affinity = rng.random((n_items, n_experts), dtype=np.float32)
    conflicts = rng.random((n_items, n_experts), dtype=np.float32) < 0.02
    return affinity, conflicts


REPEATS = 3


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def figures(label: str, seconds: list[float], detail: str) -> None:
    print(
        f"{label:<34} best {min(seconds):7.3f} s  median {statistics.median(seconds):7.3f} s"
        f"  peak RSS {peak_mb():5.0f} MB  {detail}",
        flush=True,
    )


def run(n_items: int, n_experts: int, k: int, cap: int, fair: bool = False) -> None:
    affinity, conflicts = instance(n_items, n_experts)
    problem = Problem(affinity=affinity, conflicts=conflicts, k=k, load_max=cap, fair=fair)
    seconds, solution = timed(lambda: solve(problem))
    label = f"{'fair ' if fair else ''}{n_items}x{n_experts}x{k} cap {cap}"
    figures(
        label,
        seconds,
        f"objective {solution.objective:.3f}  worst item {solution.worst_item_total:.3f}"
        f"  {solution.method} exact={solution.exact}",
    )


def affinity_benchmark(n_items: int = 2000, n_experts: int = 400) -> None:
    rng = np.random.default_rng(SEED)
    english = [
        "quantum",
        "materials",
        "catalysis",
        "robotics",
        "genome",
        "crops",
        "irrigation",
        "battery",
        "lithium",
        "neural",
        "network",
        "vaccine",
        "epidemiology",
        "seismic",
        "bridge",
        "concrete",
        "satellite",
        "optics",
        "laser",
        "polymer",
    ]
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
    "300x40": lambda: run(300, 40, 5, 40),
    "1000x120": lambda: run(1000, 120, 5, 45),
    "2000x400": lambda: run(2000, 400, 3, 20),
    "fair1000x120": lambda: run(1000, 120, 5, 45, fair=True),
    "affinity": affinity_benchmark,
    "10000x2000": lambda: run(10000, 2000, 3, 20),
}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        CASES[sys.argv[2]]()
    else:
        for name in CASES:
            subprocess.run([sys.executable, __file__, "--case", name], check=True)

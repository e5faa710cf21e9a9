"""Benchmark the assignment engine: `.venv/bin/python bench/assignment.py` (fixed seed, prints figures)."""

import resource
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


def run(n_items: int, n_experts: int, k: int, cap: int, fair: bool = False) -> None:
    affinity, conflicts = instance(n_items, n_experts)
    started = time.perf_counter()
    solution = solve(Problem(affinity=affinity, conflicts=conflicts, k=k, load_max=cap, fair=fair))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    label = f"{'fair ' if fair else ''}{n_items}x{n_experts}x{k} cap {cap}"
    print(
        f"{label:<28} {seconds:8.3f} s  objective {solution.objective:12.3f}  worst item {solution.worst_item_total:.3f}"
        f"  {solution.method} exact={solution.exact}  peak RSS {peak:.0f} MB"
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
    started = time.perf_counter()
    affinity, _ = text_affinity(items, experts)
    print(
        f"affinity {n_items} nominations x {n_experts} experts: {time.perf_counter() - started:.3f} s ({affinity.shape})"
    )


if __name__ == "__main__":
    run(300, 40, 5, 40)
    run(1000, 120, 5, 45)
    run(2000, 400, 3, 20)
    run(1000, 120, 5, 45, fair=True)
    affinity_benchmark()
    run(10000, 2000, 3, 20)

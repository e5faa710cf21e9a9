"""Benchmark: expert suggestions for 10,000 technical needs x 5,000 experts (target < 2 s for the top 5 of each).

Run: LAUREL_DEBUG=1 .venv/bin/python bench/needs.py [needs] [experts]
No database: `laurel.needs.matching.rank` is the engine, given texts and arrays as the Django layer builds them.
The reference is the bare thing inside it, measured in the same run: the TF-IDF fit and the one sparse product
of all needs with all experts, with no scoring and no top-k.
"""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LAUREL_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

import django

django.setup()

import numpy as np  # noqa: E402

from laurel.assignment.affinity import text_vectors  # noqa: E402
from laurel.needs.matching import FIELDS, ExpertTable, rank  # noqa: E402

TERMS = [
    "锂电池", "正极材料", "涂层", "焊接", "数控机床", "视觉检测", "传感器", "嵌入式", "水稻", "育种", "病虫害",
    "冷链", "食品保鲜", "中药", "医疗器械", "污水处理", "光伏", "余热回收", "催化剂", "精细化工", "科普", "机器人",
    "大数据", "物联网", "无人机", "土壤改良", "茶叶加工", "陶瓷", "复合材料", "节能", "电机", "算法",
]  # fmt: skip
PHRASES = ["如何提高{a}的{b}", "{a}生产中{b}不稳定", "希望引入{a}改进{b}", "{a}与{b}的工艺优化", "{a}成本过高"]
REGIONS = 9
TERMS_PER_NEED = 20
SAMPLE = 300  # needs ranked again exactly (all terms), to measure what keeping the strongest terms costs


def texts(rng: random.Random, count: int, *, words: int) -> list[str]:
    result = []
    for _index in range(count):
        parts = [rng.choice(PHRASES).format(a=rng.choice(TERMS), b=rng.choice(TERMS)) for _word in range(words)]
        result.append("，".join(parts))
    return result


def main() -> None:
    needs = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    experts = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    rng = random.Random(7)
    need_texts = texts(rng, needs, words=6)  # about 80 characters: a title and a problem's first lines
    expert_texts = texts(rng, experts, words=3)
    numbers = np.random.default_rng(7)
    fields = np.zeros((experts, len(FIELDS)), dtype=bool)
    fields[np.arange(experts), numbers.integers(0, len(FIELDS), experts)] = True
    fields[np.arange(experts), numbers.integers(0, len(FIELDS), experts)] = True
    regions = numbers.random((experts, REGIONS)) < 0.15
    table = ExpertTable(
        texts=expert_texts,
        fields=fields,
        regions=regions,
        load=numbers.integers(0, 4, experts) / 3,
        available=numbers.random(experts) < 0.9,
    )
    need_fields = numbers.integers(0, len(FIELDS), needs)
    need_regions = numbers.integers(0, REGIONS, needs)

    print(f"{needs:,} needs x {experts:,} experts, top 5; load average {os.getloadavg()[0]:.1f}")
    timings = []
    for _run in range(3):
        started = time.perf_counter()
        ranked = rank(need_texts, need_fields, need_regions, table, top=5, terms_per_need=TERMS_PER_NEED)
        timings.append(time.perf_counter() - started)
    best = min(timings)
    qualified = (ranked.experts >= 0).mean()
    print(f"rank (fit, product, scores, top 5): best {best:.2f} s of 3 runs ({', '.join(f'{t:.2f}' for t in timings)})")
    print(f"  slots filled: {qualified:.1%}; mean best score {ranked.scores[:, 0].mean():.3f}")

    # Quality of keeping only the strongest terms: every expert's exact score for a sample of needs, then the
    # exact score of the experts chosen with pruned vectors against that of the exact top 5.
    everyone = rank(need_texts[:SAMPLE], need_fields[:SAMPLE], need_regions[:SAMPLE], table, top=experts)
    exact_scores = np.full((SAMPLE, experts), np.nan, dtype=np.float32)
    usable = everyone.experts >= 0
    rows = np.nonzero(usable)[0]
    exact_scores[rows, everyone.experts[usable]] = everyone.scores[usable]
    chosen = np.take_along_axis(exact_scores, np.maximum(ranked.experts[:SAMPLE], 0), axis=1)
    kept = np.nansum(chosen) / everyone.scores[:, :5].sum()
    overlap = np.mean([len(set(everyone.experts[row, :5]) & set(ranked.experts[row])) / 5 for row in range(SAMPLE)])
    print(
        f"  keeping each need's {TERMS_PER_NEED} strongest terms, on {SAMPLE} needs against the exact ranking: "
        f"exact score of the chosen 5 = {kept:.2%} of the exact top 5's; same experts {overlap:.1%} "
        f"(near-ties: the exact 1st and 5th differ by {np.mean(everyone.scores[:, 0] - everyone.scores[:, 4]):.3f})"
    )

    reference = []
    for _run in range(3):
        started = time.perf_counter()
        need_vectors, expert_vectors, _vectorizer = text_vectors(need_texts, expert_texts)
        product = need_vectors @ expert_vectors.T
        reference.append(time.perf_counter() - started)
    print(
        f"reference, bare TF-IDF fit + one sparse product ({product.nnz:,} non-zeros): best {min(reference):.2f} s; "
        f"rank / reference = {best / min(reference):.2f}"
    )
    print(f"target < 2 s: {'met' if best < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()

"""Benchmark the article body's cleaning: `.venv/bin/python bench/article_body.py [--repeats N]`.

An editor-written article is cleaned by nh3 when it is saved and again when its page is rendered (a page-cache miss);
a Markdown article is rendered by `markdown` then cleaned. This times, on a long realistic article (about 6,000
Chinese characters in 30 paragraphs, headings, lists, a table, 6 credited pictures, links), `sanitize_html` (the
editor's body), `clean_rendered` (the second cleaning when shown), and `render_markdown` of the same text written in
Markdown as the reference of what saving cost before. Prints median and p95 wall time per call, and the load average.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

import django

django.setup()

from laurel.news.rendering import clean_rendered, render_markdown, sanitize_html  # noqa: E402

PARAGRAPH = "云州市科协深入开展科学家精神宣讲活动，组织宣讲团走进学校、企业和社区，" * 5


def html_article() -> str:
    parts = []
    for index in range(30):
        if index % 5 == 0:
            parts.append(f"<h2>第{index // 5 + 1}部分</h2>")
            parts.append(
                f'<figure><img src="/media/public/news/images/photo{index:02d}.jpg" alt="活动现场{index}">'
                f"<figcaption>摄影：林晓</figcaption></figure>"
            )
        parts.append(
            f"<p>{PARAGRAPH}<strong>重点{index}</strong>，详见"
            f'<a href="https://www.example.org/news/{index}">相关报道</a>。</p>'
        )
    parts.append("<ul>" + "".join(f"<li><p>要点{i}</p></li>" for i in range(10)) + "</ul>")
    parts.append(
        "<table><tbody>" + "".join(f"<tr><td><p>单位{i}</p></td><td><p>{i * 3}</p></td></tr>" for i in range(20))
    )
    parts.append("</tbody></table>")
    return "".join(parts)


def markdown_article() -> str:
    parts = []
    for index in range(30):
        if index % 5 == 0:
            parts.append(f"## 第{index // 5 + 1}部分")
            parts.append(f"![活动现场{index}](/media/public/news/images/photo{index:02d}.jpg)")
        parts.append(f"{PARAGRAPH}**重点{index}**，详见[相关报道](https://www.example.org/news/{index})。")
    parts.append("\n".join(f"- 要点{i}" for i in range(10)))
    parts.append("| 单位 | 人数 |\n|---|---|\n" + "\n".join(f"| 单位{i} | {i * 3} |" for i in range(20)))
    return "\n\n".join(parts)


def timed(function, argument, repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(argument)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    html, text = html_article(), markdown_article()
    cleaned = sanitize_html(html)
    assert cleaned.count("<figure>") == 6 and "<img" in cleaned, "the benchmark article lost its pictures"
    rows = [
        ("sanitize_html (save)", sanitize_html, html),
        ("clean_rendered (show)", lambda body: clean_rendered(body, "html"), cleaned),
        ("render_markdown (ref)", render_markdown, text),
    ]
    print(f"article: {len(html):,} characters of HTML, {len(text):,} of Markdown; {args.repeats} runs each")
    print(f"{'step':<26}{'median ms':>11}{'p95 ms':>9}")
    for label, function, argument in rows:
        median, p95 = timed(function, argument, args.repeats)
        print(f"{label:<26}{median:>11.3f}{p95:>9.3f}")
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())

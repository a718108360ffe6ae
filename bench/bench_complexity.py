"""How extraction time grows with document length: N paragraphs against 4N.

    python bench/bench_complexity.py [--n 2000] [--repeat 3]

Builds a plan at run time (a header, a body of N plain paragraphs with some
"- Phòng … chủ trì …" task items among them) for N and for 4N paragraphs,
ingests and extracts each, and reports the best time of ``--repeat`` runs
and the ratio. Linear work gives ≈ 4×; anything quadratic in the number of
blocks gives ≈ 16×. ``tests/test_complexity.py`` asserts the ratio loosely.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = (
    "ỦY BAN NHÂN DÂN\nHUYỆN THỬ NGHIỆM\n\nSố: 12/KH-UBND\n\nThử Nghiệm, ngày 05 tháng 3 năm 2024\n\n"
    "KẾ HOẠCH\n\nThực hiện công tác thử nghiệm năm 2024\n\n"
    "Căn cứ Kế hoạch số 18/KH-UBND ngày 15/01/2021 của Ủy ban nhân dân tỉnh;\n\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n\n"
)
PLAIN = "- Nâng cao nhận thức của cán bộ, công chức về công tác số {k} trên địa bàn huyện."
TASK = "- Phòng Nội vụ chủ trì, phối hợp với các cơ quan tổ chức hội nghị số {k}, hoàn thành trước ngày 30/12/2024."


def plan_text(paragraphs: int) -> str:
    """A synthetic plan with ``paragraphs`` body paragraphs (one in five is a task)."""
    body = [(TASK if k % 5 == 0 else PLAIN).format(k=k) for k in range(paragraphs)]
    return HEADER + "II. NHIỆM VỤ\n\n" + "\n\n".join(body) + "\n"


def extraction_seconds(paragraphs: int, repeat: int = 1) -> float:
    """Best wall time of ingest + extract for a plan of ``paragraphs`` paragraphs."""
    from extractors.pipeline import extract
    from ingest import convert_bytes

    data = plan_text(paragraphs).encode("utf-8")
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        extract(convert_bytes(data, "plan.txt"))
        best = min(best, time.perf_counter() - t0)
    return best


def growth(n: int, repeat: int = 1) -> tuple[float, float, float]:
    """(seconds for n, seconds for 4n, ratio), after one warm-up run."""
    extraction_seconds(max(10, n // 10))
    small = extraction_seconds(n, repeat)
    large = extraction_seconds(4 * n, repeat)
    return small, large, large / small


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    small, large, ratio = growth(args.n, args.repeat)
    print(f"{args.n:>7} paragraphs: {small:8.3f} s")
    print(f"{4 * args.n:>7} paragraphs: {large:8.3f} s")
    print(f"growth ×{ratio:.2f} (linear ≈ 4, quadratic ≈ 16)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Extraction time grows about linearly with the number of paragraphs (issue 9, item 4).

A loop that tests membership in a list of blocks, or scans every sibling for every item, makes
4× the paragraphs cost 16× the time; linear work costs ≈ 4×. Asserted loosely (< 8×) because the
machine is shared; ``python bench/bench_complexity.py`` prints the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from bench_complexity import growth, plan_text  # noqa: E402


def test_plan_text_has_the_requested_paragraphs() -> None:
    assert plan_text(10).count("\n\n- ") == 10


def test_extraction_time_grows_about_linearly() -> None:
    small, large, ratio = growth(400, repeat=2)
    assert ratio < 8, f"400 paragraphs {small:.2f} s, 1600 paragraphs {large:.2f} s: ×{ratio:.1f}"

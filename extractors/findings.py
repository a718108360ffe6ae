"""What every extractor returns: a span of text and its normalised value."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Finding:
    """``text == source[start:end]`` where ``source`` is the string searched.

    ``value`` holds the normalised meaning (a deadline object, a quota…), or
    ``None`` when only the span is known.
    """

    kind: str
    start: int
    end: int
    text: str
    value: Any = None

    def shifted(self, offset: int) -> Finding:
        return Finding(self.kind, self.start + offset, self.end + offset, self.text, self.value)

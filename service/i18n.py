"""Wording in Vietnamese (default) and English, from ``data/i18n.yaml``; dates as dd/mm/yyyy."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent

LANGS = ("vi", "en")


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    import yaml

    data = yaml.safe_load((PACKAGE_DIR / "data" / "i18n.yaml").read_text(encoding="utf-8"))
    missing = set(data["vi"]) ^ set(data["en"])
    if missing:
        raise ValueError(f"i18n.yaml: keys not in both languages: {sorted(missing)}")
    return {lang: {k: str(v) for k, v in data[lang].items()} for lang in LANGS}


def lang_of(value: str | None, default: str = "vi") -> str:
    return value if value in LANGS else default


def t(lang: str, key: str, **params: Any) -> str:
    """The wording of ``key``; the key itself when missing (visible, never a crash).

    >>> t("vi", "status_done"), t("en", "total", n=3)
    ('Đã xong', 'Total: 3')
    """
    text = catalog().get(lang_of(lang), {}).get(key, key)
    return text.format(**params) if params else text


def fmt_date(value: date | datetime | str | None, lang: str = "vi") -> str:
    """dd/mm/yyyy (Vietnamese) or yyyy-mm-dd (English).

    >>> fmt_date(date(2025, 3, 7)), fmt_date("2025-03-07", "en")
    ('07/03/2025', '2025-03-07')
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if lang == "vi" else value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()


def fmt_number(value: int | float, lang: str = "vi") -> str:
    """A number as the language writes it (Babel): "1.234" in Vietnamese, "1,234" in English.

    >>> fmt_number(1234), fmt_number(1234, "en")
    ('1.234', '1,234')
    """
    from babel.numbers import format_decimal

    return format_decimal(value, locale=lang_of(lang))

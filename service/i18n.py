"""Wording in Vietnamese (default) and English from gettext catalogs (``locale/<lang>/LC_MESSAGES/
messages.po``, read with Babel); dates, times and numbers formatted with Babel, times in
Asia/Ho_Chi_Minh.

Message ids are stable English keys ("status_done"); the catalogs are plain PO files a translator
edits with any PO editor. Keys are strings in PO, never YAML booleans ("yes"/"no").
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PACKAGE_DIR = Path(__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGS = ("vi", "en")
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """Every language's messages, ``{lang: {msgid: msgstr}}``; the languages must share their ids."""
    from babel.messages.pofile import read_po

    out: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            po = read_po(f, locale=lang)
        out[lang] = {str(m.id): str(m.string) for m in po if m.id and m.string}
    missing = set(out["vi"]) ^ set(out["en"])
    if missing:
        raise ValueError(f"messages.po: ids not in both languages: {sorted(missing)}")
    return out


def lang_of(value: str | None, default: str = "vi") -> str:
    return value if value in LANGS else default


def t(lang: str, key: str, **params: Any) -> str:
    """The wording of ``key``; the key itself when missing (visible, never a crash).

    >>> t("vi", "status_done"), t("en", "total", n=3), t("vi", "word_yes")
    ('Đã xong', 'Total: 3', 'Có')
    """
    text = catalog().get(lang_of(lang), {}).get(key, key)
    return text.format(**params) if params else text


def local_time(value: datetime) -> datetime:
    """A stored moment (UTC; naive means UTC) in Viet Nam's time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def fmt_date(value: date | datetime | str | None, lang: str = "vi") -> str:
    """dd/mm/yyyy (Vietnamese) or yyyy-mm-dd (English); a moment also gets its time in Asia/Ho_Chi_Minh.

    >>> fmt_date(date(2025, 3, 7)), fmt_date("2025-03-07", "en")
    ('07/03/2025', '2025-03-07')
    >>> fmt_date(datetime(2025, 3, 7, 20, 5, tzinfo=UTC))
    '08/03/2025 03:05'
    """
    from babel.dates import format_date, format_datetime

    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        pattern = "dd/MM/yyyy HH:mm" if lang == "vi" else "yyyy-MM-dd HH:mm"
        return format_datetime(local_time(value), pattern, tzinfo=LOCAL_TZ, locale=lang_of(lang))
    return format_date(value, "dd/MM/yyyy" if lang == "vi" else "yyyy-MM-dd", locale=lang_of(lang))


def fmt_number(value: int | float, lang: str = "vi") -> str:
    """A number as the language writes it (Babel): "1.234" in Vietnamese, "1,234" in English.

    >>> fmt_number(1234), fmt_number(1234, "en")
    ('1.234', '1,234')
    """
    from babel.numbers import format_decimal

    return format_decimal(value, locale=lang_of(lang))

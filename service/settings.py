"""Configuration, read from ``KEHOACH_*`` environment variables (pydantic-settings).

>>> Settings(database_url="sqlite://", data_dir="/tmp/x").auth_enabled
False
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """The per-user data folder (``~/.local/share/kehoach`` on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("kehoach", appauthor=False))


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEHOACH_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None  # default: SQLite file in data_dir
    host: str = "127.0.0.1"  # where `serve` listens; decides whether tokens are required
    port: int = 8000
    auth: Literal["auto", "on", "off"] = "auto"
    public_read: bool = False  # reads need no token even when auth is on
    max_upload_mb: float = 50.0
    inline_max_kb: int = 256  # TXT/MD uploads up to this size are processed inline
    workers: int = 1  # background processing threads
    queue: Literal["embedded", "procrastinate"] = "embedded"  # procrastinate: `kehoach worker` processes jobs
    job_max_attempts: int = 3  # a job interrupted this many times (its worker died) fails: too_many_attempts
    queue_name: str = "kehoach"  # the Procrastinate queue
    queue_concurrency: int = 1  # jobs at once per `kehoach worker` process
    queue_heartbeat_s: float = 5.0  # a worker's heartbeat interval
    queue_stalled_s: float = 30.0  # a worker silent this long is dead: its job is retried
    webhook_backoff_s: float = 5.0  # first retry delay, doubled each time …
    webhook_backoff_max_s: float = 3600.0  # … up to this
    webhook_give_up_s: float = 86400.0  # a delivery is retried this long after its event, then failed
    webhook_timeout_s: float = 10.0
    webhook_poll_s: float = 1.0  # how often the delivery loop looks for due retries
    lang: Literal["vi", "en"] = "vi"  # default language of the web page and exports
    due_soon_days: int = 14
    # Off by default: a recurrence with no day ("hằng quý") is due on its period's last day.
    # Such days are an office convention, not the text: marked "derived" wherever shown.
    derive_period_end: bool = False
    # Host names the service answers to (comma-separated); default: the loopback names on loopback, else any
    allowed_hosts: str = ""
    # Webhook hosts allowed even though they resolve to loopback/private addresses (comma-separated; admin)
    webhook_allow_hosts: str = ""

    @property
    def auth_enabled(self) -> bool:
        if self.auth == "auto":
            return not is_loopback(self.host)
        return self.auth == "on"

    @property
    def trusted_hosts(self) -> list[str]:
        """What ``TrustedHostMiddleware`` lets through.

        >>> Settings(data_dir="/tmp/x").trusted_hosts[:2], Settings(data_dir="/tmp/x", host="0.0.0.0").trusted_hosts
        (['127.0.0.1', 'localhost'], ['*'])
        """
        named = [h.strip() for h in self.allowed_hosts.split(",") if h.strip()]
        if named:
            return named
        return ["127.0.0.1", "localhost", "::1", "[::1]"] if is_loopback(self.host) else ["*"]

    @property
    def webhook_allowed(self) -> list[str]:
        return [h.strip() for h in self.webhook_allow_hosts.split(",") if h.strip()]

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        return f"sqlite:///{self.data_dir / 'kehoach.sqlite3'}"

    @property
    def queue_conninfo(self) -> str:
        """The libpq URL of the store's PostgreSQL database, which also holds the queue."""
        url = self.sqlalchemy_url
        if not url.startswith("postgresql"):
            raise ValueError("KEHOACH_QUEUE=procrastinate needs KEHOACH_DATABASE_URL=postgresql://…")
        return "postgresql://" + url.split("://", 1)[1]

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

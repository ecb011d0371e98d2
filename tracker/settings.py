"""Deployment settings from the environment or a .env file, mapped onto the library's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The library's connection pool on PostgreSQL, unless the environment sets these names.
# POSTGRES_CONNECT_TIMEOUT is how long a call waits for a pooled connection, and the library
# tries each call 10 times: its default of 30 s kept a request waiting for 5 minutes while the
# database server was down; with 1 s it answers 503 after about 12 s, and waits as long at most
# when the pool is busy.  No pre-ping: after a restart of the server the pooled connections
# are broken, and the pool's check of each sleeps 1, 2, 4 s between them (a request waited
# 52 s while the server was down, 8 s after it was back); without it each broken connection
# fails at once and the library's next try takes another (tests/test_crash.py).
POSTGRES_TUNING = {"POSTGRES_PRE_PING": "n", "POSTGRES_CONNECT_TIMEOUT": "1"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRACKER_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/tracker.sqlite3",
        description="sqlite:///relative/path, sqlite:////absolute/path, sqlite:///:memory: "
        "or postgresql://user:password@host:port/dbname?schema=name",
    )
    projections: Literal["inline", "worker"] = Field(
        default="inline",
        description="inline: each process brings the read models up to date before it reads; "
        "worker: a separate `tracker project` process does, and readers wait for it",
    )
    cipher_key: SecretStr | None = None
    session_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="a session unused this long ends"
    )
    secure_cookies: bool = Field(
        default=False, description="send the session cookie over HTTPS only (set behind HTTPS)"
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description="signs the session cookie; unset: a new one each start (sessions end)",
    )
    sign_in_failures: int = Field(
        default=5, ge=1, le=100, description="failed sign-ins of one username that lock it"
    )
    sign_in_address_failures: int = Field(
        default=20,
        ge=1,
        le=1000,
        description="failed sign-ins from one client address that lock it (an office shares one)",
    )
    sign_in_lock_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="how long those failures count and lock"
    )
    policy_file: Path | None = None

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if urlparse(value).scheme not in ("sqlite", "postgresql", "postgres"):
            raise ValueError("TRACKER_DATABASE_URL must start with sqlite:// or postgresql://")
        return value

    @property
    def is_postgres(self) -> bool:
        return urlparse(self.database_url).scheme in ("postgresql", "postgres")

    def postgres_conninfo(self) -> str:
        """A libpq connection string for this PostgreSQL store (the schema is set apart)."""
        from psycopg.conninfo import make_conninfo

        env = self.eventsourcing_env()
        return make_conninfo(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None,
        )

    def eventsourcing_env(self) -> dict[str, str]:
        """The eventsourcing library's settings for this database URL."""
        url = urlparse(self.database_url)
        env: dict[str, str] = {}
        if self.is_postgres:
            query = dict(part.split("=", 1) for part in url.query.split("&") if "=" in part)
            env.update(
                PERSISTENCE_MODULE="eventsourcing.postgres",
                POSTGRES_DBNAME=url.path.lstrip("/") or "postgres",
                POSTGRES_HOST=url.hostname or "127.0.0.1",
                POSTGRES_PORT=str(url.port or 5432),
                POSTGRES_USER=unquote(url.username or "postgres"),
                POSTGRES_PASSWORD=unquote(url.password or ""),
                POSTGRES_SCHEMA=query.get("schema", ""),
            )
            for name, default in POSTGRES_TUNING.items():
                env[name] = os.environ.get(name, default)
        else:
            path = url.path[1:] if url.path.startswith("/") else url.path
            if path != ":memory:" and path:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            env.update(PERSISTENCE_MODULE="eventsourcing.sqlite", SQLITE_DBNAME=path or ":memory:")
        if self.cipher_key is not None:
            env.update(
                CIPHER_TOPIC="eventsourcing.cryptography:AESCipher",
                CIPHER_KEY=self.cipher_key.get_secret_value(),
            )
        return env

"""Backup and restore of the whole database: SQLite through its online backup API, PostgreSQL through
``pg_dump --format=custom`` and ``pg_restore --clean``. Both keep the access log's hash chain intact, so
``misper audit verify`` passes on a restored copy."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection


def _client(name: str) -> str:
    """The full path of a PostgreSQL client program (pg_dump, pg_restore) on PATH."""
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} is not installed (it comes with the PostgreSQL client tools)")
    return path


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "",
    ]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def database_backup(path: Path) -> None:
    """Write a consistent copy of the current database to ``path``."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as dst:
            connection.connection.backup(dst)
        return
    args, env = _pg_args(db)
    subprocess.run(  # noqa: S603  (fixed program, arguments from settings, no shell)
        [_client("pg_dump"), *args, "--format=custom", "--no-owner", "-f", str(path), db["NAME"]],
        check=True,
        env=env,
        capture_output=True,
    )


def database_restore(path: Path) -> None:
    """Replace the current database's contents with the backup at ``path`` (made by ``database_backup``)."""
    if not path.exists():
        raise FileNotFoundError(path)
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as src:
            src.backup(connection.connection)
        return
    connection.close()  # pg_restore --clean drops tables this connection may hold locks on
    args, env = _pg_args(db)
    subprocess.run(  # noqa: S603  (fixed program, arguments from settings, no shell)
        [
            _client("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "-d",
            db["NAME"],
            str(path),
        ],
        check=True,
        env=env,
        capture_output=True,
    )

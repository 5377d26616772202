"""The engines' own copy and load of the whole database: SQLite through its online backup API, PostgreSQL
through ``pg_dump --format=custom`` and ``pg_restore --clean --single-transaction``. Also reads the access
log's rows out of such a copy without loading it, so a backup is verified before anything is written
(``misper.audit.backup``)."""

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


def engine_dump(path: Path) -> None:
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


def engine_load(path: Path) -> None:
    """Replace the current database's contents with the copy at ``path`` (made by ``engine_dump``)."""
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


_COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _copy_field(text: str) -> str | None:
    """One field of PostgreSQL's COPY text format: ``\\N`` is NULL, backslash escapes as documented."""
    if text == "\\N":
        return None
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(_COPY_ESCAPES.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def engine_audit_rows(path: Path) -> tuple[list[str], list[list[str | None]]]:
    """The access log's column names and rows (as text) in the copy at ``path``, without loading it."""
    if connection.vendor == "sqlite":
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as src:
            cursor = src.execute("SELECT * FROM audit_accessevent")
            names = [d[0] for d in cursor.description]
            return names, [[None if v is None else str(v) for v in row] for row in cursor]
    done = subprocess.run(  # noqa: S603  (fixed program, arguments from settings, no shell)
        [_client("pg_restore"), "--data-only", "--table=audit_accessevent", "-f", "-", str(path)],
        check=True,
        capture_output=True,
    )
    lines = done.stdout.decode().splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line.startswith("COPY ") and "audit_accessevent" in line), None
    )
    if start is None:
        return [], []
    names = [n.strip().strip('"') for n in lines[start].split("(", 1)[1].split(")", 1)[0].split(",")]
    rows = []
    for line in lines[start + 1 :]:
        if line == "\\.":
            break
        rows.append([_copy_field(f) for f in line.split("\t")])
    return names, rows

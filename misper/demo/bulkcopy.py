"""Fast writes of many synthetic rows: PostgreSQL ``COPY`` (psycopg 3), or ``bulk_create`` elsewhere.

A ``TableWriter`` takes plain tuples in a fixed column order, with primary keys allocated by the writer
(so that rows in other tables can point at them before anything is written). Columns not given get
their model default once, up front. Rows are written every ``FLUSH_ROWS``; ``close`` writes the rest and
moves the table's id sequence past the ids used. For synthetic bulk data only: no ``save()``, no
signals, no validation -- the generator is responsible for valid rows.
"""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Model

FLUSH_ROWS = 50_000
SQLITE_BATCH = 500
MAX_PENDING = 4


class CopyQueue:
    """Sends COPY blocks from one background thread, so generating the next rows overlaps the server's
    work. Uses the raw psycopg connection of Django's (same transaction); psycopg serialises its use."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="misper-copy")
        self.pending: list[Future[None]] = []

    def send(self, sql: str, data: str) -> None:
        raw = connection.connection
        self.pending.append(self.pool.submit(_copy, raw, sql, data))
        while len(self.pending) > MAX_PENDING:
            self.pending.pop(0).result()

    def wait(self) -> None:
        while self.pending:
            self.pending.pop(0).result()


def _copy(raw: Any, sql: str, data: str) -> None:
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(data)


def _default(field: Any, now: datetime) -> Any:
    if field.has_default():
        return field.get_default()
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.null:
        return None
    if field.get_internal_type() in ("CharField", "TextField", "SlugField", "EmailField", "FileField"):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value")


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    kind = type(value)
    if kind is str and "\\" not in value and "\t" not in value and "\n" not in value and "\r" not in value:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class TableWriter:
    """Buffered writer of rows of ``model``: ``columns`` are attribute names, the first must be ``id``."""

    def __init__(
        self, model: type[Model], columns: list[str], now: datetime, queue: CopyQueue | None = None
    ) -> None:
        assert columns[0] == "id"
        self.queue = queue
        self.model, self.columns = model, columns
        self.postgres = connection.vendor == "postgresql"
        fields = {f.attname: f for f in model._meta.concrete_fields}
        rest = [f for name, f in fields.items() if name not in columns]
        self.rest_names = [f.attname for f in rest]
        self.rest_values = [_default(f, now) for f in rest]
        db_columns = [str(fields[c].column) for c in columns] + [str(f.column) for f in rest]
        self.copy_sql = f"COPY {model._meta.db_table} ({', '.join(db_columns)}) FROM STDIN"
        self.tail = "".join("\t" + _copy_text(v) for v in self.rest_values) + "\n"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")  # noqa: S608 -- model's table
            self.next_id = (cursor.fetchone()[0] or 0) + 1
        self.buffer: list[Any] = []
        self.written = 0

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, row: tuple[Any, ...]) -> None:
        """Queue one row (values in ``columns`` order); written at the next flush."""
        if self.postgres:
            self.buffer.append("\t".join(map(_copy_text, row)) + self.tail)
        else:
            self.buffer.append(row)
        if len(self.buffer) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        if self.postgres and self.queue is not None:
            self.queue.send(self.copy_sql, "".join(self.buffer))
        elif self.postgres:
            with connection.cursor() as cursor, cursor.cursor.copy(self.copy_sql) as copy:
                copy.write("".join(self.buffer))
        else:
            defaults = dict(zip(self.rest_names, self.rest_values, strict=True))
            self.model._default_manager.bulk_create(
                [self.model(**defaults, **dict(zip(self.columns, row, strict=True))) for row in self.buffer],
                batch_size=SQLITE_BATCH,
            )
        self.written += len(self.buffer)
        self.buffer = []

    def close(self) -> int:
        """Write what is left and move the id sequence on (PostgreSQL); returns the rows written."""
        self.flush()
        if self.queue is not None:
            self.queue.wait()
        if self.postgres:
            table = self.model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 -- model's table
                    f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
                )
        return self.written


class LoadMode:
    """On PostgreSQL, drop the secondary indexes and foreign keys of ``tables`` for a bulk load and
    rebuild them after (measured: several times faster than maintaining them row by row, and no queue
    of deferred foreign-key checks at commit). Primary keys and unique constraints stay. Elsewhere a
    no-op. Use as a context manager inside the load's transaction."""

    def __init__(self, tables: list[str]) -> None:
        self.tables = tables
        self.indexes: list[str] = []
        self.foreign_keys: list[tuple[str, str, str]] = []

    def __enter__(self) -> LoadMode:
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # settle checks pending on earlier rows
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
                "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)",
                [self.tables],
            )
            self.foreign_keys = list(cursor.fetchall())
            for table, name, _ in self.foreign_keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [self.tables],
            )
            for name, definition in cursor.fetchall():
                self.indexes.append(definition)
                cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        if connection.vendor != "postgresql" or exc[0] is not None:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for table in self.tables:
                cursor.execute(f"ANALYZE {table}")

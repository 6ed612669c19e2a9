"""Hand-written SQL for the few statements every page and every autosave runs, built from the models.

Why not the ORM there: Django compiles a query afresh each time it runs. For the access check every
assessment page makes, compiling took 0.6 ms and the database 0.04 ms; the autosave spent three quarters
of its time compiling (README, "Performance"). The statements built with these helpers are plain text
made once per process from the models' own metadata, so a renamed table or column follows the model.
Rows come back through the same converters the ORM applies (SQLite returns datetimes as text, booleans as
integers), so an instance built here equals one the ORM loads; tests compare the two.

Writes of audited rows go through :func:`save_with_history` only, which writes the history row that
django-simple-history would write, in the same transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Field, Model
from django.db.models.expressions import Col
from django.utils import timezone

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


def quote(name: str | None) -> str:
    if not name:
        raise ValueError("a column without a name")
    return connection.ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


def field(model: type[Model], name: str) -> Field[Any, Any]:
    """A concrete field (a reverse relation or generic key has no column of its own)."""
    found = model._meta.get_field(name)
    if not isinstance(found, Field) or not found.concrete:
        raise ValueError(f"{model.__name__}.{name} has no column")
    return found


def column(model: type[Model], field_name: str, alias: str | None = None) -> str:
    name = quote(field(model, field_name).column)
    return f"{alias}.{name}" if alias else name


@dataclass(frozen=True)
class ModelColumns:
    """Every concrete column of a model under a table alias, and how to turn them back into an instance."""

    model: type[Model]
    select: str  # "a"."id", "a"."name", … for a SELECT list
    attnames: tuple[str, ...]
    converters: tuple[tuple[Col, tuple[Converter, ...]], ...]

    def instance(self, row: Sequence[Any], start: int = 0) -> Any:
        """The instance from ``row[start:start + len(attnames)]``, as ``Model.from_db`` makes it."""
        values = list(row[start : start + len(self.attnames)])
        for index, (col, converters) in enumerate(self.converters):
            for convert in converters:
                values[index] = convert(values[index], col, connection)
        return self.model.from_db(connection.alias, list(self.attnames), values)


_COLUMNS: dict[tuple[str, type[Model], str], ModelColumns] = {}


def model_columns(model: type[Model], alias: str) -> ModelColumns:
    key = (connection.vendor, model, alias)
    columns = _COLUMNS.get(key)
    if columns is None:
        fields = model._meta.concrete_fields
        converters = []
        for field in fields:
            col = Col(alias, field)
            # The compiler's order: the backend's converters, then the field's own.
            found = [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]
            converters.append((col, tuple(found)))
        columns = ModelColumns(
            model=model,
            select=", ".join(f"{alias}.{quote(f.column)}" for f in fields),
            attnames=tuple(f.attname for f in fields),
            converters=tuple(converters),
        )
        _COLUMNS[key] = columns
    return columns


MAX_ID = 2**63 - 1  # the largest key a 64-bit column holds


def is_id(value: int) -> bool:
    """May be a row's key. A URL's digits can name any integer, and SQLite refuses one beyond 64 bits
    with an error, where the ORM answers "no such row"."""
    return 0 < value <= MAX_ID


@dataclass(frozen=True, slots=True)
class SQLRows:
    """A statement's rows as a sequence ``Paginator`` can page: ``count()`` and slices run SQL."""

    select: str  # ordered; LIMIT and OFFSET are added for a slice
    select_params: tuple[object, ...]
    count_statement: str
    count_params: tuple[object, ...]

    def count(self) -> int:
        row = fetchone(self.count_statement, self.count_params)
        return int(row[0]) if row else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[tuple[object, ...]]:
        start, stop = window.start or 0, window.stop
        if stop is None or window.step not in (None, 1):
            raise TypeError("SQLRows are read a page at a time: rows[start:stop]")
        return fetchall(f"{self.select} LIMIT %s OFFSET %s", [*self.select_params, stop - start, start])


def paginate(rows: SQLRows, per_page: int, number: Any) -> Page[Any]:
    """``Paginator(...).get_page(number)`` over SQL rows: it only counts them and reads a slice (the stubs
    ask for a full sequence)."""
    return Paginator(cast(Any, rows), per_page).get_page(number)


def fetchone(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetchall(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: Sequence[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def db_value(field: Field[Any, Any], value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def save_with_history(
    instance: Model, fields: Sequence[str], *, user: Any, expected: Mapping[str, Any] | None = None
) -> bool:
    """``instance.save(update_fields=fields)`` plus the "~" history row django-simple-history writes.

    ``auto_now`` fields among ``fields`` get the current time, as ``save()`` gives them. The history row is
    copied from the row just written (``INSERT … SELECT``), so it holds exactly what the table holds; its
    ``history_username`` is the user's name, as the ``pre_create_historical_record`` receiver in
    ``assessments.models`` sets it. Runs in the caller's transaction.

    ``expected`` makes it a compare-and-set: the row is written only while those fields still hold those
    values. False, and nothing written, when it does not (or the row is gone).
    """
    model = type(instance)
    now = timezone.now()
    conditions = tuple(expected or ())
    update, written = _update_statement(connection.vendor, model, tuple(fields), conditions)
    params = []
    for target in written:
        if getattr(target, "auto_now", False):
            setattr(instance, target.attname, now)
        params.append(db_value(target, getattr(instance, target.attname)))
    params.append(instance.pk)
    params.extend(db_value(field(model, name), (expected or {})[name]) for name in conditions)
    if execute(update, params) != 1:
        return False
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        history: Any = history_model(model)
        username = (
            [] if history_username_field(history) is None else ["" if user is None else user.get_username()]
        )
        execute(
            _history_statement(connection.vendor, model),
            [
                db_value(field(history, "history_date"), now),
                "~",
                None if user is None else user.pk,
                None,
                *username,
                instance.pk,
            ],
        )
    return True


@functools.cache
def _update_statement(
    vendor: str, model: type[Model], fields: tuple[str, ...], conditions: tuple[str, ...]
) -> tuple[str, list[Field[Any, Any]]]:
    written = [field(model, name) for name in fields]
    assignments = ", ".join(f"{quote(target.column)} = %s" for target in written)
    pk_column = quote(model._meta.pk.column if model._meta.pk else None)
    where = " AND ".join([f"{pk_column} = %s", *(f"{column(model, name)} = %s" for name in conditions)])
    return f"UPDATE {table(model)} SET {assignments} WHERE {where}", written  # noqa: S608


@functools.cache
def history_model(model: type[Model]) -> type[Any]:
    """The django-simple-history model of ``model`` (``model.history`` builds a new manager on each read)."""
    return getattr(model, model._meta.simple_history_manager_attribute).model  # type: ignore[attr-defined]


@functools.cache
def history_username_field(history: type[Model]) -> Field[Any, Any] | None:
    """``history_username`` where the history rows have it (``assessments.models.HistoryUsername``)."""
    names = {f.name for f in history._meta.concrete_fields}
    return field(history, "history_username") if "history_username" in names else None


@functools.cache
def _history_statement(vendor: str, model: type[Model]) -> str:
    """INSERT of the history row copied from the row itself; parameters: date, type, user, reason,
    [username,] primary key."""
    history: Any = history_model(model)
    tracked = [quote(f.column) for f in history.tracked_fields]
    extra = ["history_date", "history_type", "history_user", "history_change_reason"]
    if history_username_field(history) is not None:
        extra.append("history_username")
    columns = [*tracked, *(quote(field(history, name).column) for name in extra)]
    values = [*tracked, *("%s" for _ in extra)]
    pk_column = quote(model._meta.pk.column if model._meta.pk else None)
    return (
        f"INSERT INTO {table(history)} ({', '.join(columns)}) "  # noqa: S608 - names from the models
        f"SELECT {', '.join(values)} FROM {table(model)} WHERE {pk_column} = %s"
    )

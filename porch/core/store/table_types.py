"""The column types and the MetaData every table of Porch's store shares."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime as _DateTime
from sqlalchemy import Dialect, MetaData, TypeDecorator


class DateTime(TypeDecorator[dt.datetime]):
    """Timestamps stored as UTC and always read back timezone-aware, on SQLite too."""

    impl = _DateTime
    cache_ok = True

    def __init__(self, timezone: bool = True) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware one")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


metadata = MetaData()

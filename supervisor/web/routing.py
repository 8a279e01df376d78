"""URL converters: an id in a URL is one a table can hold, or the page is simply not found."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, ValidationError

# Primary keys are ``Integer``: int4 on PostgreSQL, the smallest of the databases we run on.
ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` for the whole app: 0 to ``ID_MAX``, so no database is asked for more.

    A larger number cannot be a row on any database; asked anyway, SQLite overflows past
    2**63 and PostgreSQL past 2**31. Too many digits fail before Python parses them.
    """

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = ID_MAX,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> int:
        if self.max is not None and len(value) > len(str(self.max)):
            raise ValidationError()
        number: int = super().to_python(value)
        return number


def init_app(app: Flask) -> None:
    """Replace the ``int`` converter; must come before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter

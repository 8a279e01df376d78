# The part of huey the app uses (huey ships no types).
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from huey.api import Result as Result

F = TypeVar("F", bound=Callable[..., Any])

class Huey:
    name: str
    def __init__(self, name: str = ..., **kwargs: Any) -> None: ...
    def task(self, *, name: str | None = ..., **kwargs: Any) -> Callable[[F], Any]: ...
    def periodic_task(
        self,
        validate_datetime: Callable[[datetime], bool],
        *,
        name: str | None = ...,
        **kwargs: Any,
    ) -> Callable[[F], Any]: ...
    def create_consumer(self, **options: Any) -> Any: ...
    def pending_count(self) -> int: ...
    def flush(self) -> None: ...

class RedisHuey(Huey): ...
class SqliteHuey(Huey): ...

def crontab(
    minute: str = ...,
    hour: str = ...,
    day: str = ...,
    month: str = ...,
    day_of_week: str = ...,
    strict: bool = ...,
) -> Callable[[datetime], bool]: ...

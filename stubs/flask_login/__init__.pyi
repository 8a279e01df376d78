from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask
from flask.typing import ResponseReturnValue

_F = TypeVar("_F", bound=Callable[..., Any])

# A proxy to whatever the user loader returned (here a Guardian or a Child), or to an
# anonymous user: its attributes are as dynamic as that.
current_user: Any

class LoginManager:
    def __init__(self, app: Flask | None = None, add_context_processor: bool = True) -> None: ...
    def init_app(self, app: Flask, add_context_processor: bool = True) -> None: ...
    def user_loader(self, callback: _F) -> _F: ...
    def unauthorized_handler(self, callback: _F) -> _F: ...
    def unauthorized(self) -> ResponseReturnValue: ...

def login_user(
    user: Any,
    remember: bool = False,
    duration: timedelta | None = None,
    force: bool = False,
    fresh: bool = True,
) -> bool: ...
def logout_user() -> bool: ...

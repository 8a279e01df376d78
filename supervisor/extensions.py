"""Flask extensions, created unbound here and bound to an app in ``create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from supervisor.db import Database

# A statement that fails is logged without its parameters: they may be emails or notes. Each
# connection is tried before the pool hands it out (a cheap round trip), so one that a database
# restart or failover closed is replaced instead of failing the request that draws it.
db = Database(hide_parameters=True, pool_pre_ping=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()

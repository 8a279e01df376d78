"""Configuration classes for the app.

Values are overridden from environment variables that start with ``SUPERVISOR_``
(``SUPERVISOR_SECRET_KEY``, ``SUPERVISOR_DATABASE_URL``, ...), and the class itself is
chosen by ``SUPERVISOR_ENV`` (``production`` unless set, so a forgotten setting is safe).
"""

from __future__ import annotations

from datetime import timedelta

DEFAULT_DATABASE_URL = "sqlite:///supervisor.sqlite3"  # in the instance folder


class Config:
    """Safe defaults shared by every environment."""

    ENV_NAME = "production"
    SECRET_KEY: str | None = None
    # Where the site is served, such as https://supervisor.example.org: the links the app
    # sends out start with it. Required in production (see supervisor/links.py).
    BASE_URL: str | None = None
    # How many reverse proxies in front of the app set X-Forwarded-For, -Proto, -Host and
    # -Port: the client's address (sign-up limits count per client), the scheme and the host
    # come from the last that many of them. 0 trusts no such header (supervisor/web/security.py).
    TRUSTED_PROXIES = 0
    # The hosts the app answers for, besides BASE_URL's; from the environment a comma-separated
    # list (or JSON). None: in production BASE_URL's host only, elsewhere any (supervisor/links.py).
    TRUSTED_HOSTS: list[str] | None = None
    # The languages people may read the app in; a language joins once its catalog is complete
    # (supervisor/translations/, `make translations`).
    LANGUAGES = ("en", "es")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = "translations"  # beside supervisor/app.py
    # Any SQLAlchemy URL. Required in production, which never makes up a database of its own
    # (SQLite only when named, such as sqlite:////srv/supervisor.sqlite3); development and
    # testing default to DEFAULT_DATABASE_URL. Relative SQLite paths live in the instance folder.
    DATABASE_URL: str | None = None
    # psycopg prepares a statement the fifth time a connection runs it; false turns that off,
    # for a PgBouncer in transaction mode older than 1.21 (see README, "Running in production").
    DATABASE_PREPARE = True

    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_PATH = "/"
    # The long-lived cookie that marks a browser as the family tablet.
    DEVICE_COOKIE_NAME = "__Host-device"
    DEVICE_COOKIE_LIFETIME = timedelta(days=400)
    HSTS = True

    # How long a login lasts when nobody touches it: a guardian on their own browser, a
    # guardian on the shared tablet, a child on the tablet. Never longer than the absolute limit.
    GUARDIAN_IDLE_TIMEOUT = timedelta(minutes=30)
    TABLET_GUARDIAN_IDLE_TIMEOUT = timedelta(minutes=5)
    CHILD_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    # Sensitive guardian actions need the password typed this recently.
    STEP_UP_WINDOW = timedelta(minutes=5)
    # Rendered pages each worker keeps while nothing they show has changed
    # (``supervisor/web/kept_pages.py``); 0 keeps none. About 30 kB each.
    KEPT_PAGES = 1000
    # Render every kept page again when it is served and fail if it differs (the tests).
    KEPT_PAGES_CHECK = False

    LOGIN_MAX_FAILURES = 10
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    # Each lock in a row lasts longer, up to the last step; none is for good.
    LOGIN_LOCKOUTS = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4))
    # Locks stop counting as "in a row" once this long has passed after the last one ended.
    LOGIN_LOCKOUT_RESET = timedelta(hours=24)
    # Sign-up and joining by invite tell whether an address has an account: attempts are
    # limited per email address and per client address (a family signs up once or twice).
    SIGNUP_MAX_PER_EMAIL = 10
    SIGNUP_EMAIL_WINDOW = timedelta(minutes=15)
    SIGNUP_MAX_PER_CLIENT = 20
    SIGNUP_CLIENT_WINDOW = timedelta(hours=1)

    INVITE_LIFETIME = timedelta(hours=72)
    # A password-reset link works once, for this long, and only while it is the newest one.
    RESET_LINK_LIFETIME = timedelta(minutes=30)
    # A link that confirms an address (a new account's, or a changed one).
    CONFIRM_LINK_LIFETIME = timedelta(days=7)
    # Reset requests per address and per client address: each sends a mail.
    RESET_MAX_PER_EMAIL = 5
    RESET_EMAIL_WINDOW = timedelta(hours=1)
    RESET_MAX_PER_CLIENT = 20
    RESET_CLIENT_WINDOW = timedelta(hours=1)

    # How long records that are not the family's own history are kept (README, "How long
    # records are kept"); the daily `prune` job deletes what is older, PRUNE_BATCH rows a
    # statement. A family's sign-offs, track events, check-ins, corrections, learning
    # moments and agreements are never pruned while the family exists.
    # The security log: a year and a month, so a family or an operator can look back over a
    # whole year (a yearly refresher, a sign-in from last summer) with a month to ask.
    AUDIT_RETENTION = timedelta(days=396)
    # A notification a guardian read is gone from the page already; unread ones wait longer.
    READ_NOTIFICATION_RETENTION = timedelta(days=90)
    UNREAD_NOTIFICATION_RETENTION = timedelta(days=396)
    # After an invite link ends (used or not), so its page can still say "used" or "expired".
    INVITE_RETENTION = timedelta(days=30)
    # A sent mail keeps only its address and subject: kept to answer "did it go out?".
    SENT_MAIL_RETENTION = timedelta(days=30)
    # A mail that failed for good keeps the server's answer for the operator to look into.
    FAILED_MAIL_RETENTION = timedelta(days=90)
    # Which reminders went out; the reminders job reads back only its last 9 days.
    SENT_REMINDER_RETENTION = timedelta(days=30)
    # The periodic jobs' turns (one row a job and period).
    JOB_RUN_RETENTION = timedelta(days=30)
    PRUNE_BATCH = 5000

    # Mail goes out over SMTP from the worker (see supervisor/mail/). With no host, each
    # message is written to MAIL_FOLDER instead (relative paths live in the instance folder).
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = True
    SMTP_TIMEOUT = 30
    MAIL_FROM = "Supervisor <no-reply@supervisor.invalid>"
    MAIL_FOLDER = "mail"
    # The job queue (huey): Redis when REDIS_URL is set, else SQLite in the instance folder.
    REDIS_URL: str | None = None
    QUEUE_FILE = "queue.sqlite3"
    QUEUE_NAME = "supervisor"
    WORKER_THREADS = 2
    # /dev/mail lists the messages written to MAIL_FOLDER; never in production.
    DEV_MAIL_PAGE = False
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_MAX_LENGTH = 128
    # Argon2id's costs for new password and PIN hashes: OWASP's recommended minimum, m=19 MiB,
    # t=2, p=1 (see supervisor/passwords.py). Stored hashes verify at whatever costs they
    # were made with, and are made again at these when their owner next signs in.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456  # KiB
    ARGON2_PARALLELISM = 1


class DevelopmentConfig(Config):
    """Plain HTTP on localhost: cookies cannot be Secure, so no ``__Host-`` prefix."""

    ENV_NAME = "development"
    DATABASE_URL = DEFAULT_DATABASE_URL
    SESSION_COOKIE_NAME = "supervisor_session"
    DEVICE_COOKIE_NAME = "supervisor_device"
    SESSION_COOKIE_SECURE = False
    HSTS = False
    DEV_MAIL_PAGE = True


class TestingConfig(Config):
    """Production-like security settings but the cost of hashing; tests talk to the app over
    https."""

    ENV_NAME = "testing"
    TESTING = True
    DATABASE_URL = DEFAULT_DATABASE_URL
    # Argon2id at its smallest cost: tests sign in thousands of times. The tests that hold
    # the shipped costs build their app with ``Config``'s.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    KEPT_PAGES_CHECK = True  # a write that leaves a kept page stale fails its test


class ProductionConfig(Config):
    """Served behind HTTPS; SECRET_KEY must come from the environment."""

    DEV_MAIL_PAGE = False  # whatever the environment says (see supervisor/app.py)


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

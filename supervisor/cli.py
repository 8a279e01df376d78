"""``flask --app wsgi supervisor ...`` commands for running the app.

They are not requests: each runs its writes in one ``session.begin()`` block of its own.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from supervisor import clock, logs
from supervisor import db as database
from supervisor.accounts import addresses, recovery
from supervisor.accounts import operations as accounts
from supervisor.extensions import db
from supervisor.family import looked
from supervisor.family import operations as family
from supervisor.jobs import queue, retention, tasks

group = AppGroup("supervisor", help="Manage the supervisor app.")

DEMO_PASSWORD = "demo-family-password"  # noqa: S105 - printed for the local demo only


@group.command("upgrade")
def upgrade_command() -> None:
    """Create the database if needed and apply every migration."""
    database.upgrade(db.engine)
    click.echo("The database is up to date.")


@group.command("demo")
def demo_command() -> None:
    """Create a demo family with two children and print how to sign in."""
    email = "demo@example.org"
    with db.session.begin():
        if accounts.email_in_use(email):
            click.echo(f"The demo family exists already: sign in as {email} / {DEMO_PASSWORD}")
            return
        guardian = accounts.create_family(
            "The Demo Family",
            "Sam Demo",
            email,
            DEMO_PASSWORD,
            country="GB",
            timezone="Europe/London",
        )
        addresses.mark_confirmed(guardian)  # an example address: no mail goes to it
        family.add_child(guardian.family_id, "Ada", "fox", "sky", 2014, 3)
        family.add_child(guardian.family_id, "Ben", "turtle", "leaf", 2016, 11)
    click.echo(f"Demo family created. Sign in as {email} with the password {DEMO_PASSWORD}")


@group.command("daily")
def daily_command() -> None:
    """Daily upkeep: end supervision for children who have turned 18; forget old sign-up
    counts and looks. It waits for no one: while another machine runs it, it does nothing."""
    done = queue.alone("daily", tasks.upkeep)
    if done is None:
        click.echo("Another worker is doing the daily upkeep now; nothing done here.")
        return
    click.echo(f"Supervision ended on {done['majority']} track(s) at 18.")
    click.echo(f"Forgot {done['forgotten']} expired sign-up count(s).")
    click.echo(f"Forgot {done['looks_forgotten']} look(s) older than {looked.KEPT_DAYS} days.")


@group.command("prune")
def prune_command() -> None:
    """Delete what the retention policy no longer keeps (README, "How long records are
    kept"), in batches; the worker does it once a day."""
    for kind, count in retention.prune(clock.now()).items():
        click.echo(f"{kind}: {count} deleted")


@group.command("reset-link")
@click.argument("email")
def reset_link_command(email: str) -> None:
    """Print a one-time link to set a new password for the guardian who signs in with EMAIL
    (for a family that lost its mailbox; it works once, for as long as a mailed one)."""
    with db.session.begin():
        url = recovery.make_reset_link(email)
    if url is None:
        click.echo(f"No account signs in with {email.strip().lower()}.", err=True)
        raise SystemExit(1)
    minutes = int(current_app.config["RESET_LINK_LIFETIME"].total_seconds() // 60)
    click.echo(f"A link to set a new password, working once for {minutes} minutes:")
    click.echo(url)


@group.command("worker")
def worker_command() -> None:
    """Run the job queue's worker: it sends mail and runs the periodic jobs (any number of
    workers may run, on any number of machines sharing the queue and the database)."""
    logs.configure()  # as create_app does: huey's own lines in the same format
    huey = queue.of(current_app)
    consumer = huey.create_consumer(
        workers=current_app.config["WORKER_THREADS"],
        worker_type="thread",
        periodic=True,
        max_delay=2.0,  # an idle worker looks for work at least every 2 seconds
    )
    consumer.run()


def init_app(app: Flask) -> None:
    app.cli.add_command(group)

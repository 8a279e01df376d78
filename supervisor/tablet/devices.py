"""Enrolled family tablets. The browser keeps a random token; the database keeps its digest."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

from supervisor import clock, tokens
from supervisor.extensions import db
from supervisor.models import Device, Guardian


def current() -> Device | None:
    """The enrolled tablet this request comes from, or ``None`` (looked up once per request)."""
    if "device" not in g:
        token = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
        device = None
        if token:
            device = db.session.scalar(
                sa.select(Device).where(Device.token_hash == tokens.digest(token))
            )
            # A revoked tablet's cookie is useless; tell the browser to drop it.
            g.forget_device_cookie = device is None
        g.device = device
        g.device_id = device.id if device else None
    device_or_none: Device | None = g.device
    return device_or_none


def enrol(guardian: Guardian, name: str) -> tuple[Device, str]:
    """Register this browser as a tablet of ``guardian``'s family; returns the cookie token."""
    token = tokens.new_token()
    device = Device(
        family_id=guardian.family_id,
        name=name,
        token_hash=tokens.digest(token),
        created_by_id=guardian.id,
        created_at=clock.now(),
    )
    db.session.add(device)
    db.session.flush()
    g.device, g.device_id = device, device.id
    return device, token


def used(device: Device) -> None:
    """A profile was opened on the tablet now: its list shows when each was last used."""
    device.last_used_at = clock.now()


def revoke(device: Device) -> None:
    """The tablet stops working: its row goes, and its sessions with it."""
    db.session.delete(device)


def family_devices(family_id: int) -> list[Device]:
    return list(
        db.session.scalars(
            sa.select(Device)
            .options(sa.orm.joinedload(Device.created_by))
            .where(Device.family_id == family_id)
            .order_by(Device.created_at)
        )
    )


def set_cookie(response: Response, token: str) -> Response:
    config = current_app.config
    response.set_cookie(
        config["DEVICE_COOKIE_NAME"],
        token,
        max_age=int(config["DEVICE_COOKIE_LIFETIME"].total_seconds()),
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
        path="/",
    )
    return response


def _forget_revoked_cookie(response: Response) -> Response:
    if g.get("forget_device_cookie"):
        config = current_app.config
        response.delete_cookie(
            config["DEVICE_COOKIE_NAME"],
            path="/",
            secure=config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def init_app(app: Flask) -> None:
    app.after_request(_forget_revoked_cookie)
    app.context_processor(lambda: {"on_tablet": current() is not None})

"""Sign-up, sign-in, sign-out, joining a family by invite, and the account page (password,
name and email)."""

from __future__ import annotations

from urllib.parse import unquote

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext, refresh
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from supervisor import audit, clock
from supervisor.accounts import addresses, recovery, sessions, signup_throttle
from supervisor.accounts import operations as accounts
from supervisor.family import invites, rules
from supervisor.mail import outbox
from supervisor.mail.topics import OPTIONAL, Topic
from supervisor.notices import N_, Word, notice
from supervisor.tablet import devices
from supervisor.tracks import operations
from supervisor.web import authority, stepup
from supervisor.web.access import current_guardian, guardian_only, not_for_children
from supervisor.web.forms.auth import (
    DetailsForm,
    ForgotPasswordForm,
    JoinFamilyForm,
    LoginForm,
    MailChoicesForm,
    PasswordChangeForm,
    ResetPasswordForm,
    SignupForm,
    normalise_email,
)
from supervisor.web.forms.fields import required
from supervisor.web.forms.language import LanguageForm, chosen

bp = Blueprint("auth", __name__)

EMAIL_TAKEN = _l(
    "An account with this email already exists. Sign in instead, or use another address."
)


@bp.get("/")
def index() -> str | Response:
    """Everyone to their own start: family page, child page, the tablet's picker, or welcome."""
    if current_user.is_authenticated:
        return redirect(url_for("family.home" if current_user.is_guardian else "child.home"))
    if devices.current() is not None:
        return redirect(url_for("tablet.picker"))
    return render_template("auth/welcome.html")


@bp.route("/signup", methods=["GET", "POST"])
@not_for_children
def signup() -> str | Response | tuple[str, int]:
    """Create a family and its first guardian; attempts are limited per address."""
    if (tablet := _on_the_family_tablet()) is not None:
        return tablet
    form = SignupForm()
    if form.validate_on_submit():
        email = normalise_email(required(form.email.data))
        if (over := _over_the_limit("signup", email, form)) is not None:
            return render_template("auth/signup.html", form=form), over
        try:
            guardian = accounts.create_family(
                required(form.family_name.data),
                required(form.name.data),
                email,
                required(form.password.data),
                country=form.country.data,
                timezone=form.timezone.data,
            )
        except accounts.EmailTaken:
            audit.record("signup", audit.FAILURE, family_id=None, subject=email)
            form.email.errors = [*form.email.errors, str(EMAIL_TAKEN)]
        else:
            sessions.start(guardian)
            addresses.send_confirmation(guardian)
            audit.record("signup", audit.SUCCESS, family_id=guardian.family_id, actor=guardian)
            flash(
                _(
                    "Welcome, %(name)s. We mailed a link to %(email)s: open it to confirm your "
                    "address. Add your first child to get started.",
                    name=guardian.name,
                    email=guardian.email,
                ),
                "success",
            )
            return redirect(url_for("family.home"))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@not_for_children
def login() -> str | Response | tuple[str, int]:
    """Sign a guardian in; repeated failures for one address are slowed down.

    On the family tablet everyone starts from the picker instead.
    """
    if devices.current() is not None:
        return redirect(url_for("tablet.picker"))
    form = LoginForm()
    if form.validate_on_submit():
        email = normalise_email(required(form.email.data))
        result = accounts.sign_in(email, required(form.password.data))
        guardian = result.guardian
        audit.record(
            "login",
            audit.SUCCESS if guardian else audit.FAILURE,
            family_id=guardian.family_id if guardian else None,
            actor=guardian,
            subject=None if guardian else email,
        )
        if guardian is not None:
            sessions.start(guardian)
            operations.end_supervision_at_majority(guardian.family_id)
            return redirect(_safe_next(request.args.get("next")))
        if result.locked_until is not None:
            form.form_errors.append(accounts.lockout_message(result.locked_until))
            return render_template("auth/login.html", form=form), 429
        form.form_errors.append(_("That email and password don't match an account."))
    return render_template("auth/login.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@not_for_children
def forgot_password() -> str | Response | tuple[str, int]:
    """Ask for a reset link by mail; the answer is the same whether the address has an
    account or not, and asking is limited per address and per client address."""
    if (tablet := _on_the_family_tablet()) is not None:
        return tablet
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = normalise_email(required(form.email.data))
        retry_at = signup_throttle.admit(email, request.remote_addr, signup_throttle.RESET)
        if retry_at is not None:
            audit.record("password_reset_request", audit.DENIED, family_id=None, subject=email)
            form.form_errors.append(
                signup_throttle.refusal_message(retry_at, signup_throttle.RESET)
            )
            return render_template("auth/forgot.html", form=form, sent=None), 429
        recovery.request_reset(email)
        audit.record("password_reset_request", audit.SUCCESS, family_id=None, subject=email)
        minutes = int(current_app.config["RESET_LINK_LIFETIME"].total_seconds() // 60)
        sent = ngettext(
            "If an account uses that address, we have sent it a link to set a new password. "
            "It works for %(num)d minute.",
            "If an account uses that address, we have sent it a link to set a new password. "
            "It works for %(num)d minutes.",
            minutes,
        )
        return render_template("auth/forgot.html", form=None, sent=sent)
    return render_template("auth/forgot.html", form=form, sent=None)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@not_for_children
def reset_password(token: str) -> str | Response | tuple[str, int]:
    """Set a new password from a reset link: once, within its time, while it is the newest.

    Every session of the account ends; the guardian gets a mail and the others a notice.
    """
    if (tablet := _on_the_family_tablet()) is not None:
        return tablet
    found = recovery.find_reset(token)
    if isinstance(found, recovery.Problem):
        return render_template("auth/reset.html", form=None, problem=str(found.value)), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(found, required(form.password.data))
        except recovery.AlreadyUsed:
            return render_template(
                "auth/reset.html", form=None, problem=str(recovery.Problem.INVALID.value)
            ), 409
        sessions.end()
        flash(_("Your new password is set. Sign in with it."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, problem=None)


@bp.post("/logout")
def logout() -> Response:
    """Sign out (or "Switch person" on the tablet): the session ends on the server."""
    if current_user.is_authenticated:
        audit.record(
            "logout",
            audit.SUCCESS,
            family_id=current_user.family_id,
            actor=current_user._get_current_object(),
        )
    sessions.end()
    if devices.current() is not None:
        return redirect(url_for("tablet.picker"))
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@not_for_children
def join_family(token: str) -> str | Response | tuple[str, int]:
    """Join a family from a guardian's invite link, choosing one's own password.

    Attempts count against the same limits as sign-up. Joining ends whatever session this
    browser had, and every other guardian is told.
    """
    if (tablet := _on_the_family_tablet()) is not None:
        return tablet
    found = invites.find(token)
    form = JoinFamilyForm()
    if isinstance(found, invites.InviteProblem):
        form.form_errors.append(found.value)
        status = 403 if found is invites.InviteProblem.WAITING else 410
        return render_template("auth/join.html", form=form, invite=None), status
    if request.method == "GET" and found.email:
        form.email.data = found.email
    if form.validate_on_submit():
        email = normalise_email(required(form.email.data))
        if (over := _over_the_limit("join_family", email, form)) is not None:
            return render_template("auth/join.html", form=form, invite=found), over
        try:
            guardian = invites.accept(
                found, required(form.name.data), email, required(form.password.data)
            )
        except accounts.EmailTaken:
            audit.record("join_family", audit.FAILURE, family_id=None, subject=email)
            form.email.errors = [*form.email.errors, str(EMAIL_TAKEN)]
        except invites.AlreadyUsed:
            form.form_errors.append(invites.InviteProblem.USED.value)
            return render_template("auth/join.html", form=form, invite=None), 409
        else:
            sessions.start(guardian)
            held = rules.hold_open_invites(guardian.family_id)
            joined = notice(
                N_(
                    "%(name)s (%(email)s) joined the family as a guardian, with an invite link "
                    "made by %(inviter)s. They can see everything and sign off."
                ),
                name=guardian.name,
                email=guardian.email,
                inviter=found.created_by.name if found.created_by else Word(N_("a guardian")),
            )
            authority.done(
                f"invite:{found.id}", joined.then(rules.held_invites_notice(held)), by=guardian
            )
            flash(
                _(
                    "Welcome to %(family)s, %(name)s.",
                    family=guardian.family.name,
                    name=guardian.name,
                ),
                "success",
            )
            return redirect(url_for("family.home"))
    return render_template("auth/join.html", form=form, invite=found)


@bp.route("/account", methods=["GET", "POST"])
@guardian_only
def account() -> str | Response | tuple[str, int]:
    """Change one's password; every other session of the account ends.

    Wrong current passwords count against the sign-in throttle of the account's address.
    """
    form = PasswordChangeForm()
    if form.validate_on_submit():
        guardian = current_guardian()
        result = accounts.change_password(
            guardian, required(form.current_password.data), required(form.password.data)
        )
        if result.guardian is not None:
            sessions.end_others(guardian)
            if outbox.may_mail(guardian):
                recovery.password_changed(guardian, when=clock.now())
            authority.done(
                guardian.get_id(),
                notice(
                    N_("%(name)s changed their password; their other devices were signed out."),
                    name=guardian.name,
                ),
                by=guardian,
            )
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("family.home"))
        audit.record("password_change", audit.FAILURE, family_id=guardian.family_id, actor=guardian)
        if result.locked_until is not None:
            form.form_errors.append(accounts.lockout_message(result.locked_until))
            return _account_page(form=form), 429
        form.current_password.errors = [
            *form.current_password.errors,
            _("That is not your current password."),
        ]
    return _account_page(form=form)


@bp.post("/account/details")
@guardian_only
def details() -> Response | tuple[str, int]:
    """Change one's own name at once, and ask to move one's sign-in email (with a fresh
    password): the new address must confirm by its link first; the old one is told."""
    guardian = current_guardian()
    form = DetailsForm()
    if form.validate_on_submit():
        name, email = required(form.name.data), normalise_email(required(form.email.data))
        before = (guardian.name, guardian.email)
        renamed = name.strip() != before[0]
        if (name.strip(), email) == before:
            flash(_("Your name and email are as they were; nothing was changed."), "info")
            return redirect(url_for("auth.account"))
        try:
            if email != before[1]:
                addresses.request_change(guardian, email)
            if renamed:
                accounts.change_details(guardian, name, before[1])
        except accounts.EmailTaken:
            form.email.errors = [
                *form.email.errors,
                _("Another account already signs in with this email. Use another address."),
            ]
        else:
            if not renamed:
                told = N_(
                    "%(old_name)s asked to move their sign-in email from %(old_email)s to "
                    "%(new_email)s (it changes once that address confirms)."
                )
            elif email == before[1]:
                told = N_("%(old_name)s changed their name from %(old_name)s to %(new_name)s.")
            else:
                told = N_(
                    "%(old_name)s changed their name from %(old_name)s to %(new_name)s and asked "
                    "to move their sign-in email from %(old_email)s to %(new_email)s (it changes "
                    "once that address confirms)."
                )
            authority.done(
                guardian.get_id(),
                notice(
                    told,
                    old_name=before[0],
                    new_name=guardian.name,
                    old_email=before[1],
                    new_email=email,
                ),
                by=guardian,
            )
            parts = []
            if renamed:
                parts.append(_("Your name is saved."))
            if email != before[1]:
                parts.append(
                    _(
                        "We sent a link to %(email)s: your sign-in address changes once you "
                        "open it and confirm. Until then you sign in with %(old)s.",
                        email=email,
                        old=before[1],
                    )
                )
            flash(" ".join(parts), "success")
            return redirect(url_for("auth.account"))
    return _account_page(details_form=form), 400


@bp.route("/account/confirm/<token>", methods=["GET", "POST"])
@not_for_children
def confirm_address(token: str) -> str | Response | tuple[str, int]:
    """A confirmation link from a mail: the page asks for a click (a GET changes nothing);
    the POST confirms the address, whether or not this browser is signed in."""
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        result = addresses.confirm(token)
        if isinstance(result, addresses.Problem):
            flash(str(result.value), "error")
        elif current_user.is_authenticated and current_user.get_id() == result.get_id():
            flash(
                _("Thank you: %(email)s is confirmed as your sign-in address.", email=result.email),
                "success",
            )
        else:  # the link's owner, not whoever this browser is signed in as
            flash(
                _(
                    "Thank you: %(email)s is confirmed as %(name)s's sign-in address.",
                    email=result.email,
                    name=result.name,
                ),
                "success",
            )
        signed_in = current_user.is_authenticated and current_user.is_guardian
        return redirect(url_for("auth.account" if signed_in else "auth.login"))
    link = addresses.check(token)
    if isinstance(link, addresses.Problem):
        return render_template("auth/confirm_address.html", problem=link), 410
    return render_template("auth/confirm_address.html", form=form, token=token, link=link)


@bp.post("/account/confirmation")
@guardian_only
def resend_confirmation() -> Response:
    """Send the confirmation link again, at most once every two minutes."""
    guardian = current_guardian()
    wait_until = addresses.resend_at(guardian)
    if wait_until is not None:
        flash(
            _(
                "A confirmation link was sent less than two minutes ago. Check your mail, or "
                "try again in %(wait)s.",
                wait=accounts.how_long(wait_until),
            ),
            "error",
        )
        return redirect(url_for("auth.account"))
    try:
        sent_to = addresses.resend(guardian)
    except accounts.EmailTaken as taken:
        flash(
            _(
                "Another account signs in with %(email)s now, so it cannot become yours. "
                "Ask for another address in the form below.",
                email=str(taken),
            ),
            "error",
        )
        return redirect(url_for("auth.account"))
    if sent_to is None:
        flash(_("Your address is confirmed already; there is nothing to send."), "info")
    else:
        authority.done(guardian.get_id(), by=guardian)
        flash(_("A new confirmation link is on its way to %(email)s.", email=sent_to), "success")
    return redirect(url_for("auth.account"))


def _account_page(
    form: PasswordChangeForm | None = None, details_form: DetailsForm | None = None
) -> str:
    guardian = current_guardian()
    return render_template(
        "auth/account.html",
        form=form or PasswordChangeForm(formdata=None),
        details_form=details_form
        or DetailsForm(formdata=None, name=guardian.name, email=guardian.email),
        needs_password=not stepup.is_fresh(),
        pending=addresses.pending_change(guardian),
        resend_wait=addresses.resend_at(guardian),
        mail_form=MailChoicesForm(
            formdata=None,
            topics=[t.value for t in OPTIONAL if t.value not in guardian.mail_off],
        ),
        mail_confirmed=guardian.email_confirmed_at is not None,
        language_form=LanguageForm(formdata=None, language=guardian.language or ""),
    )


@bp.post("/account/language")
@guardian_only
def language() -> Response:
    """The language this guardian reads the app in; the rest of the family keeps theirs."""
    form = LanguageForm()
    if "language" not in form or not form.validate_on_submit():
        flash(_("That language could not be read. Try again."), "error")
        return redirect(url_for("auth.account"))
    accounts.set_language(current_guardian(), chosen(form, None))
    refresh()  # told in the language just chosen, as the next page will be
    flash(_("Your language is saved."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/mail")
@guardian_only
def mail_choices() -> Response:
    """Which optional mails this guardian gets; security notices always come."""
    form = MailChoicesForm()
    if not form.validate_on_submit():
        flash(_("Those choices could not be read. Try again."), "error")
        return redirect(url_for("auth.account"))
    accounts.set_mail_choices(
        current_guardian(), [Topic(value) for value in form.topics.data or []]
    )
    flash(_("Your mail choices are saved."), "success")
    return redirect(url_for("auth.account"))


def _over_the_limit(action: str, email: str, form: FlaskForm) -> int | None:
    """Count a sign-up or join attempt; past a limit, 429 with the reason on the form."""
    retry_at = signup_throttle.admit(email, request.remote_addr)
    if retry_at is None:
        return None
    audit.record(action, audit.DENIED, family_id=None, subject=email)
    form.form_errors.append(signup_throttle.refusal_message(retry_at))
    return 429


def _on_the_family_tablet() -> Response | None:
    """A shared tablet opens profiles from its picker only: a session made here by signing
    up or joining would not be the tablet's (no short idle limit, not ended by revoking it)."""
    if devices.current() is None:
        return None
    flash(
        _(
            "This browser is the family tablet, where everyone opens their profile from this "
            "page. To create an account or join a family, use your own device."
        ),
        "info",
    )
    return redirect(url_for("tablet.picker"))


def _safe_next(target: str | None) -> str:
    """Follow ``next`` only to a plain path on this site; anything else goes to the family page.

    Browsers drop tabs and newlines from a URL and read ``//host`` and ``/\\host`` as
    another site; CR or LF would split the header. So the path must start with a single
    slash and hold no space, backslash or control character, and, decoded once, still
    start that way and hold no control character.
    """
    if target and _plain_path(target) and _plain_path(unquote(target), decoded=True):
        return target
    return url_for("family.home")


def _plain_path(path: str, *, decoded: bool = False) -> bool:
    """One leading slash, then printable characters (as sent, no space or backslash either)."""
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return False
    if decoded:
        return path.isprintable()
    return all(c.isprintable() and not c.isspace() and c != "\\" for c in path)

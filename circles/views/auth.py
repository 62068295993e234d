"""Sign up, confirm, log in, log out, forgotten password."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from circles import mail
from circles.errors import rerender_on_csrf_error
from circles.extensions import db, limiter
from circles.forms.auth import ForgotPasswordForm, LoginForm, ResetPasswordForm, SignUpForm
from circles.forms.fields import add_error
from circles.links import external_url
from circles.models.base import utcnow
from circles.models.user import User
from circles.services.accounts import lookup, tokens
from circles.services.accounts import operations as accounts
from circles.services.circles import invites
from circles.sessions import end_session, start_session
from circles.views.helpers import attempt, passwords, render_form, safe_next
from circles.views.limits import account_key, account_limit, auth_limit

bp = Blueprint("auth", __name__)


def _send_confirmation(user: User, next_url: str | None) -> None:
    token = tokens.make(current_app.config["SECRET_KEY"], tokens.CONFIRM, user, {"n": next_url})
    circle = _invited_to(next_url)
    then = f" You'll go straight on to join {circle}." if circle else ""
    mail.send(
        current_app.config,
        user.email,
        "Confirm your email for Circles",
        f"Welcome to Circles.{then}\n\nOpen this link to confirm your email and finish signing up "
        f"(it works once, for 24 hours):\n\n{external_url('auth.confirm', token=token)}\n\n"
        "If you didn't sign up, you can ignore this email.",
    )


def _send_already_registered(user: User) -> None:
    mail.send(
        current_app.config,
        user.email,
        "You already have a Circles account",
        "Someone, probably you, tried to sign up to Circles with this email. You already have an "
        f"account: log in at {external_url('auth.login')}\n\nForgot your password? Reset it at "
        f"{external_url('auth.forgot_password')}\n\nIf it wasn't you, you can ignore this email.",
    )


def _invited_to(next_url: str | None) -> str | None:
    """The circle's name when sign-up started from an invite link that still works."""
    if not next_url or not next_url.startswith("/join/"):
        return None
    invite = invites.find_invite(db.session, next_url.removeprefix("/join/"))
    if invite is None or invites.state_of(invite, utcnow()) is not invites.InviteState.OPEN:
        return None
    return invite.circle.name


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@rerender_on_csrf_error
def signup() -> Any:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    form = SignUpForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        result = accounts.sign_up(
            db.session,
            passwords(),
            email=form.email.data or "",
            display_name=form.display_name.data or "",
            password=form.password.data or "",
            time_zone=form.time_zone.data or "",
        )
        db.session.commit()
        if result.outcome is accounts.SignUp.NEW:
            _send_confirmation(result.user, next_url)
        else:
            _send_already_registered(result.user)
        # The same page for a new or a known email: sign-up never says which.
        return render_template(
            "auth/check_email.html", email=form.email.data or "", purpose="signup"
        )
    return render_form(
        "auth/signup.html", form=form, next_url=next_url, invited_to=_invited_to(next_url)
    )


@bp.get("/confirm/<token>")
def confirm(token: str) -> Any:
    payload = tokens.read(
        current_app.config["SECRET_KEY"],
        tokens.CONFIRM,
        token,
        current_app.config["EMAIL_CONFIRM_MAX_AGE"],
    )
    user = db.session.get(User, payload.get("u", 0)) if payload else None
    if current_user.is_authenticated and user is not None and current_user.id == user.id:
        flash("Your email is confirmed already.", "info")
        return redirect(safe_next(payload.get("n") if payload else None) or url_for("main.index"))
    if payload is None or user is None or not tokens.still_valid_for(payload, user):
        return render_template("auth/link_invalid.html", purpose="confirm"), 400
    accounts.confirm_email(db.session, user)
    db.session.commit()
    start_session(user, remember=False)
    flash("Your email is confirmed. Welcome to Circles.", "success")
    return redirect(safe_next(payload.get("n")) or url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@limiter.limit(account_limit, key_func=account_key, methods=["POST"])
@rerender_on_csrf_error
def login() -> Any:
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(
            db.session, passwords(), form.email.data or "", form.password.data or ""
        )
        db.session.commit()
        if user is not None:
            start_session(user, remember=form.remember.data)
            return redirect(next_url or url_for("main.index"))
        # One message for an unknown email, a wrong password or an unconfirmed account.
        add_error(
            form.password,
            "That email and password don't match an account. Check them, or reset your password. "
            "If you've just signed up, open the link in your email first.",
        )
    return render_form("auth/login.html", form=form, next_url=next_url)


@bp.post("/logout")
@login_required
def logout() -> Any:
    attempt(lambda: accounts.end_sessions(db.session, current_user), None)
    end_session()
    flash("You're logged out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@limiter.limit(account_limit, key_func=account_key, methods=["POST"])
@rerender_on_csrf_error
def forgot_password() -> Any:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = lookup.find_by_email(db.session, form.email.data or "")
        if user is not None:  # unconfirmed too: a reset is how a first password is replaced
            token = tokens.make(current_app.config["SECRET_KEY"], tokens.RESET, user)
            mail.send(
                current_app.config,
                user.email,
                "Reset your Circles password",
                "Open this link to choose a new password. It works once, for one hour:\n\n"
                f"{external_url('auth.reset_password', token=token)}\n\n"
                "If you didn't ask for this, ignore this email: your password stays as it is.",
            )
        return render_template(
            "auth/check_email.html", email=form.email.data or "", purpose="reset"
        )
    return render_form("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@rerender_on_csrf_error
def reset_password(token: str) -> Any:
    payload = tokens.read(
        current_app.config["SECRET_KEY"],
        tokens.RESET,
        token,
        current_app.config["PASSWORD_RESET_MAX_AGE"],
    )
    user = db.session.get(User, payload.get("u", 0)) if payload else None
    if payload is None or user is None or not tokens.still_valid_for(payload, user):
        return render_template("auth/link_invalid.html", purpose="reset"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(db.session, passwords(), user, form.password.data or "")
        db.session.commit()
        end_session()
        flash(
            "Your password is changed, and every device was logged out. Log in with the new one.",
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_form("auth/reset.html", form=form, token=token)

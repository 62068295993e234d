"""Me: profile, time zone, quiet hours, password."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, session, url_for
from flask_login import current_user, login_required

from circles.errors import rerender_on_csrf_error
from circles.extensions import db
from circles.forms.auth import ChangePasswordForm, DeleteAccountForm
from circles.forms.circles import ConfirmForm
from circles.forms.profile import ProfileForm
from circles.forms.reach import ReachWayForm
from circles.forms.reminders import LABELS, RemindersForm, channel_field
from circles.links import external_url
from circles.services.accounts import data as account_data
from circles.services.accounts import operations as accounts
from circles.services.meetups import calendar as calendar_feed
from circles.services.reminders import channels
from circles.services.reminders import operations as reminder_actions
from circles.services.reminders import subscriptions as devices
from circles.sessions import end_session, start_session
from circles.views.helpers import attempt, attempt_form, passwords, render_form
from circles.views.reach import page_data as reach_page_data

bp = Blueprint("me", __name__, url_prefix="/me")


def _reminders_form() -> RemindersForm:
    form = RemindersForm(formdata=None)
    for kind in LABELS:
        form[kind.value].data = current_user.wants(kind.value)
        form[channel_field(kind)].data = channels.choice(current_user.reminder_channels, kind).value
    return form


def me_page(
    profile: ProfileForm | None = None,
    password: ChangePasswordForm | None = None,
    reach_form: ReachWayForm | None = None,
) -> Any:
    """The Me page, with any form that was just refused kept as it was filled in."""
    token = calendar_feed.feed_token(current_app.config["SECRET_KEY"], current_user)
    calendar_url = external_url("calendar.feed", token=token)
    return render_form(
        "me/index.html",
        calendar_url=calendar_url,
        calendar_webcal="webcal://" + calendar_url.split("://", 1)[1],
        profile=profile or ProfileForm(obj=current_user, formdata=None),
        password=password or ChangePasswordForm(formdata=None),
        reminders=_reminders_form(),
        devices=devices.of(db.session, current_user),
        button=ConfirmForm(formdata=None),
        **reach_page_data(reach_form),
    )


@bp.get("")
@login_required
def index() -> Any:
    return me_page()


@bp.get("/profile", defaults={"section": "profile-heading"})
@bp.get("/password", defaults={"section": "password-heading"})
@login_required
def form_address(section: str) -> Any:
    """A form that failed to save is shown at its POST address: reloading it opens the page."""
    return redirect(url_for("me.index", _anchor=section))


@bp.post("/profile")
@login_required
@rerender_on_csrf_error
def profile() -> Any:
    form = ProfileForm()
    if form.validate_on_submit():
        saved = attempt_form(
            lambda: accounts.update_profile(
                db.session,
                current_user,
                display_name=form.display_name.data or "",
                time_zone=form.time_zone.data or "",
                quiet_start=form.quiet_start.data,
                quiet_end=form.quiet_end.data,
            ),
            form,
            "quiet_start",
            "Saved.",
        )
        if saved:
            return redirect(url_for("me.index"))
    return me_page(profile=form)


@bp.post("/password")
@login_required
@rerender_on_csrf_error
def password() -> Any:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        changed = attempt_form(
            lambda: accounts.change_password(
                db.session,
                passwords(),
                current_user,
                current=form.current.data or "",
                new=form.password.data or "",
            ),
            form,
            "current",
            "Password changed. Your other devices are logged out.",
        )
        if changed:
            # This device stays logged in; every other one is out.
            start_session(current_user, remember=bool(session.get("remembered")))
            return redirect(url_for("me.index"))
    return me_page(password=form)


@bp.post("/reminders")
@login_required
def reminders() -> Any:
    form = RemindersForm()
    if form.validate_on_submit():
        off = [kind.value for kind in LABELS if not form[kind.value].data]
        how = {kind: channels.Channel(form[channel_field(kind)].data) for kind in LABELS}
        attempt(
            lambda: reminder_actions.choose_reminders(db.session, current_user, off, how),
            "Saved.",
        )
    return redirect(url_for("me.index", _anchor="reminders"), 303)


@bp.post("/devices/<int:device_id>/remove")
@login_required
def remove_device(device_id: int) -> Any:
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: reminder_actions.remove_device_by_id(db.session, current_user, device_id),
            "That device won't get reminders any more.",
            "info",
        )
    return redirect(url_for("me.index", _anchor="reminders"), 303)


@bp.get("/export")
@login_required
def export() -> Any:
    """All my data as a JSON file."""
    body = current_app.json.dumps(account_data.export(db.session, current_user), indent=2)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="circles-my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def delete_account() -> Any:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        deleted = attempt_form(
            lambda: accounts.delete_account(
                db.session, passwords(), current_user, form.password.data or ""
            ),
            form,
            "password",
            None,
        )
        if deleted:
            end_session()
            flash("Your account and your data are deleted. Take care.", "info")
            return redirect(url_for("main.index"), 303)
    return render_form("me/delete.html", form=form)

"""Push endpoints for the browser: the VAPID public key and saving or removing a subscription."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required

from circles.extensions import db
from circles.push.vapid import application_server_key
from circles.services.reminders import operations as reminder_actions
from circles.services.reminders.subscriptions import SubscriptionError, SubscriptionTaken

bp = Blueprint("push", __name__, url_prefix="/push")


@bp.get("/public-key")
def public_key() -> dict[str, str]:
    return {"publicKey": application_server_key(current_app.extensions["circles_vapid"])}


@bp.post("/subscriptions")
@login_required
def subscribe() -> Any:
    """Save this browser's subscription (JSON body; the CSRF token comes in X-CSRFToken)."""
    try:
        saved = reminder_actions.save_device(
            db.session,
            current_user,
            request.get_json(silent=True),
            allowed_hosts=current_app.config["PUSH_ALLOWED_HOSTS"],
            allow_http_localhost=current_app.config["PUSH_ALLOW_HTTP_LOCALHOST"],
            user_agent=request.headers.get("User-Agent", ""),
        )
    except SubscriptionError as refused:
        db.session.rollback()
        return {"error": str(refused)}, 409 if isinstance(refused, SubscriptionTaken) else 400
    db.session.commit()
    return {"id": saved.id, "device": saved.device}, 201


@bp.delete("/subscriptions")
@login_required
def unsubscribe() -> Any:
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str):
        abort(400, "Send the subscription's endpoint as JSON.")
    reminder_actions.remove_device(db.session, current_user, endpoint)
    db.session.commit()
    return "", 204

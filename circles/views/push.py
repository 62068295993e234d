"""Push endpoints for the browser: the VAPID public key and saving or removing a subscription."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required

from circles.extensions import db
from circles.push.vapid import application_server_key
from circles.services.reminders import subscriptions as devices

bp = Blueprint("push", __name__, url_prefix="/push")


@bp.get("/public-key")
def public_key() -> dict[str, str]:
    return {"publicKey": application_server_key(current_app.extensions["circles_vapid"])}


@bp.post("/subscriptions")
@login_required
def subscribe() -> Any:
    """Save this browser's subscription (JSON body; the CSRF token comes in X-CSRFToken)."""
    data = request.get_json(silent=True)
    try:
        endpoint, p256dh, auth = devices.validate(
            data,
            current_app.config["PUSH_ALLOWED_HOSTS"],
            current_app.config["PUSH_ALLOW_HTTP_LOCALHOST"],
        )
    except devices.SubscriptionError as refused:
        return {"error": str(refused)}, 400
    saved = devices.save(
        db.session,
        current_user,
        endpoint,
        p256dh,
        auth,
        devices.device_label(request.headers.get("User-Agent", "")),
    )
    db.session.commit()
    return {"id": saved.id, "device": saved.device}, 201


@bp.delete("/subscriptions")
@login_required
def unsubscribe() -> Any:
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str):
        abort(400, "Send the subscription's endpoint as JSON.")
    devices.remove(db.session, current_user, endpoint)
    db.session.commit()
    return "", 204

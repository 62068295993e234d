"""Blueprints: form -> service -> commit -> redirect or render."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from circles.views import (
        auth,
        calendar,
        checkin_requests,
        checkins,
        circles,
        health,
        hosting,
        join,
        load,
        main,
        me,
        meetup_live,
        meetup_notes,
        meetup_runs,
        meetups,
        notifications,
        presenting,
        prompts,
        pulse,
        push,
        pwa,
        reach,
        seasons,
        unsubscribe,
    )

    for module in (
        main,
        health,
        pwa,
        auth,
        me,
        circles,
        hosting,
        join,
        load,
        meetups,
        meetup_notes,
        meetup_runs,
        meetup_live,
        presenting,
        prompts,
        calendar,
        checkins,
        checkin_requests,
        push,
        notifications,
        pulse,
        reach,
        seasons,
        unsubscribe,
    ):
        app.register_blueprint(module.bp)

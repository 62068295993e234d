"""Reminders: kinds, outbox, planning, relevance at send time, quiet hours, delivery, devices."""

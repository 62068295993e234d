"""Meetups: recurrence (pure), series, occurrences, RSVPs, the board, facilitation, calendars."""

"""Seasons: a circle's run of months or meetups, the recommit before the next, and summaries."""

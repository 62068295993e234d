"""Buddies: rotating 1:1 buddy pairs inside a circle (pure rounds, stored pairing, host actions)."""

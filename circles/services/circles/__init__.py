"""Circles: creating and closing, the agreement, membership, seats, roles and invite links."""

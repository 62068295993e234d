"""Typed SQLAlchemy models, one module per domain."""

from circles.models.base import Base
from circles.models.circle import Circle, Invite, Membership, Role
from circles.models.user import User

__all__ = ["Base", "Circle", "Invite", "Membership", "Role", "User"]

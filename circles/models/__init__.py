"""Typed SQLAlchemy models, one module per domain."""

from circles.models.base import Base
from circles.models.user import User

__all__ = ["Base", "User"]

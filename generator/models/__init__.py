"""Typed models of the reception policy and of visit files."""

from .policy import Policy
from .visit import Visit

__all__ = ["Policy", "Visit"]

"""The agency desk's refusals: a message a collector or supervisor can act on."""

from __future__ import annotations


class AgencyError(ValueError):
    """An agency write refused by a rule (nothing was written)."""

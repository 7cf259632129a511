"""The refusal every billing rule raises."""

from __future__ import annotations


class BillingError(ValueError):
    """A recurring line, a draft or an issue cannot be saved as it is; the message says
    which line or document and which field."""

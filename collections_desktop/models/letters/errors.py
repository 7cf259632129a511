"""The error of letter runs, blocks and reads."""

from __future__ import annotations


class LetterError(ValueError):
    """A letter run, block or read that cannot be done; the message says why."""

"""``team init``, ``team add-user`` and ``team refresh``: the team database's set-up."""

from __future__ import annotations

import argparse


def init(args: argparse.Namespace) -> int:
    raise NotImplementedError


def add_user(args: argparse.Namespace) -> int:
    raise NotImplementedError


def refresh(args: argparse.Namespace) -> int:
    raise NotImplementedError

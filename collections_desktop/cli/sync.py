"""``sync setup`` and ``sync``: the offline replica and its sync with the team database."""

from __future__ import annotations

import argparse


def setup(args: argparse.Namespace) -> int:
    raise NotImplementedError


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError

"""``team serve``: a PostgreSQL server for a small office, from a folder."""

from __future__ import annotations

import argparse


def serve(args: argparse.Namespace) -> int:
    raise NotImplementedError

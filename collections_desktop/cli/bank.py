"""``bank import FILE… [--profile NAME] [--accept-differences]`` and ``bank match
[--confirm-above N]``: bank statements in, and their credits matched to customers.

``bank import`` stores each file in its own write transaction, whole or not at all, and
prints per file what it added (statements, new lines, lines already known, credits
waiting, differences kept) or why it was refused; the exit code is 2 when a file was
refused (the others are stored). A CSV export needs ``--profile`` (a profile saved in
the app). ``--accept-differences`` stores statements that do not add up, keeping the
difference on the statement.

``bank match`` prints each line waiting with its best suggestion and the reason; with
``--confirm-above N`` it confirms those whose best suggestion reaches N %, each line in
its own transaction (a line whose documents another line just paid is refused by the
receipt, never posted twice), and ends with the counts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from collections_desktop.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    CommandError,
    error_line,
    opened_database,
    scope_and_pool,
)
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _


def import_files(args: argparse.Namespace) -> int:
    """Store each file (see the module docstring); exit 2 when one was refused."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.bank.importing import describe_stored, import_file
    from collections_desktop.models.bank.parsed import BankFileError
    from collections_desktop.models.bank.store import BANK_IMPORT, StatementDifferenceError
    from collections_desktop.models.db.writing import write_transaction

    clock = SystemClock()
    refused = 0
    with opened_database(args) as database:
        profile = None
        user_id = None
        with database.sessions() as session:
            if args.profile:
                from collections_desktop.models.bank.profiles import profile_named

                profile = profile_named(session, args.profile)
                if profile is None:
                    raise CommandError(
                        error_line(
                            _("There is no CSV profile named {name}; save one in the app.").format(
                                name=args.profile
                            )
                        )
                    )
            user_id = _employee(session, args.user)
        for name in args.files:
            path = Path(name)
            try:
                with write_transaction(database, run=BANK_IMPORT, what=_("bank import")) as session:
                    stored = import_file(
                        session,
                        path,
                        clock.now(),
                        profile=profile,
                        imported_by_id=user_id,
                        accept_differences=args.accept_differences,
                    )
            except (BankFileError, StatementDifferenceError) as error:
                refused += 1
                print(error_line(error), file=sys.stderr)
                continue
            print(describe_stored(stored))
    return EXIT_BAD_INPUT if refused else EXIT_OK


def match(args: argparse.Namespace) -> int:
    """Print each line waiting with its best suggestion; confirm those above the bar."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.bank.batch import confirm_many, line_label, plans_at_or_above
    from collections_desktop.models.bank.matching import match_lines, match_settings
    from collections_desktop.models.bank.read import bank_lines, line_facts
    from collections_desktop.models.db.schema import BankLineState

    if args.confirm_above is not None and not 1 <= args.confirm_above <= 100:
        raise CommandError(error_line(_("--confirm-above is a percentage from 1 to 100.")))
    clock = SystemClock()
    fmt = text_formats()
    with opened_database(args) as database:
        with database.sessions() as session:
            scope, _pool = scope_and_pool(session, args)
            today = clock.today()
            lines = bank_lines(session, scope, BankLineState.OPEN, as_of=today)
            settings = match_settings(session)
            found = match_lines(session, scope, line_facts(lines), today, settings)
            user_id = _employee(session, args.user)
        with_suggestion = 0
        for line in lines:
            best = (found.get(line.id) or (None,))[0]
            label = line_label(line, fmt)
            if best is None:
                print(_("{line}: no suggestion").format(line=label))
                continue
            with_suggestion += 1
            documents = ", ".join(a.document_number for a in best.allocations) or _("on account")
            print(
                _("{line}: {account} {name}, {documents}, {confidence} % ({reason})").format(
                    line=label,
                    account=best.account,
                    name=best.customer_name,
                    documents=documents,
                    confidence=best.confidence,
                    reason=best.reason,
                )
            )
        print(
            _("{count} lines waiting, {suggested} with a suggestion.").format(
                count=fmt.count(len(lines)), suggested=fmt.count(with_suggestion)
            )
        )
        if args.confirm_above is None:
            return EXIT_OK
        plans = plans_at_or_above(lines, found, args.confirm_above, formats=fmt)
        result = confirm_many(database, scope, plans, now=clock.now, user_id=user_id)
    for label, reason in result.refused:
        print(error_line(f"{label}: {reason}"), file=sys.stderr)
    print(
        _("{confirmed} confirmed, {refused} refused, {left} left waiting.").format(
            confirmed=fmt.count(len(result.confirmed)),
            refused=fmt.count(len(result.refused)),
            left=fmt.count(len(lines) - len(result.confirmed)),
        )
    )
    return EXIT_OK


def _employee(session, user: str | None):  # type: ignore[no-untyped-def]
    """The employee whose login is ``user`` (who imported or confirmed), else None."""
    if not user:
        return None
    from sqlalchemy import select

    from collections_desktop.models.db.schema import Employee

    return session.scalar(
        select(Employee.id).where(Employee.user_name == user, Employee.deleted_at.is_(None))
    )

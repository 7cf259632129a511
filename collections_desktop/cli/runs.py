"""The daily jobs: ``promises``, ``interest`` and ``letters`` (with their PDFs).

Each decides and posts in one write transaction, so two runs at once never post twice; a
``--dry-run`` only reads and prints what a run would do.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from collections_desktop.cli.common import (
    EXIT_OK,
    CommandError,
    as_of,
    error_line,
    opened_database,
    scope_and_pool,
)
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, ngettext

if TYPE_CHECKING:
    import datetime as dt
    import uuid

    from sqlalchemy.orm import Session

    from collections_desktop.models.db.database import Database


def promises(args: argparse.Namespace) -> int:
    """Judge the promises due and print what was found (one transaction)."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.actions.promises import PromiseError, evaluate_promises
    from collections_desktop.models.db.writing import LEDGER, write_transaction

    clock = SystemClock()
    day = as_of(args, clock.today())
    with (
        opened_database(args, refused=(PromiseError,)) as database,
        write_transaction(database, run=LEDGER, what=_("promises")) as session,
    ):
        result = evaluate_promises(session, day, clock.now())
    print(result.describe())
    return EXIT_OK


def interest(args: argparse.Namespace) -> int:
    """Print the interest notes due in the scope and, unless a dry run, post them."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.actions.interest import InterestError, calculate_interest
    from collections_desktop.models.actions.interest_notes import run_interest_notes
    from collections_desktop.models.people.pools import PoolError
    from collections_desktop.models.people.scope import ScopeError

    clock = SystemClock()
    day = as_of(args, clock.today())
    formats = text_formats()
    refused = (InterestError, PoolError, ScopeError)
    with opened_database(args, refused=refused) as database:
        with database.sessions() as session:
            scope, pool_id = scope_and_pool(session, args)
            notes = calculate_interest(session, scope, day, pool_id=pool_id)
        created: list[str] = []
        if not args.dry_run and notes:
            # A hundred customers per transaction, so collectors' actions go on meanwhile;
            # what a failure leaves posted is said before the error.
            try:
                run_interest_notes(
                    database,
                    scope,
                    day,
                    clock.now(),
                    pool_id=pool_id,
                    created_by_id=None,
                    due=[note.customer_id for note in notes],
                    committed=created.extend,
                )
            except Exception:
                if created:
                    print(
                        ngettext(
                            "{count} interest note was created before the error; run the "
                            "command again to post the rest.",
                            "{count} interest notes were created before the error; run the "
                            "command again to post the rest.",
                            len(created),
                        ).format(count=formats.count(len(created))),
                        file=sys.stderr,
                    )
                raise
    for note in notes:
        print(
            f"{note.account}  {note.customer_name}: "
            + ngettext(
                "{count} invoice, interest {interest}, fee {fee}",
                "{count} invoices, interest {interest}, fee {fee}",
                len(note.lines),
            ).format(
                count=formats.count(len(note.lines)),
                interest=formats.money(note.interest, note.currency),
                fee=formats.money(note.fee, note.currency),
            )
        )
    if not notes:  # say so: silence would read as "did not run"
        print(
            _("No interest is due for {whom} as of {date}.").format(
                whom=_whom(args), date=formats.date(day)
            )
        )
    if args.dry_run:
        return EXIT_OK
    print(
        ngettext(
            "{count} interest note created.",
            "{count} interest notes created.",
            len(created),
        ).format(count=formats.count(len(created)))
    )
    return EXIT_OK


def letters(args: argparse.Namespace) -> int:
    """Print the letters due in the scope or post them, then write the PDFs with ``--pdf``."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.letters.errors import LetterError
    from collections_desktop.models.letters.propose import propose_letters
    from collections_desktop.models.letters.run import create_letters
    from collections_desktop.models.people.pools import PoolError
    from collections_desktop.models.people.scope import ScopeError

    clock = SystemClock()
    day = as_of(args, clock.today())
    if args.pdf and not args.dry_run:
        from collections_desktop.models.letters.documents import LetterFileError, check_folder

        try:  # before anything is posted: letters without their PDFs help nobody
            check_folder(args.pdf)
        except LetterFileError as error:
            raise CommandError(f"{error_line(error)} {_('No letter was posted.')}") from error
    formats = text_formats()
    refused = (LetterError, PoolError, ScopeError)
    with opened_database(args, refused=refused) as database:
        with _session_for_run(database, args.dry_run, _("letters")) as session:
            scope, pool_id = scope_and_pool(session, args)
            if args.dry_run:
                proposals = propose_letters(session, scope, day, pool_id=pool_id)
                for proposal in proposals:
                    what = (
                        _("level {level} {name}, {amount} overdue, fee {fee}").format(
                            level=proposal.level,
                            name=proposal.level_name or "",
                            amount=formats.money(proposal.amount, proposal.currency),
                            fee=formats.amount(proposal.fee),
                        )
                        if proposal.will_send
                        else proposal.reason
                    )
                    print(f"{proposal.account}  {proposal.name}: {what}")
                if not any(proposal.will_send for proposal in proposals):
                    print(
                        _("No letter is due for {whom} as of {date}.").format(
                            whom=_whom(args), date=formats.date(day)
                        )
                    )
                return EXIT_OK
            run = create_letters(
                session, scope, day, clock.now(), pool_id=pool_id, created_by_id=None
            )
        created = ngettext(
            "{count} collection letter created",
            "{count} collection letters created",
            run.created_count,
        ).format(count=formats.count(run.created_count))
        skipped = ngettext(
            "{count} customer or item without one",
            "{count} customers or items without one",
            run.skipped_count,
        ).format(count=formats.count(run.skipped_count))
        # "3 collection letters created; 72 customers or items without one."
        print(_("{created}; {skipped}.").format(created=created, skipped=skipped))
        if args.pdf:  # this run's letters, and any an earlier run left without a PDF
            from collections_desktop.models.letters.documents import letters_without_document

            with database.sessions() as session:
                missing = letters_without_document(session, scope, day, pool_id=pool_id)
            earlier = len(set(missing) - set(run.letter_ids))
            _letter_pdfs(database, missing, args.pdf, clock.now, earlier)
    return EXIT_OK


def _whom(args: argparse.Namespace) -> str:
    """Whose run it is, in words: the ``--pool``, the ``--user``'s customers, or all."""
    if args.pool:
        return _("the customers of pool {pool}").format(pool=args.pool)
    if args.user:
        return _("the customers of {user}").format(user=args.user)
    return _("any customer")


def _session_for_run(
    database: Database, dry_run: bool, what: str
) -> AbstractContextManager[Session]:
    """A dry run only reads; a run decides and posts in one write transaction."""
    from collections_desktop.models.db.writing import LEDGER, write_transaction

    if dry_run:
        return database.sessions()
    return write_transaction(database, run=LEDGER, what=what)


def _letter_pdfs(
    database: Database,
    missing: Sequence[uuid.UUID],
    folder: str,
    now: Callable[[], dt.datetime],
    earlier: int,
) -> None:
    """Write and record the PDFs of the ``missing`` letters (``earlier`` of them from
    earlier runs) and say how many; a write that fails ends the command, naming the file."""
    from collections_desktop.app import ensure_application
    from collections_desktop.models.letters.documents import DocumentRecorder, LetterFileError
    from collections_desktop.views.printing import print_missing_letters

    recorder = DocumentRecorder(database, now)
    ensure_application()
    try:
        paths = print_missing_letters(database, missing, folder, recorder)
    except LetterFileError as error:
        raise CommandError(
            error_line(error),
            ngettext(
                "{written} of {count} PDF was written to {folder}; the letters are posted, "
                "and the next letters --pdf run writes the missing ones.",
                "{written} of {count} PDFs were written to {folder}; the letters are posted, "
                "and the next letters --pdf run writes the missing ones.",
                len(missing),
            ).format(written=recorder.written, count=len(missing), folder=folder),
        ) from error
    print(
        ngettext(
            "{count} PDF written to {folder}", "{count} PDFs written to {folder}", len(paths)
        ).format(count=len(paths), folder=folder)
    )
    if earlier:
        print(
            ngettext(
                "{count} of them was missing after an earlier run.",
                "{count} of them were missing after earlier runs.",
                earlier,
            ).format(count=earlier)
        )

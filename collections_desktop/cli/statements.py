"""``statements``: one account statement per customer with an open balance at a month's end,
as PDF and/or XLSX files named by account and month, each written whole.

Without ``--pdf`` or ``--xlsx`` the command lists the statements it would write (account,
name, opening and closing balance). A second run writes the same names again; each file
is replaced in one step (``letters.documents.write_atomically``), never left half-written.

With ``--send`` each statement goes to its customer by e-mail, attached to the STATEMENT
template, through the outbox (``statements.mailing.mail_month_statements``), once per
customer and month however often the command runs; ``--pdf`` then keeps a copy of the
PDFs printed by this run. Exit codes as ``mail send``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from collections_desktop.cli.common import (
    EXIT_OK,
    CommandError,
    error_line,
    opened_database,
    scope_and_pool,
)
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, ngettext

BATCH = 200
"""Customers read per batch: their statements are printed before the next are read."""

if TYPE_CHECKING:
    import uuid

    from sqlalchemy.orm import Session

    from collections_desktop.models.statements.period import StatementPeriod
    from collections_desktop.models.statements.statement import Statement

PROGRESS_EVERY = 100
"""Without a terminal, a progress line after this many statements."""


def statements(args: argparse.Namespace) -> int:
    """Write (or list) the month's statements of the scope's customers with an open balance."""
    from collections_desktop.models.letters.documents import LetterFileError, check_folder
    from collections_desktop.models.people.pools import PoolError
    from collections_desktop.models.people.scope import ScopeError
    from collections_desktop.models.statements.period import StatementError, parse_month
    from collections_desktop.models.statements.statement import (
        read_statements,
        statement_customers,
    )

    try:
        period = parse_month(args.month)
    except StatementError as error:
        raise CommandError(error_line(error)) from error
    if args.send and args.xlsx:
        raise CommandError(
            error_line(_("--xlsx cannot be combined with --send: statements are mailed as PDF."))
        )
    folders: dict[str, Path] = {}
    for suffix, folder in (("pdf", args.pdf), ("xlsx", args.xlsx)):
        if folder:
            try:  # before anything is read: a folder that cannot take the files says so now
                folders[suffix] = check_folder(folder)
            except LetterFileError as error:
                raise CommandError(error_line(error)) from error
    if args.send:
        return _send(args, period, folders.get("pdf"))
    formats = text_formats()
    refused = (StatementError, PoolError, ScopeError)
    with opened_database(args, refused=refused) as database, database.sessions() as session:
        scope, pool_id = scope_and_pool(session, args)
        ids = statement_customers(
            session, scope, period.end, pool_id=pool_id, account=args.customer
        )
        if not ids:
            print(
                _("No customer has an open balance on {date}.").format(
                    date=formats.date(period.end)
                )
            )
            return EXIT_OK
        if not folders:
            for start in range(0, len(ids), BATCH):
                for found in read_statements(session, ids[start : start + BATCH], period):
                    print(
                        f"{found.account}  {found.customer_name}: "
                        + ngettext(
                            "{opening} to {closing} {currency}, {count} movement",
                            "{opening} to {closing} {currency}, {count} movements",
                            len(found.movements),
                        ).format(
                            opening=formats.amount(found.opening_balance),
                            closing=formats.amount(found.closing_balance),
                            currency=found.currency,
                            count=formats.count(len(found.movements)),
                        )
                    )
            return EXIT_OK
        written = _write_all(session, ids, period, folders)
    print(
        ngettext(
            "{count} statement for {month} written to {folders}",
            "{count} statements for {month} written to {folders}",
            written,
        ).format(
            count=formats.count(written),
            month=period.name,
            folders=", ".join(str(folder) for folder in dict.fromkeys(folders.values())),
        )
    )
    return EXIT_OK


def _write_all(
    session: Session,
    ids: Sequence[uuid.UUID],
    period: StatementPeriod,
    folders: Mapping[str, Path],
) -> int:
    """Print and write every statement, saying how far it got on stderr; the count."""
    from collections_desktop.app import ensure_application
    from collections_desktop.models.letters.documents import LetterFileError, write_atomically
    from collections_desktop.models.statements.statement import file_name, read_statements
    from collections_desktop.models.statements.xlsx import statement_xlsx_bytes
    from collections_desktop.views.statement_pdf import statement_pdf_bytes

    if "pdf" in folders:
        ensure_application()
    makers: dict[str, Callable[[Statement], bytes]] = {
        "pdf": statement_pdf_bytes,
        "xlsx": statement_xlsx_bytes,
    }
    total, done = len(ids), 0
    terminal = sys.stderr.isatty()
    for start in range(0, total, BATCH):
        for found in read_statements(session, ids[start : start + BATCH], period):
            for suffix, folder in folders.items():
                path = folder / file_name(found, suffix)
                try:
                    write_atomically(path, makers[suffix](found))
                except LetterFileError as error:
                    raise CommandError(
                        error_line(error),
                        ngettext(
                            "{done} of {count} statement was written.",
                            "{done} of {count} statements were written.",
                            total,
                        ).format(done=done, count=total),
                    ) from error
            done += 1
            if terminal or done % PROGRESS_EVERY == 0 or done == total:
                line = _("Statement {done} of {count}: {account}").format(
                    done=done, count=total, account=found.account
                )
                sys.stderr.write(("\r" + line + "\x1b[K") if terminal else line + "\n")
    if terminal:
        sys.stderr.write("\n")
    return done


def _send(args: argparse.Namespace, period: StatementPeriod, folder: Path | None) -> int:
    """``--send``: queue the month's statements the mailing lacks, send what it holds
    queued, print both counts; the exit code of ``mail send``."""
    from collections_desktop.app import ensure_application
    from collections_desktop.cli.mail import print_report, smtp_login
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.letters.documents import LetterFileError, write_atomically
    from collections_desktop.models.mail.outbox import OutboxError
    from collections_desktop.models.mail.render import TemplateProblem
    from collections_desktop.models.people.pools import PoolError
    from collections_desktop.models.people.scope import ScopeError
    from collections_desktop.models.statements.mailing import (
        mail_month_statements,
        month_and_year,
    )
    from collections_desktop.models.statements.period import StatementError
    from collections_desktop.models.statements.statement import file_name
    from collections_desktop.views.statement_pdf import statement_pdf_bytes

    clock = SystemClock()
    formats = text_formats()
    refused = (StatementError, PoolError, ScopeError, TemplateProblem, OutboxError, LetterFileError)
    with opened_database(args, refused=refused) as database:
        with database.sessions() as session:
            scope, pool_id = scope_and_pool(session, args)
            agent_id = _signing_employee(session, args)
        settings, password = smtp_login(
            database,
            _(
                "No SMTP server is set up (Set-up ▸ Mail server in the app); no statement "
                "was queued."
            ),
        )
        ensure_application()

        def pdf(found: Statement) -> bytes:
            content = statement_pdf_bytes(found)
            if folder is not None:
                write_atomically(folder / file_name(found, "pdf"), content)
            return content

        queued, report = mail_month_statements(
            database,
            scope,
            period,
            pdf=pdf,
            now=clock.now,
            agent_id=agent_id,
            smtp_settings=settings,
            password=password,
            pool_id=pool_id,
            account=args.customer,
            name=_("Account statements, {month}").format(
                month=month_and_year(period, formats.locale)
            ),
            state=_Progress(),
        )
    print(
        _(
            "Statements for {month}: {queued} queued now, {already} already queued earlier, "
            "{skipped} skipped (no e-mail address)."
        ).format(
            month=period.name,
            queued=formats.count(queued.queued),
            already=formats.count(queued.already),
            skipped=formats.count(len(queued.skipped)),
        )
    )
    for customer in queued.skipped:
        print(
            _("  {account}  {name}: no e-mail address").format(
                account=customer.account, name=customer.name
            )
        )
    return print_report(report)


def _signing_employee(session: Session, args: argparse.Namespace) -> uuid.UUID | None:
    """Whom the mails are signed by: the ``--user``'s employee, else the computer's
    login's (None when neither is an employee)."""
    from sqlalchemy import select

    from collections_desktop.models.db.schema import Employee
    from collections_desktop.models.people.users import login_name

    return session.scalar(
        select(Employee.id).where(
            Employee.user_name == (args.user or login_name()), Employee.deleted_at.is_(None)
        )
    )


class _Progress:
    """The mailing's progress on stderr (``outbox.SendState``): printing, then sending."""

    cancelled = False

    def __init__(self) -> None:
        self.terminal = sys.stderr.isatty()

    def progress(self, done: int, total: int, what: str = "") -> None:
        if total <= 0 or not (
            self.terminal or (done and done % PROGRESS_EVERY == 0) or done == total
        ):
            return
        line = _("{what}: {done} of {count}").format(what=what, done=done, count=total)
        if self.terminal:
            sys.stderr.write("\r" + line + "\x1b[K" + ("\n" if done == total else ""))
        else:
            sys.stderr.write(line + "\n")

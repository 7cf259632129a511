"""``agency client`` and ``agency staff``: setting up a new agency's clients and desk staff.

A client is added, or changed when its code is known (the options not given keep their
value; ``--band`` replaces the age bands). A member of staff is an employee put at the
desk as a collector or a supervisor with their share of the commission. Both are the
set-up of an administrator or of one of the desk's supervisors.
"""

from __future__ import annotations

import argparse
import getpass
from decimal import Decimal, InvalidOperation

from collections_desktop.cli.common import EXIT_OK, CommandError, opened_database
from collections_desktop.i18n import _


def add_setup_commands(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``agency client`` and ``agency staff`` among the ``agency`` actions."""
    client = actions.add_parser(
        "client", help=_("add a creditor client, or change one by its code")
    )
    client.add_argument("code", help=_("the client's code (e.g. ACME)"))
    client.add_argument("--name", help=_("the client's name (required for a new client)"))
    client.add_argument(
        "--commission",
        metavar="PERCENT",
        help=_("the commission on what is collected (required for a new client)"),
    )
    client.add_argument(
        "--band",
        metavar="DAYS=PERCENT",
        action="append",
        help=_("another commission for debts at least DAYS old when collected (repeatable)"),
    )
    client.add_argument("--currency", metavar="CODE", help=_("default: the company's"))
    client.add_argument("--tax-id", metavar="ID")
    client.add_argument("--contact", metavar="NAME", help=_("the person to deal with"))
    client.add_argument("--email")
    client.add_argument("--phone")
    client.add_argument("--address")
    client.add_argument("--language", choices=("en", "es", "fr", "pt"), help=_("of its statements"))
    client.add_argument(
        "--remittance-days",
        metavar="N",
        type=int,
        help=_("days after the month's end to remit by (default: 15)"),
    )
    client.add_argument("--terms", metavar="TEXT", help=_("how and where to remit"))
    client.add_argument("--user", metavar="NAME", help=_("the login of who makes the change"))
    client.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    client.set_defaults(handler=set_client)

    staff = actions.add_parser(
        "staff", help=_("put an employee at the agency desk as a collector or a supervisor")
    )
    staff.add_argument("login", help=_("the employee's login"))
    role = staff.add_mutually_exclusive_group()
    role.add_argument("--supervisor", action="store_true", help=_("approves collections"))
    role.add_argument(
        "--collector", action="store_true", help=_("records collections (the default)")
    )
    staff.add_argument(
        "--share",
        metavar="PERCENT",
        default="0",
        help=_("their share of the agency's commission on what they collect"),
    )
    staff.add_argument("--user", metavar="NAME", help=_("the login of who makes the change"))
    staff.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    staff.set_defaults(handler=set_staff_member)


def _percent(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise CommandError(
            _("error: {option} takes a percentage such as 15 or 12.5, not “{value}”").format(
                option=option, value=text
            )
        )
    return value


def _shown(percent: Decimal) -> str:
    """A percentage without trailing zeros: 16.5, 20."""
    return f"{percent.normalize():f}"


def _bands(texts: list[str]) -> tuple[tuple[int, Decimal], ...]:
    bands = []
    for text in texts:
        days, separator, percent = text.partition("=")
        if not separator or not days.strip().isdigit():
            raise CommandError(
                _("error: --band takes DAYS=PERCENT, such as 180=25, not “{value}”").format(
                    value=text
                )
            )
        bands.append((int(days), _percent(percent, "--band")))
    return tuple(bands)


def _actor(session, login: str | None):  # type: ignore[no-untyped-def]
    """The employee making the change, refused unless an administrator or a supervisor."""
    from sqlalchemy import select

    from collections_desktop.models.agency.errors import AgencyError
    from collections_desktop.models.agency.staff import is_supervisor
    from collections_desktop.models.db.schema import Employee

    user = login or getpass.getuser()
    found = session.execute(
        select(Employee.id, Employee.is_administrator).where(
            Employee.user_name == user, Employee.deleted_at.is_(None)
        )
    ).first()
    if found is None or not (found.is_administrator or is_supervisor(session, found.id)):
        raise AgencyError(
            _(
                "Only an administrator or a supervisor of the agency desk sets up its clients "
                "and staff; {user} is neither."
            ).format(user=user)
        )
    return found.id


def set_client(args: argparse.Namespace) -> int:
    """Add the client, or change the one with this code, in one transaction."""
    from dataclasses import replace

    from sqlalchemy import select

    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.agency.clients import (
        ClientValues,
        create_client,
        list_clients,
        update_client,
    )
    from collections_desktop.models.agency.errors import AgencyError
    from collections_desktop.models.db.schema import ReceivablesParameters
    from collections_desktop.models.db.writing import write_transaction

    commission = _percent(args.commission, "--commission") if args.commission else None
    bands = _bands(args.band) if args.band is not None else None
    code = args.code.strip().upper()
    now = SystemClock().now()
    with (
        opened_database(args, refused=(AgencyError,)) as database,
        write_transaction(database, what=_("client")) as session,
    ):
        _actor(session, args.user)
        known = next((c for c in list_clients(session) if c.code == code), None)
        if known is None:
            if not args.name or commission is None:
                raise CommandError(_("error: a new client needs --name and --commission"))
            values = ClientValues(
                code=code,
                name=args.name,
                tax_id=args.tax_id,
                contact_name=args.contact,
                email=args.email,
                phone=args.phone,
                address=args.address,
                language=args.language or "en",
                currency=(
                    args.currency
                    or session.scalar(select(ReceivablesParameters.accounting_currency))
                    or ""
                ).upper(),
                commission_percent=commission,
                remittance_days=15 if args.remittance_days is None else args.remittance_days,
                remittance_terms=args.terms,
                bands=bands or (),
            )
            create_client(session, values, now=now)
            said = _("Client {code} ({name}) added: commission {percent} %").format(
                code=code, name=values.name, percent=_shown(values.commission_percent)
            )
        else:
            given = {
                "name": args.name,
                "tax_id": args.tax_id,
                "contact_name": args.contact,
                "email": args.email,
                "phone": args.phone,
                "address": args.address,
                "language": args.language,
                "currency": args.currency.upper() if args.currency else None,
                "commission_percent": commission,
                "remittance_days": args.remittance_days,
                "remittance_terms": args.terms,
                "bands": bands,
            }
            current = ClientValues(
                **{
                    field: getattr(known, field)
                    for field in ClientValues.__dataclass_fields__  # the form as it stands
                }
            )
            values = replace(current, **{k: v for k, v in given.items() if v is not None})
            update_client(session, known.id, known.version, values, now=now)
            said = _("Client {code} ({name}) changed: commission {percent} %").format(
                code=code, name=values.name, percent=_shown(values.commission_percent)
            )
    if values.bands:
        said += " · " + ", ".join(
            _("{percent} % from {days} days").format(percent=_shown(percent), days=days)
            for days, percent in sorted(values.bands)
        )
    print(said)
    return EXIT_OK


def set_staff_member(args: argparse.Namespace) -> int:
    """Put the employee at the desk, or change their role and share."""
    from sqlalchemy import select

    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.agency.errors import AgencyError
    from collections_desktop.models.agency.staff import set_staff
    from collections_desktop.models.db.schema import Employee
    from collections_desktop.models.db.writing import write_transaction

    share = _percent(args.share, "--share")
    with (
        opened_database(args, refused=(AgencyError,)) as database,
        write_transaction(database, what=_("staff")) as session,
    ):
        _actor(session, args.user)
        employee = session.execute(
            select(Employee.id, Employee.name).where(
                Employee.user_name == args.login, Employee.deleted_at.is_(None)
            )
        ).first()
        if employee is None:
            raise CommandError(
                _("error: no employee has the login {login}; add the user first").format(
                    login=args.login
                )
            )
        set_staff(
            session,
            employee.id,
            is_supervisor=args.supervisor,
            share_percent=share,
            now=SystemClock().now(),
        )
    if args.supervisor:
        said = _("{name} works at the agency desk as a supervisor, with {share} % of commission")
    else:
        said = _("{name} works at the agency desk as a collector, with {share} % of commission")
    print(said.format(name=employee.name, share=_shown(share)))
    return EXIT_OK

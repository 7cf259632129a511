"""``team init``, ``team add-user`` and ``team refresh``: the team database's set-up.

Each names the database with ``--database postgresql://ADMIN@HOST/DATABASE`` (no password
in it). The server's own rules decide whether a password is needed (a ``.pgpass`` file,
``peer`` or ``trust``); when it asks for one and a terminal is there, it is asked for.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from getpass import getpass
from typing import TypeVar

from collections_desktop.cli.common import EXIT_OK, CommandError, database_url, error_line
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, ngettext

T = TypeVar("T")


def init(args: argparse.Namespace) -> int:
    """Migrate the team database and give it its roles, policies and pool members."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.team.server import init_team

    clock = SystemClock()
    url = _url(args)
    report = _as_admin(
        lambda password: init_team(url, now=clock.now(), password=password, as_of=clock.today()),
    )
    print(_("Team database {database} is set up.").format(database=report.database))
    if report.schema_created:
        print(_("  schema created (the database was empty; add a company with import or demo)"))
    elif not report.has_company:
        print(_("  the database holds no company yet"))
    if report.roles_created:
        print(_("  roles created: {roles}").format(roles=", ".join(report.roles_created)))
    count = text_formats().count
    tables = ngettext("{count} table", "{count} tables", report.tables_secured).format(
        count=count(report.tables_secured)
    )
    policies = ngettext("{count} policy", "{count} policies", report.policies).format(
        count=count(report.policies)
    )
    print(
        _("  row-level security on {tables}, {policies} ({created} new)").format(
            tables=tables, policies=policies, created=count(report.policies_created)
        )
    )
    print("  " + _pool_members(report.pool_members, report.pools))
    print(
        ngettext(
            "  {count} table analysed", "  {count} tables analysed", report.tables_analysed
        ).format(count=count(report.tables_analysed))
    )
    if not report.autovacuum:
        print(
            _(
                "warning: autovacuum is off on this server, so nothing keeps the tables' "
                "statistics current; turn it on (autovacuum = on in postgresql.conf)."
            ),
            file=sys.stderr,
        )
    return EXIT_OK


def add_user(args: argparse.Namespace) -> int:
    """Create or update an employee's login as a collections agent."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.team.server import add_team_user
    from collections_desktop.models.team.users import UserError, check_user_name

    url = _url(args)
    try:
        check_user_name(args.name)
    except UserError as error:
        raise CommandError(error_line(error)) from error
    password = _new_password(args.name)
    clock = SystemClock()
    report = _as_admin(
        lambda admin_password: add_team_user(
            url,
            args.name,
            args.employee,
            supervisor=args.supervisor,
            view_all=args.view_all,
            password=password,
            now=clock.now(),
            admin_password=admin_password,
        ),
    )
    done = _("created") if report.role_created else _("updated")
    print(
        _("User {name} {done} for {employee} ({number}).").format(
            name=report.name,
            done=done,
            employee=report.employee_name,
            number=report.employee_number,
        )
    )
    print(_("  roles: {roles}").format(roles=", ".join(report.roles)))
    if report.view_all:
        print(_("  may view all pools"))
    print(_("  pools: {pools}").format(pools=", ".join(report.pools) or _("none yet")))
    if report.agent_created:
        print(_("  made a collections agent"))
    if report.password_set:
        print(_("  password set"))
    else:
        print(_("  no password set: the server's own authentication rules apply"))
    return EXIT_OK


def refresh(args: argparse.Namespace) -> int:
    """Work out again which customers each pool holds, as of today."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.team.server import refresh_team

    clock = SystemClock()
    url = _url(args)
    report = _as_admin(
        lambda password: refresh_team(url, now=clock.now(), as_of=clock.today(), password=password),
    )
    print(
        _("Pools refreshed as of {day}: {members}.").format(
            day=text_formats().date(report.as_of),
            members=_pool_members(report.pool_members, report.pools),
        )
    )
    return EXIT_OK


def _pool_members(members: int, pools: int) -> str:
    """ "20 pool members in 2 pools", each count with its own plural form."""
    count = text_formats().count
    return _("{members} in {pools}").format(
        members=ngettext("{count} pool member", "{count} pool members", members).format(
            count=count(members)
        ),
        pools=ngettext("{count} pool", "{count} pools", pools).format(count=count(pools)),
    )


def _url(args: argparse.Namespace) -> str:
    """``--database``, refused in words unless it names a PostgreSQL database."""
    from collections_desktop.models.team.server import TeamError, team_url

    if not getattr(args, "database", None):
        raise CommandError(
            error_line(_("give the team database: --database postgresql://USER@HOST/DATABASE"))
        )
    url = database_url(args)
    try:
        team_url(url)
    except TeamError as error:
        raise CommandError(error_line(error)) from error
    return url


def _as_admin(work: Callable[[str | None], T]) -> T:
    """Run ``work`` without a password; when the server asks for one, ask on the terminal."""
    from collections_desktop.models.team.server import PasswordRequired, TeamError
    from collections_desktop.models.team.users import UserError

    try:
        try:
            return work(None)
        except PasswordRequired:
            if not sys.stdin.isatty():
                raise
            return work(getpass(_("Password of the database's administrator: ")) or None)
    except (TeamError, UserError) as error:
        raise CommandError(error_line(error)) from error


def _new_password(name: str) -> str | None:
    """The new user's password, asked twice on a terminal; None without a terminal."""
    if not sys.stdin.isatty():
        return None
    first = getpass(_("Password for {name} (empty: none): ").format(name=name))
    if not first:
        return None
    if getpass(_("The same password again: ")) != first:
        raise CommandError(error_line(_("the two passwords differ; nothing was changed")))
    return first

"""Setting up the team database: ``team init`` and ``team refresh``.

``init_team`` brings a PostgreSQL database to the app's schema with the same migrations as
any other database (an empty one, or one that already holds a company), then gives it the
roles, privileges and row-level security of ``security.py``, the pull cursor and the
pools' members, all in one transaction, and analyses the tables last: a freshly loaded
server that plans without statistics can be a hundred times slower. Every step may run
again and then changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.company.opening import complete_reference_data
from collections_desktop.models.company.setup import has_company
from collections_desktop.models.db.database import Database, normalise_url, open_database
from collections_desktop.models.db.schema import Base, CustomerPool
from collections_desktop.models.sync.pull import install_pull_cursor
from collections_desktop.models.team.connect import server_engine
from collections_desktop.models.team.members import refresh_pool_members
from collections_desktop.models.team.security import quoted, secure
from collections_desktop.models.team.users import UserReport, add_user, check_user_name


class TeamError(Exception):
    """The team database cannot be set up as asked; the message says why and where."""


class PasswordRequired(TeamError):
    """The server wants a password and none was given."""


@dataclass(frozen=True)
class TeamInitReport:
    """What ``team init`` did."""

    database: str  # without any password
    schema_created: bool  # the database was empty
    has_company: bool
    roles_created: tuple[str, ...]
    tables_secured: int
    policies: int
    policies_created: int
    pools: int
    pool_members: int
    tables_analysed: int
    autovacuum: bool  # off, nothing keeps the statistics current after this ANALYZE


@dataclass(frozen=True)
class RefreshReport:
    """What ``team refresh`` found: the live pools and their customers, as of a day."""

    as_of: dt.date
    pools: int
    pool_members: int


def team_url(url: str) -> URL:
    """The team database's URL, refused in words when it is not PostgreSQL or holds a
    password (a password belongs in no URL: it is asked for)."""
    parsed = normalise_url(url)
    where = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() != "postgresql":
        raise TeamError(
            _(
                "{where} is not a PostgreSQL database; the team database is one, given as "
                "postgresql://USER@HOST/DATABASE."
            ).format(where=where)
        )
    if parsed.password is not None:
        raise TeamError(
            _(
                "Leave the password out of the URL {where}: it would be kept in the shell's "
                "history. You are asked for it when the server wants one."
            ).format(where=where)
        )
    return parsed


def init_team(
    admin_url: str,
    *,
    now: dt.datetime,
    password: str | None = None,
    as_of: dt.date | None = None,
) -> TeamInitReport:
    """Migrate the database at ``admin_url`` and set it up for the team.

    ``admin_url`` names a user who owns the database (or a superuser) and may create
    roles. Pools' members are worked out as of ``as_of`` (default: ``now``'s date).
    Raises ``TeamError`` with the reason when the server cannot be reached or the user
    may not do this; nothing is changed then.
    """
    url = team_url(admin_url)
    check_admin(url, password)
    database = open_database(
        admin_url, now=now, after_upgrade=complete_reference_data, password=password
    )
    try:
        with _admin_transaction(database) as connection:
            security = secure(connection)
            install_pull_cursor(connection)
            with _session(connection) as session:
                company = has_company(session)
                members = refresh_pool_members(session, as_of or now.date())
                pools = _live_pools(session)
            autovacuum = connection.execute(text("SHOW autovacuum")).scalar_one() == "on"
        analysed = analyse(database)
    finally:
        database.dispose()
    return TeamInitReport(
        database=database.display_name,
        schema_created=database.created,
        has_company=company,
        roles_created=security.roles_created,
        tables_secured=security.tables_secured,
        policies=security.policies,
        policies_created=security.policies_created,
        pools=pools,
        pool_members=members,
        tables_analysed=analysed,
        autovacuum=autovacuum,
    )


def refresh_team(
    admin_url: str, *, now: dt.datetime, as_of: dt.date, password: str | None = None
) -> RefreshReport:
    """Work out again which customers each pool holds on ``as_of`` (a daily job)."""
    url = team_url(admin_url)
    check_admin(url, password)
    database = open_database(
        admin_url, now=now, after_upgrade=complete_reference_data, create=False, password=password
    )
    try:
        with _admin_transaction(database) as connection, _session(connection) as session:
            members = refresh_pool_members(session, as_of)
            pools = _live_pools(session)
        analyse(database, ("pool_customers",))
    finally:
        database.dispose()
    return RefreshReport(as_of=as_of, pools=pools, pool_members=members)


def add_team_user(
    admin_url: str,
    name: str,
    employee_number: str,
    *,
    supervisor: bool,
    view_all: bool,
    password: str | None,
    now: dt.datetime,
    admin_password: str | None = None,
) -> UserReport:
    """``users.add_user`` on the team database at ``admin_url``, in one transaction."""
    url = team_url(admin_url)
    check_user_name(name)
    check_admin(url, admin_password)
    database = open_database(
        admin_url,
        now=now,
        after_upgrade=complete_reference_data,
        create=False,
        password=admin_password,
    )
    try:
        with database.sessions.begin() as session:
            return add_user(
                session,
                name,
                employee_number,
                supervisor=supervisor,
                view_all=view_all,
                password=password,
                now=now,
            )
    finally:
        database.dispose()


def analyse(database: Database, tables: tuple[str, ...] | None = None) -> int:
    """ANALYZE ``tables`` (default: every table of the schema); how many were analysed."""
    names = tables or tuple(table.name for table in Base.metadata.sorted_tables)
    with database.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        for name in names:
            connection.execute(text(f"ANALYZE {quoted(name)}"))
    return len(names)


@contextmanager
def _admin_transaction(database: Database) -> Iterator[Connection]:
    """One transaction, one set-up at a time on this database."""
    with database.engine.begin() as connection:
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended('collections team set-up', 0))")
        )
        yield connection


@contextmanager
def _session(connection: Connection) -> Iterator[Session]:
    session = Session(bind=connection, expire_on_commit=False)
    try:
        yield session
        session.flush()
    finally:
        session.close()


def _live_pools(session: Session) -> int:
    found = session.scalar(
        select(func.count()).select_from(CustomerPool).where(CustomerPool.deleted_at.is_(None))
    )
    return found or 0


def check_admin(url: URL, password: str | None) -> None:
    """Refuse, before anything changes, a server that cannot be reached or a user who
    may not create roles or does not own the tables."""
    where = url.render_as_string(hide_password=True)
    engine = server_engine(url, password)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")
            ).one()
            foreign = connection.execute(
                text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tableowner <> current_user"
                )
            ).scalar_one()
    except OperationalError as error:
        reason = str(error.orig).strip()
        if "no password supplied" in reason:
            raise PasswordRequired(
                _(
                    "The server {where} asks for a password: run this on a terminal to be "
                    "asked for it, or keep it in the administrator's .pgpass file."
                ).format(where=where)
            ) from None
        if "password authentication failed" in reason:
            raise TeamError(
                _("The server {where} refused the password of {user}.").format(
                    where=where, user=url.username
                )
            ) from None
        raise TeamError(
            _("Cannot reach the team database {where}: {reason}").format(where=where, reason=reason)
        ) from None
    except DBAPIError as error:
        raise TeamError(
            _("The team database {where} refused: {reason}").format(
                where=where, reason=str(error.orig).strip()
            )
        ) from None
    finally:
        engine.dispose()
    user = url.username or _("this user")
    if not row.rolsuper and not row.rolcreaterole:
        raise TeamError(
            _(
                "{user} may not create roles on {where}; run this as the database's owner "
                "with CREATEROLE (or a superuser)."
            ).format(user=user, where=where)
        )
    if not row.rolsuper and foreign:
        raise TeamError(
            _(
                "{user} does not own {count} of the tables of {where}; run this as the user "
                "who owns them."
            ).format(user=user, count=foreign, where=where)
        )

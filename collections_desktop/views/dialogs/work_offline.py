"""File ▸ Work offline…: make a local replica of the team database to work on without a network.

The dialog asks for the server (a URL without any password), the user, the password,
whether to remember it in the keychain, and where to keep the replica; it checks what
was typed and shows the progress of the copy, which ``views.actions.work_offline`` runs
in the background. The password goes only to the copy and, with Remember me, to the
keychain; never into the URL, the settings or the replica.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from collections_desktop.i18n import _
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.style import muted_palette


@dataclass(frozen=True)
class ReplicaRequest:
    """What the user asked for: ``server`` names the user and holds no password."""

    server: str
    password: str | None
    remember: bool
    file: Path


def parse_server(text: str) -> URL | str:
    """The server's URL, or a message saying what is wrong with ``text``."""
    text = text.strip()
    if not text:
        return _("Type the team database's address, e.g. postgresql://server/collections.")
    if "://" not in text:
        text = f"postgresql://{text}"
    try:
        url = make_url(text)
    except ArgumentError:
        return _(
            "{text} is not a database address such as postgresql://server/collections."
        ).format(text=text)
    if url.get_backend_name() != "postgresql":
        return _("The team database is a PostgreSQL server: its address starts with postgresql://.")
    if url.password:
        return _("Leave the password out of the address; type it in the Password box.")
    if not url.host or not url.database:
        return _("The address needs the server and the database: postgresql://server/collections.")
    return url


class WorkOfflineDialog(ActionDialog):
    """Server, user, password, Remember me and the replica's file; then the copy's progress."""

    def __init__(
        self,
        *,
        server: str = "",
        user: str = "",
        file: Path,
        can_remember: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Work offline"), _("Create replica"), parent)
        self.setObjectName("work_offline_dialog")
        self.setMinimumWidth(560)
        intro = QLabel(
            _(
                "Copies your customers from the team database to a file on this computer. "
                "You then work on that file, online or not; your changes are sent to the "
                "server and the team's fetched at each sync (F9, and every few minutes)."
            )
        )
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        self.server = QLineEdit(server)
        self.server.setObjectName("work_offline_server")
        self.server.setPlaceholderText("postgresql://server:5432/collections")
        self.user = QLineEdit(user)
        self.user.setObjectName("work_offline_user")
        self.password = QLineEdit()
        self.password.setObjectName("work_offline_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("Empty: the server's own rules apply"))
        self.remember = QCheckBox(_("Remember me (in this computer's keychain)"))
        self.remember.setObjectName("work_offline_remember")
        self._can_remember = can_remember
        self.remember.setEnabled(can_remember)
        if not can_remember:
            self.remember.setToolTip(
                _("No keychain is available: the password is asked at each sync")
            )
        self.file = QLineEdit(str(file))
        self.file.setObjectName("work_offline_file")
        browse = QPushButton(_("Browse…"))
        browse.setObjectName("work_offline_browse")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)
        self.form.addRow(_("&Server:"), self.server)
        self.form.addRow(_("&User:"), self.user)
        self.form.addRow(_("&Password:"), self.password)
        self.form.addRow("", self.remember)
        file_label = QLabel(_("&Keep the replica in:"))
        file_label.setBuddy(self.file)  # a row of a layout gets no buddy by itself
        self.form.addRow(file_label, file_row)
        self.progress = QProgressBar()
        self.progress.setObjectName("work_offline_progress")
        self.progress.setTextVisible(False)
        self.step = QLabel()
        self.step.setObjectName("work_offline_step")
        self.step.setPalette(muted_palette(self.step.palette()))
        self.progress.hide()
        self.step.hide()
        self.body.addWidget(self.progress)
        self.body.addWidget(self.step)
        self._inputs: tuple[QWidget, ...] = (
            self.server,
            self.user,
            self.password,
            self.remember,
            self.file,
            browse,
        )
        self.server.editingFinished.connect(self._user_from_server)

    def check(self) -> str | None:
        """Refuse an address with a password, no user, or a file that already exists."""
        url = parse_server(self.server.text())
        if isinstance(url, str):
            return url
        if not (self.user.text().strip() or url.username):
            return _("Type your user name on the team database.")
        path = Path(self.file.text().strip()).expanduser()
        if not self.file.text().strip():
            return _("Choose where to keep the replica.")
        if path.exists():
            return _("{path} already exists: choose another file, or remove it first.").format(
                path=path
            )
        if not path.parent.is_dir():
            return _("The folder {folder} does not exist.").format(folder=path.parent)
        return None

    def value(self) -> ReplicaRequest:
        """The request, the user in the URL and no password in it."""
        url = parse_server(self.server.text())
        assert isinstance(url, URL)  # check() saw to it
        user = self.user.text().strip() or url.username
        server = url.set(username=user, password=None).render_as_string(hide_password=False)
        return ReplicaRequest(
            server=server,
            password=self.password.text() or None,
            remember=self.remember.isChecked(),
            file=Path(self.file.text().strip()).expanduser(),
        )

    def set_waiting(self, waiting: bool) -> None:
        """While the copy runs: inputs locked, progress shown; Cancel stops the copy."""
        super().set_waiting(waiting)
        for widget in self._inputs:
            widget.setEnabled(not waiting and (widget is not self.remember or self._can_remember))
        self.progress.setVisible(waiting)
        self.step.setVisible(waiting)
        if waiting:
            self.progress.setRange(0, 0)
            self.step.setText(_("Connecting to the server…"))

    def show_progress(self, done: int, total: int, what: str) -> None:
        """The copy's progress."""
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        if what:
            self.step.setText(what)

    def _user_from_server(self) -> None:
        url = parse_server(self.server.text())
        if isinstance(url, URL) and url.username and not self.user.text().strip():
            self.user.setText(url.username)

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Keep the replica in"), self.file.text(), _("Replicas (*.sqlite)")
        )
        if chosen:
            self.file.setText(chosen)

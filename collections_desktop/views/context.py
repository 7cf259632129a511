"""What every page, dialog controller and action controller works with, in one object.

A page needs the database, the task runner, who is looking (the ``Viewer``), the clock,
the user's formats, the icons and the settings. They are handed over together as one
frozen ``PageContext`` instead of seven arguments in varying orders, so a new page takes
``context`` and nothing else, and a test builds one context for every widget it makes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import Clock
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope, Viewer
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.settings import CALL_METHOD, Settings
from collections_desktop.views.tasks import TaskRunner


@dataclass(frozen=True)
class PageContext:
    """The open database and everything the views need to show and change it."""

    database: Database
    runner: TaskRunner
    viewer: Viewer
    clock: Clock
    formats: Formats
    icons: IconRegistry
    settings: Settings | None = None
    replica: bool = False
    """The database is a laptop's offline copy of the team database: the team's own tables
    (the set-up, the agency desk) are read here and changed on the team database."""

    @property
    def scope(self) -> AgentScope:
        """The customers the viewer sees (an agent's pools, or the whole company)."""
        return self.viewer.scope

    @property
    def employee_id(self) -> uuid.UUID | None:
        """The viewer's employee record (None: a user who is not an employee)."""
        return self.viewer.employee_id

    def call_method(self) -> str:
        """How a phone number is called: "tel" or "teams" (the user's setting)."""
        return self.settings.get(CALL_METHOD) if self.settings is not None else "tel"

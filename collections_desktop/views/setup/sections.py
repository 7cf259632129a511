"""The Set-up page's sections, in the order listed."""

from __future__ import annotations

from typing import Any

from collections_desktop.views.setup.agents import AgentsSection
from collections_desktop.views.setup.case_categories import CaseCategoriesSection
from collections_desktop.views.setup.pools import PoolsSection
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.setup.users import UsersSection

SETUP_SECTIONS: tuple[type[SetupSection[Any, Any]], ...] = (
    CaseCategoriesSection,
    PoolsSection,
    AgentsSection,
    UsersSection,
)
"""Every set-up section, in the order of the page's list."""

"""The Set-up page's sections, in the order listed."""

from __future__ import annotations

from typing import Any

from collections_desktop.views.setup.activity_categories import ActivityCategoriesSection
from collections_desktop.views.setup.bank_charges import BankAccountsSection, BankChargesSection
from collections_desktop.views.setup.case_categories import CaseCategoriesSection
from collections_desktop.views.setup.posting_profiles import PostingProfilesSection
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.setup.write_off_reasons import WriteOffReasonsSection

SETUP_SECTIONS: tuple[type[SetupSection[Any, Any]], ...] = (
    CaseCategoriesSection,
    ActivityCategoriesSection,
    WriteOffReasonsSection,
    PostingProfilesSection,
    BankAccountsSection,
    BankChargesSection,
)
"""Every set-up section, in the order of the page's list."""

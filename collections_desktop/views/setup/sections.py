"""The Set-up page's sections, in the order listed."""

from __future__ import annotations

from typing import Any

from collections_desktop.views.setup.activity_categories import ActivityCategoriesSection
from collections_desktop.views.setup.agents import AgentsSection
from collections_desktop.views.setup.aging_definitions import AgingDefinitionsSection
from collections_desktop.views.setup.bank_charges import BankAccountsSection, BankChargesSection
from collections_desktop.views.setup.case_categories import CaseCategoriesSection
from collections_desktop.views.setup.interest_codes import InterestCodesSection
from collections_desktop.views.setup.letter_sequences import LetterSequencesSection
from collections_desktop.views.setup.mail_server import MailServerSection
from collections_desktop.views.setup.mail_templates import MailTemplatesSection
from collections_desktop.views.setup.parameters import ParametersSection
from collections_desktop.views.setup.pools import PoolsSection
from collections_desktop.views.setup.posting_profiles import PostingProfilesSection
from collections_desktop.views.setup.record_results import RecordResultsSection
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.setup.users import UsersSection
from collections_desktop.views.setup.write_off_reasons import WriteOffReasonsSection

SETUP_SECTIONS: tuple[type[SetupSection[Any, Any]], ...] = (
    ParametersSection,
    UsersSection,
    AgentsSection,
    PoolsSection,
    AgingDefinitionsSection,
    LetterSequencesSection,
    InterestCodesSection,
    WriteOffReasonsSection,
    PostingProfilesSection,
    BankAccountsSection,
    BankChargesSection,
    CaseCategoriesSection,
    ActivityCategoriesSection,
    MailTemplatesSection,
    MailServerSection,
    RecordResultsSection,
)
"""Every set-up section, in the order of the page's list: the company and its people
first, then the rules of collections."""

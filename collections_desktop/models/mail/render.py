"""An e-mail template filled for one customer, in the customer's language.

Templates are Jinja2 run in an ``ImmutableSandboxedEnvironment``: a supervisor may
write ``{{ customer.name }}``, loops and conditions over the merge fields, and nothing
else: attributes starting with an underscore, methods that change a value and anything
outside the fields are refused (``SecurityError``). Every field must exist
(``StrictUndefined``): a typing error is a refusal, never an empty gap in a mail. A
refusal is a ``TemplateProblem`` that names the line; such a mail is never queued.

The merge fields are plain frozen rows with their values already formatted in the
customer's language (``customer_formats``: amounts and dates in the customer's locale;
table headings and aging labels in the customer's language), read once per customer by
``mail_data``. ``MERGE_FIELDS`` lists them for the editor.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats
from collections_desktop.i18n import LANGUAGES, _, translations_for
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.aging.definitions import (
    CURRENT,
    UNAPPLIED,
    Definition,
    age_items,
    load_definition,
)
from collections_desktop.models.db.schema import (
    Contact,
    Customer,
    Employee,
    ReceivablesParameters,
)
from collections_desktop.models.ledger.balances import open_items
from collections_desktop.models.letters.render import customer_formats
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.customer_card import (
    TransactionRow,
    check_customer,
    transaction_rows,
)
from collections_desktop.models.texts.business import company_language

MERGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("customer.account", "customer.name"),
    ("customer.address", "customer.email"),
    ("customer.phone", "contact.name"),
    ("contact.email", "today"),
    ("balance", "past_due"),
    ("totals", "items_table"),
    ("past_due_table", "items"),
    ("past_due_items", "aging"),
    ("oldest_past_due.date", "oldest_past_due.days"),
    ("agent.name", "agent.email"),
    ("agent.phone", "agent.signature"),
    ("company.name", ""),
)
"""The fields a template may name, two to a row as the editor lists them. ``items`` and
``past_due_items`` are lists of rows (``document``, ``document_date``, ``due_date``,
``days_overdue``, ``open_amount``); ``aging`` a list of (``label``, ``amount``, ``open``);
``oldest_past_due`` is empty when nothing is past due; ``totals`` one text per currency."""

TOP_LEVEL = frozenset(
    name.split(".")[0] for pair in MERGE_FIELDS for name in pair if name
) | frozenset({"loop"})


class TemplateProblem(ValueError):
    """A template that cannot be used: its syntax, an unknown field or an unsafe access,
    with the line it is on."""

    def __init__(self, message: str, line: int | None, *, where: str = "") -> None:
        self.line = line
        self.reason = message
        self.where = where
        text = (
            _("line {line}: {message}").format(line=line, message=message)
            if line is not None
            else message
        )
        if where:
            text = _("{where}, {problem}").format(where=where, problem=text)
        super().__init__(text)


@dataclass(frozen=True)
class CustomerFields:
    account: str
    name: str
    address: str
    email: str
    phone: str


@dataclass(frozen=True)
class ContactFields:
    name: str
    email: str


@dataclass(frozen=True)
class ItemFields:
    document: str
    document_date: str
    due_date: str
    days_overdue: str
    open_amount: str
    past_due: bool


@dataclass(frozen=True)
class PeriodFields:
    label: str
    amount: str
    open: bool


@dataclass(frozen=True)
class OldestFields:
    date: str
    days: str


@dataclass(frozen=True)
class AgentFields:
    name: str
    email: str
    phone: str
    signature: str


@dataclass(frozen=True)
class CompanyFields:
    name: str


@dataclass(frozen=True)
class MailData:
    """One customer's merge fields, formatted in ``language``; ``to`` is where the mail
    goes (the collections contact's address, else the customer's; empty: none)."""

    customer_id: uuid.UUID
    language: str
    to: str
    customer: CustomerFields
    contact: ContactFields
    today: str
    balance: str
    past_due: str
    totals: tuple[str, ...]
    items: tuple[ItemFields, ...]
    past_due_items: tuple[ItemFields, ...]
    items_table: str
    past_due_table: str
    aging: tuple[PeriodFields, ...]
    oldest_past_due: OldestFields | None
    agent: AgentFields
    company: CompanyFields

    def context(self) -> dict[str, object]:
        """The names a template sees."""
        return {name: getattr(self, name) for name in TOP_LEVEL if name != "loop"}


@dataclass(frozen=True)
class RenderedMail:
    """A template filled for one customer: what would be sent."""

    customer_id: uuid.UUID
    language: str
    to: str
    subject: str
    body: str


def environment() -> ImmutableSandboxedEnvironment:
    """The sandbox templates run in: strict about unknown fields, plain text (no HTML
    escaping), trailing newline kept."""
    return ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        auto_reload=False,
    )


_ENVIRONMENT = environment()


def check_template(source: str) -> None:
    """Refuse ``source`` when it does not compile or names a field that does not exist."""
    _compiled(source)


@functools.lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    """``source`` checked and compiled, once per text (a mailing fills one text for
    hundreds of customers)."""
    try:
        parsed = _ENVIRONMENT.parse(source)
    except TemplateSyntaxError as error:
        raise TemplateProblem(_syntax_message(error), error.lineno) from None
    unknown = sorted(meta.find_undeclared_variables(parsed) - TOP_LEVEL)
    if unknown:
        name = unknown[0]
        raise TemplateProblem(
            _("“{name}” is no merge field.").format(name=name), _line_naming(source, name)
        )
    return _ENVIRONMENT.from_string(source)


def render_text(source: str, data: MailData) -> str:
    """``source`` filled with ``data``'s fields; ``TemplateProblem`` names the line."""
    template = _compiled(source)
    try:
        return template.render(data.context())
    except SecurityError as error:
        raise TemplateProblem(
            _("not allowed in a template: {reason}").format(reason=error), _template_line()
        ) from None
    except UndefinedError as error:
        raise TemplateProblem(
            _("no such field: {reason}").format(reason=error), _template_line()
        ) from None
    except TemplateError as error:
        raise TemplateProblem(str(error), _template_line()) from None
    except (TypeError, ValueError, ArithmeticError, AttributeError) as error:
        raise TemplateProblem(str(error), _template_line()) from None


def render_mail(subject: str, body: str, data: MailData) -> RenderedMail:
    """A template's subject and body filled for ``data``'s customer. A problem says
    whether it is in the subject or the body."""
    try:
        filled_subject = " ".join(render_text(subject, data).split())
    except TemplateProblem as problem:
        raise TemplateProblem(problem.reason, problem.line, where=_("subject")) from None
    try:
        filled_body = render_text(body, data)
    except TemplateProblem as problem:
        raise TemplateProblem(problem.reason, problem.line, where=_("body")) from None
    return RenderedMail(data.customer_id, data.language, data.to, filled_subject, filled_body)


def choose_language(customer_language: str | None, company: str, available: Iterable[str]) -> str:
    """The language a mail is written in: the customer's when the template has it, else
    the company's, else English, else the template's first."""
    written = list(available)
    base = (customer_language or "").split("_")[0].split("-")[0].lower()
    for candidate in (base, company, "en"):
        if candidate in written:
            return candidate
    return written[0] if written else (base if base in LANGUAGES else company)


def customer_languages(session: Session, customer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each customer's language column."""
    ids = list(customer_ids)
    found: dict[uuid.UUID, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            session.execute(
                select(Customer.id, Customer.language).where(Customer.id.in_(chunk))
            ).all()
        )
    return found


@dataclass
class MailCache:
    """What every customer of a mailing shares, read once: the aging definition per
    language, the company's name and currency, the agent."""

    definitions: dict[str, Definition] = field(default_factory=dict)
    company: str | None = None
    accounting_currency: str | None = None
    agents: dict[uuid.UUID | None, AgentFields] = field(default_factory=dict)


def mail_data(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    language: str,
    agent_id: uuid.UUID | None,
    cache: MailCache | None = None,
) -> MailData:
    """The merge fields of one customer on ``as_of``, in ``language`` (checked against the
    agent's scope). The figures are the Workspace's: open items as of the day, aged by the
    company's default periods, in the accounting currency."""
    cache = cache or MailCache()
    fmt = customer_formats(language)
    words = translations_for(language)
    customer = check_customer(session, scope, customer_id, as_of)
    definition = cache.definitions.get(language)
    if definition is None:
        definition = cache.definitions[language] = load_definition(session, language=language)
    if cache.company is None:
        parameters = session.execute(
            select(ReceivablesParameters.company_name, ReceivablesParameters.accounting_currency)
        ).one()
        cache.company, cache.accounting_currency = parameters
    accounting = cache.accounting_currency or customer.currency
    found = open_items(session, customer_id, as_of)
    rows = transaction_rows(session, found, as_of)
    aging = age_items(found, as_of, definition)
    items = tuple(_item(row, fmt) for row in rows)
    past_due_rows = [row for row in rows if row.past_due and row.is_debit]
    totals: dict[str, Decimal] = {}
    for row in rows:
        totals[row.currency] = totals.get(row.currency, ZERO) + row.open_amount
    contact, primary = (
        session.get(Contact, contact_id) if contact_id is not None else None
        for contact_id in (customer.collections_contact_id, customer.primary_contact_id)
    )
    live = [c for c in (contact, primary) if c is not None and c.deleted_at is None]
    contact = contact if contact in live else None
    to = (contact.email if contact and contact.email else None) or customer.email or ""
    contact_name = (contact.name if contact else None) or (
        primary.name if primary in live and primary is not None else customer.name
    )
    if agent_id not in cache.agents:
        cache.agents[agent_id] = _agent(session, agent_id)
    oldest = min((row.due_date for row in past_due_rows), default=None)
    labels = (
        words.gettext(CURRENT),
        *(period.label for period in definition.periods),
        words.gettext(UNAPPLIED),
    )
    town = " ".join(p for p in (customer.postal_code, customer.city) if p)
    return MailData(
        customer_id=customer_id,
        language=language,
        to=to.strip(),
        customer=CustomerFields(
            customer.account,
            customer.name,
            ", ".join(p for p in (customer.street, town, customer.country) if p),
            customer.email or "",
            customer.phone or "",
        ),
        contact=ContactFields(contact_name, to.strip()),
        today=fmt.date(as_of, "long"),
        balance=fmt.money(aging.balance, accounting),
        past_due=fmt.money(aging.past_due, accounting),
        totals=tuple(fmt.money(amount, cur) for cur, amount in sorted(totals.items())),
        items=items,
        past_due_items=tuple(_item(row, fmt) for row in past_due_rows),
        items_table=_table(rows, fmt, words),
        past_due_table=_table(past_due_rows, fmt, words),
        aging=tuple(
            PeriodFields(label, fmt.money(amount, accounting), amount != ZERO)
            for label, amount in zip(labels, aging.columns, strict=True)
        ),
        oldest_past_due=(
            OldestFields(fmt.date(oldest), fmt.count((as_of - oldest).days))
            if oldest is not None
            else None
        ),
        agent=cache.agents[agent_id],
        company=CompanyFields(cache.company or ""),
    )


def mail_language(session: Session, customer_id: uuid.UUID, available: Iterable[str]) -> str:
    """The language a template written in ``available`` is sent to this customer in."""
    language = session.scalar(select(Customer.language).where(Customer.id == customer_id))
    return choose_language(language, company_language(session), available)


def _item(row: TransactionRow, fmt: Formats) -> ItemFields:
    return ItemFields(
        document=row.document_number,
        document_date=fmt.date(row.posting_date),
        due_date=fmt.date(row.due_date),
        days_overdue=fmt.count(row.days_overdue) if row.days_overdue > 0 else "",
        open_amount=fmt.money(row.open_amount, row.currency),
        past_due=row.past_due and row.is_debit,
    )


def _table(rows: Sequence[TransactionRow], fmt: Formats, words: object) -> str:
    """A plain-text table of ``rows`` (document, due date, days overdue, open amount) with
    headings in the customer's language and the figures right-aligned."""
    gettext = words.gettext  # type: ignore[attr-defined]
    head = (
        gettext("Document"),
        gettext("Due date"),
        gettext("Days overdue"),
        gettext("Open amount"),
    )
    body = [
        (
            row.document_number,
            fmt.date(row.due_date),
            fmt.count(row.days_overdue) if row.days_overdue > 0 else "",
            fmt.money(row.open_amount, row.currency),
        )
        for row in rows
    ]
    if not body:
        return ""
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(4)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    return "\n".join([line(head), *(line(cells) for cells in body)])


def _agent(session: Session, agent_id: uuid.UUID | None) -> AgentFields:
    employee = session.get(Employee, agent_id) if agent_id is not None else None
    if employee is None:
        return AgentFields("", "", "", "")
    parts = [employee.name, employee.email or "", employee.phone or ""]
    return AgentFields(
        employee.name,
        employee.email or "",
        employee.phone or "",
        "\n".join(part for part in parts if part),
    )


def _syntax_message(error: TemplateSyntaxError) -> str:
    return _("the template cannot be read: {reason}").format(reason=error.message)


def _line_naming(source: str, name: str) -> int | None:
    """The first line where ``name`` appears as a word inside a tag."""
    import re

    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
    for number, line in enumerate(source.splitlines(), 1):
        if pattern.search(line):
            return number
    return None


def _template_line() -> int | None:
    """The template line the exception being handled was raised on (Jinja2 rewrites its
    traceback so the template's frames carry the template's own line numbers)."""
    line = None
    traceback = sys.exc_info()[2]
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


@dataclass(frozen=True)
class PreviewFields:
    """A customer's merge fields in every language, for the template editor's preview."""

    customer_language: str
    company_language: str
    by_language: dict[str, MailData]

    def language_for(self, available: Iterable[str]) -> str:
        return choose_language(self.customer_language, self.company_language, available)


def preview_fields(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    agent_id: uuid.UUID | None,
) -> PreviewFields:
    """One customer's merge fields in each of the four languages (the editor shows the
    one the customer would get, whatever languages the template is written in)."""
    language = session.scalar(select(Customer.language).where(Customer.id == customer_id))
    return PreviewFields(
        language or "",
        company_language(session),
        {
            code: mail_data(session, scope, customer_id, as_of, language=code, agent_id=agent_id)
            for code in LANGUAGES
        },
    )

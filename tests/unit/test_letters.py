"""Collection letters: one level per run, fees posted with a balanced journal, blocks, scopes."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from collections_desktop.i18n import translate_into
from collections_desktop.models.company.reference import LETTER_TEMPLATES
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CollectionLetter,
    CollectionLetterLine,
    CollectionStatus,
    Customer,
    CustomerTransaction,
    Journal,
    LetterLevel,
    LetterScope,
    LetterSequence,
    TransactionType,
)
from collections_desktop.models.ledger import balances, postings, settlements
from collections_desktop.models.ledger.journals import journal_rows
from collections_desktop.models.letters.blocks import set_letter_block
from collections_desktop.models.letters.errors import LetterError
from collections_desktop.models.letters.propose import propose_letters
from collections_desktop.models.letters.read import letter_detail, letters_of
from collections_desktop.models.letters.render import usual_heading, without_fee_sentences
from collections_desktop.models.letters.run import create_letters
from collections_desktop.models.people.scope import ScopeError, company_scope, load_scope
from collections_desktop.models.texts.business import save_texts
from tests.unit.test_overview import add_pool
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer

D = Decimal
DAY = dt.timedelta(days=1)


def debtor(session, *, name="Ruiz Hermanos SL", country="ES", language="en", **fields) -> Customer:
    """A customer on the standard letter sequence, with a postal address."""
    customer = add_customer(session, country)
    customer.name = name
    customer.language = language
    customer.street, customer.postal_code, customer.city = "Calle Mayor 4", "28013", "Madrid"
    customer.letter_sequence = fields.pop("letter_sequence", "STD")
    for key, value in fields.items():
        setattr(customer, key, value)
    session.flush()
    return customer


def overdue(session, customer, amount: str, days: int, **fields) -> CustomerTransaction:
    """An invoice that is ``days`` overdue on TODAY."""
    due = TODAY - days * DAY
    return postings.post_invoice(
        session,
        customer_id=customer.id,
        amount=D(amount),
        posting_date=due - 30 * DAY,
        due_date=due,
        now=NOW,
        **fields,
    )


def run(session, as_of: dt.date, **kwargs):
    return create_letters(session, company_scope(session), as_of, NOW, created_by_id=None, **kwargs)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def lines_of(session, letter_id) -> list[tuple[str, Decimal, int]]:
    return [
        (row.document_number, row.open_amount, row.days_overdue)
        for row in letter_detail(session, letter_id).lines
    ]


def test_one_level_per_run_with_the_fee_posted_and_nothing_after_the_last(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = debtor(session)
        a = overdue(session, customer, "1000.00", 40)  # due 14 Oct
        b = overdue(session, customer, "250.00", 20)  # due 3 Nov
        session.commit()

        # Levels 1 (15 days) and 2 (30 days) are both due: the run sends level 1 only.
        first = run(session, TODAY)
        assert (first.created_count, first.skipped_count) == (1, 0)
        [letter] = first.created
        assert (letter.number, letter.level, letter.level_name) == (
            "CL-0000001",
            1,
            "Friendly reminder",
        )
        assert (letter.amount, letter.fee, letter.fee_transaction_id) == (
            D("1250.00"),
            D("0"),
            None,
        )
        assert lines_of(session, letter.letter_id) == [
            (a.document_number, D("1000.00"), 40),
            (b.document_number, D("250.00"), 20),
        ]
        text = letter_detail(session, letter.letter_id).text
        assert text.startswith("Dear Ruiz Hermanos SL,\n\nOur records show that the items below, ")
        assert "1,250.00\xa0EUR in all" in text
        assert "INV-0000001, due Oct 14, 2026: 1,000.00\xa0EUR (40 days overdue)" in text
        assert text.endswith("Kind regards,\nTest Company")
        session.commit()

        # The same day again: level 2 waits 14 days after the first letter.
        again = run(session, TODAY)
        assert again.created_count == 0
        [skipped] = again.skipped
        assert skipped.reason == (
            "CL-0000001 was sent on Nov 23, 2026; level 2 follows 14 days after it, on Dec 7, 2026."
        )
        assert run(session, TODAY + 13 * DAY).created_count == 0

        # 14 days later: level 2, a fee of 10.00 as a FEE transaction and a LETTER journal.
        second_day = TODAY + 14 * DAY
        [second] = run(session, second_day).created
        session.commit()
        assert (second.number, second.level, second.amount, second.fee) == (
            "CL-0000002",
            2,
            D("1250.00"),
            D("10.00"),
        )
        fee = session.get(CustomerTransaction, second.fee_transaction_id)
        assert (fee.type, fee.document_number, fee.amount, fee.posting_date, fee.due_date) == (
            TransactionType.FEE,
            "CL-0000002",
            D("10.00"),
            second_day,
            dt.date(2026, 12, 21),
        )
        rows = journal_rows(session, second.journal_id)
        assert [
            (r.type, r.account_type, r.account, r.amount, r.amount_accounting) for r in rows
        ] == [
            ("letter", "customer", customer.account, D("10.00"), D("10.00")),
            ("letter", "ledger", "758200", D("-10.00"), D("-10.00")),
        ]
        assert sum(r.amount for r in rows) == 0
        assert balances.balance(session, customer.id, second_day) == D("1260.00")
        assert lines_of(session, second.letter_id) == [
            (a.document_number, D("1000.00"), 54),
            (b.document_number, D("250.00"), 34),
        ]

        # Level 3 waits 21 days after level 2; then it names the fee, 7 days overdue, too.
        assert run(session, second_day + 14 * DAY).skipped[0].reason.endswith("on Dec 28, 2026.")
        third_day = second_day + 21 * DAY
        [third] = run(session, third_day).created
        session.commit()
        assert (third.number, third.level, third.amount, third.fee) == (
            "CL-0000003",
            3,
            D("1260.00"),
            D("25.00"),
        )
        assert lines_of(session, third.letter_id)[-1] == ("CL-0000002", D("10.00"), 7)
        assert balances.balance(session, customer.id, third_day) == D("1285.00")

        # After the last level nothing more is sent.
        last = run(session, dt.date(2027, 3, 1))
        assert last.created_count == 0
        assert last.skipped[0].reason == (
            "The last level (3) was sent on Dec 28, 2026 with CL-0000003; no more letters follow."
        )
        assert count(session, CollectionLetter) == 3
        assert count(session, Journal) == 2
        assert (
            session.scalar(
                select(func.count()).where(CustomerTransaction.type == TransactionType.FEE)
            )
            == 2
        )
        assert [row.number for row in letters_of(session, customer.id)] == [
            "CL-0000003",
            "CL-0000002",
            "CL-0000001",
        ]


def test_a_blocked_customer_is_skipped_with_its_reason(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = debtor(session)
        overdue(session, customer, "300.00", 40)
        other = debtor(session, name="Lopes & Filhos Lda")
        overdue(session, other, "80.00", 16)
        scope = company_scope(session)
        block = set_letter_block(
            session, scope, customer.id, TODAY + 10 * DAY, "  Paying in instalments ", NOW
        )
        session.commit()
        assert (block.until, block.reason, block.version) == (
            dt.date(2026, 12, 3),
            "Paying in instalments",
            2,
        )
        letters = run(session, TODAY)
        assert [(c.account, c.amount) for c in letters.created] == [(other.account, D("80.00"))]
        [skipped] = letters.skipped
        assert (skipped.account, skipped.blocked_until, skipped.amount) == (
            customer.account,
            dt.date(2026, 12, 3),
            D("300.00"),
        )
        assert skipped.reason == "Letters are blocked until Dec 3, 2026: Paying in instalments"
        # The block holds through its last day and ends after it.
        assert not run(session, dt.date(2026, 12, 3), customer_ids=[customer.id]).created
        [made] = run(session, dt.date(2026, 12, 4), customer_ids=[customer.id]).created
        assert made.account == customer.account
        session.rollback()


def test_block_refusals_write_nothing_and_none_clears(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        spain = debtor(session)
        france = debtor(session, country="FR")
        iberia = add_pool(session, "Iberia", "ES")
        scope = load_scope(session, add_agent(session, [iberia]))
        session.commit()
        for until, reason, message in (
            (TODAY - DAY, "Paid by cheque", "The block must last until today or a later date; "
             "Nov 22, 2026 is past."),
            (TODAY, "   ", "Write why the letters are blocked."),
            (TODAY, "x" * 201, "The reason is too long: at most 200 characters."),
        ):  # fmt: skip
            with pytest.raises(LetterError) as refused:
                set_letter_block(session, scope, spain.id, until, reason, NOW)
            assert str(refused.value) == message
        with pytest.raises(LetterError, match="not in your pools"):
            set_letter_block(session, scope, france.id, TODAY, "Paid", NOW)
        session.rollback()
        assert session.get(Customer, spain.id).version == 1
        assert session.get(Customer, spain.id).letter_block_until is None
        set_letter_block(session, scope, spain.id, TODAY, "Disputing the prices", NOW)
        cleared = set_letter_block(session, scope, spain.id, None, "ignored", NOW)
        session.commit()
        assert (cleared.until, cleared.reason, cleared.version) == (None, None, 3)
        customer = session.get(Customer, spain.id)
        assert (customer.letter_block_until, customer.letter_block_reason) == (None, None)


def transaction_sequence(session) -> str:
    """A copy of the standard sequence that writes one letter per transaction."""
    standard = session.scalar(select(LetterSequence).where(LetterSequence.code == "STD"))
    sequence = LetterSequence(
        code="ITEM",
        name="Per invoice",
        scope=LetterScope.TRANSACTION,
        fee_account="758300",
        updated_at=NOW,
    )
    session.add(sequence)
    session.flush()
    for level in session.scalars(
        select(LetterLevel).where(LetterLevel.sequence_id == standard.id)
    ).all():
        session.add(
            LetterLevel(
                sequence_id=sequence.id,
                level=level.level,
                name=level.name,
                days_after_due=level.days_after_due,
                days_after_previous=level.days_after_previous,
                fee=level.fee,
                template=level.template,
                updated_at=NOW,
            )
        )
    session.flush()
    return sequence.code


def test_transaction_scope_makes_one_letter_per_item(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = debtor(session, letter_sequence=transaction_sequence(session))
        a = overdue(session, customer, "400.00", 40)
        b = overdue(session, customer, "150.00", 20)
        c = overdue(session, customer, "75.00", 10)
        session.commit()
        first = run(session, TODAY)
        assert [(x.level, x.amount, x.fee) for x in first.created] == [
            (1, D("400.00"), D("0")),
            (1, D("150.00"), D("0")),
        ]
        assert [lines_of(session, x.letter_id) for x in first.created] == [
            [(a.document_number, D("400.00"), 40)],
            [(b.document_number, D("150.00"), 20)],
        ]
        [young] = first.skipped
        assert [i.document_number for i in young.items] == [c.document_number]
        assert young.reason == (
            "Level 1 is due 15 days after the due date; the oldest item is 10 days overdue."
        )
        session.commit()
        # Two weeks on: a and b reach level 2 (a fee each), c its first letter. The fees
        # themselves get no letters of their own.
        later = run(session, TODAY + 14 * DAY)
        session.commit()
        assert [(x.number, x.level, x.amount, x.fee) for x in later.created] == [
            ("CL-0000003", 2, D("400.00"), D("10.00")),
            ("CL-0000004", 2, D("150.00"), D("10.00")),
            ("CL-0000005", 1, D("75.00"), D("0")),
        ]
        fee_lines = [
            (row.account, row.amount)
            for x in later.created
            if x.journal_id is not None
            for row in journal_rows(session, x.journal_id)
        ]
        assert fee_lines == [(customer.account, D("10.00")), ("758300", D("-10.00"))] * 2
        assert run(session, TODAY + 40 * DAY).created_count == 3  # level 3, 3 and 2
        assert count(session, CollectionLetterLine) == 8


def test_disputed_items_are_left_out(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = debtor(session)
        disputed = overdue(session, customer, "900.00", 40)
        disputed.collection_status = CollectionStatus.DISPUTED
        kept = overdue(session, customer, "120.00", 20)
        only_disputed = debtor(session, name="Garnier SA")
        overdue(session, only_disputed, "50.00", 60).collection_status = CollectionStatus.DISPUTED
        session.flush()
        [proposal] = propose_letters(session, company_scope(session), TODAY)
        assert (proposal.account, proposal.level, proposal.amount, proposal.days_overdue) == (
            customer.account,
            1,
            D("120.00"),
            20,
        )
        [letter] = run(session, TODAY).created
        assert lines_of(session, letter.letter_id) == [(kept.document_number, D("120.00"), 20)]
        session.rollback()


def test_who_gets_nothing_and_who_is_told_why(any_db: Database) -> None:
    with any_db.sessions() as session:
        current = debtor(session)
        overdue(session, current, "500.00", -5)  # not due yet
        paid = debtor(session)
        invoice = overdue(session, paid, "70.00", 30)
        payment = postings.post_payment(
            session, customer_id=paid.id, amount=D("70.00"), posting_date=TODAY, now=NOW
        )
        settlements.settle(session, {invoice.id: D("70.00"), payment.id: D("70.00")}, TODAY, NOW)
        no_sequence = debtor(session, letter_sequence=None)
        overdue(session, no_sequence, "60.00", 30)
        unknown = debtor(session, letter_sequence="GONE")
        overdue(session, unknown, "40.00", 30)
        scope = company_scope(session)
        assert [
            (p.account, p.will_send, p.reason) for p in propose_letters(session, scope, TODAY)
        ] == [
            (no_sequence.account, False, "No letter sequence is set for this customer."),
            (unknown.account, False, "Letter sequence GONE does not exist or has no levels."),
        ]
        assert propose_letters(session, scope, TODAY, customer_ids=[current.id, paid.id]) == []
        session.rollback()


def test_paying_what_the_letters_named_starts_the_sequence_again(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = debtor(session)
        old = overdue(session, customer, "200.00", 40)
        assert run(session, TODAY).created[0].level == 1
        payment = postings.post_payment(
            session, customer_id=customer.id, amount=D("200.00"), posting_date=TODAY, now=NOW
        )
        settlements.settle(session, {old.id: D("200.00"), payment.id: D("200.00")}, TODAY, NOW)
        overdue(session, customer, "90.00", 0)  # due today, overdue from tomorrow
        [letter] = run(session, TODAY + 20 * DAY).created
        assert (letter.level, letter.amount) == (1, D("90.00"))
        session.rollback()


def test_a_run_dated_before_the_last_letter_is_refused(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = debtor(session)
        overdue(session, customer, "300.00", 40)
        run(session, TODAY)
        session.commit()
        before = (count(session, CollectionLetter), count(session, CustomerTransaction))
        with pytest.raises(LetterError) as refused:
            run(session, TODAY - DAY)
        assert str(refused.value) == (
            f"Letter CL-0000001 to {customer.account} is dated Nov 23, 2026, after Nov 22, 2026. "
            "Letters cannot be made as of a date before the last letter: choose Nov 23, 2026 "
            "or later."
        )
        session.rollback()
        assert (count(session, CollectionLetter), count(session, CustomerTransaction)) == before


def test_a_run_takes_the_pool_or_the_customers_asked_for(any_db: Database) -> None:
    with any_db.sessions() as session:
        spain = debtor(session, country="ES")
        portugal = debtor(session, country="PT")
        france = debtor(session, country="FR")
        for customer in (spain, portugal, france):
            overdue(session, customer, "100.00", 20)
        iberia = add_pool(session, "Iberia", "ES")
        gaul = add_pool(session, "Gaul", "FR")
        scope = load_scope(session, add_agent(session, [iberia]))
        company = company_scope(session)
        assert [p.account for p in propose_letters(session, scope, TODAY)] == [spain.account]
        assert [p.account for p in propose_letters(session, company, TODAY, pool_id=gaul.id)] == [
            france.account
        ]
        assert [
            p.account for p in propose_letters(session, company, TODAY, customer_ids=[portugal.id])
        ] == [portugal.account]
        with pytest.raises(ScopeError):
            propose_letters(session, scope, TODAY, pool_id=gaul.id)
        run_ = create_letters(session, scope, TODAY, NOW, pool_id=iberia.id, created_by_id=None)
        assert [c.account for c in run_.created] == [spain.account]
        session.rollback()


def test_a_customer_in_another_currency_gets_letters_without_a_fee(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = debtor(session, currency="USD")
        overdue(session, customer, "500.00", 45, exchange_rate=D("0.9"))
        run(session, TODAY)
        [second] = run(session, TODAY + 14 * DAY).created
        assert (second.level, second.currency, second.amount, second.fee) == (
            2,
            "USD",
            D("500.00"),
            D("0"),
        )
        assert (second.fee_transaction_id, second.journal_id) == (None, None)
        session.rollback()


def test_the_text_and_the_detail_are_in_the_customers_language(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = debtor(session, language="es", name="Ruiz Hermanos SL")
        overdue(session, customer, "1234.50", 31)
        [letter] = run(session, TODAY).created
        session.commit()
        detail = letter_detail(session, letter.letter_id)
        assert "1.234,50\xa0EUR" in detail.text
        assert (
            "INV-0000001, vencimiento el 23 oct 2026: 1.234,50\xa0EUR (31 días de retraso)"
            in detail.text
        )
        assert (detail.company_name, detail.customer_name, detail.account) == (
            "Test Company",
            "Ruiz Hermanos SL",
            customer.account,
        )
        assert detail.address_lines == ("Calle Mayor 4", "28013 Madrid", "España")
        assert (detail.level, detail.level_name, detail.sequence_code) == (
            1,
            "Recordatorio amistoso",
            "STD",
        )
        assert (detail.amount, detail.fee, detail.fee_document) == (D("1234.50"), D("0"), None)
        with pytest.raises(LetterError, match="no longer exists"):
            letter_detail(session, uuid.UUID(int=7))


def test_the_fee_sentence_is_left_out_when_no_fee_is_charged(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        euro = debtor(session, name="Ruiz Hermanos SL")
        overdue(session, euro, "500.00", 45)
        dollar = debtor(session, name="Garnier SA", currency="USD", language="es")
        overdue(session, dollar, "500.00", 45, exchange_rate=D("0.9"))
        run(session, TODAY)
        charged, free = run(session, TODAY + 14 * DAY).created
        assert (charged.fee, free.fee) == (D("10.00"), D("0"))
        text = letter_detail(session, charged.letter_id).text
        assert (
            "are still unpaid. A reminder fee of 10.00\xa0EUR has been added to your account. "
            "Please pay within 10 days" in text
        )
        text = letter_detail(session, free.letter_id).text
        # "Se han cargado en su cuenta unos gastos de reclamación de 0,00 USD" would be false.
        assert "gastos" not in text
        assert not re.search(r"\b0,00", text)
        assert (
            "siguen pendientes de pago. Le rogamos que efectúe el pago en un plazo de 10 días"
            in text
        )
        session.rollback()


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt"])
def test_each_built_in_text_loses_only_its_fee_sentence(language: str) -> None:
    for _level, _name, _due, _previous, _fee, source in LETTER_TEMPLATES:
        template = translate_into(language, source)
        kept = without_fee_sentences(template)
        assert "{fee}" not in kept
        # The rest stays: every paragraph (the greeting, the items, the closing) and every
        # other sentence.
        assert kept.count("\n\n") == template.count("\n\n")
        assert kept.startswith(template.split("\n")[0])
        assert kept.endswith("{items}\n\n" + template.split("{items}\n\n")[1])
        dropped = [
            sentence
            for line in template.split("\n")
            for sentence in re.split(r"(?<=[.!?])\s+", line)
            if sentence not in kept
        ]
        assert dropped == [s for s in dropped if "{fee}" in s]
    assert without_fee_sentences("Pay now. A fee of {fee} applies.\n\n{items}") == (
        "Pay now.\n\n{items}"
    )
    assert without_fee_sentences("Hello,\n\nFee: {fee}\n\n{items}") == "Hello,\n\n{items}"


def test_the_usual_heading_follows_the_level_place_in_its_sequence() -> None:
    assert [usual_heading(level, [1, 2, 3], "es") for level in (1, 2, 3)] == [
        "Recordatorio de pago",
        "Segundo recordatorio",
        "Último aviso",
    ]
    assert [usual_heading(level, [1, 2, 3, 4], "fr") for level in (1, 2, 3, 4)] == [
        "Rappel de paiement",
        "Deuxième rappel",
        "Nouveau rappel",
        "Dernier avis",
    ]
    assert usual_heading(1, [1], "pt") == "Lembrete de pagamento"  # one level: a reminder
    assert usual_heading(2, [2, 5], "en") == "Payment reminder"  # numbered from 2
    assert usual_heading(1, [1, 2], "de") == "Payment reminder"  # a language we do not keep


def test_the_heading_is_the_customers_never_the_level_name(any_db: Database) -> None:
    """A level's own heading (the company's language) and its heading per language; a
    language without one gets the usual heading in that language."""
    with any_db.sessions() as session:
        first = session.scalars(select(LetterLevel).where(LetterLevel.level == 1)).one()
        first.heading = "Your account is overdue"
        save_texts(
            session, "letter_levels", first.id, "heading", {"es": "Su cuenta está vencida"},
            now=NOW,
        )  # fmt: skip
        customers = {
            language: debtor(session, name=f"Debtor {language}", language=language)
            for language in ("en", "es", "fr", "pt")
        }
        for customer in customers.values():
            overdue(session, customer, "100.00", 20)
        created = run(session, TODAY).created
        session.commit()
        details = {
            detail.language: detail
            for detail in (letter_detail(session, c.letter_id) for c in created)
        }
        assert {language: d.heading for language, d in details.items()} == {
            "en": "Your account is overdue",
            "es": "Su cuenta está vencida",
            "fr": "Rappel de paiement",
            "pt": "Lembrete de pagamento",
        }
        assert {language: d.level_name for language, d in details.items()} == {
            "en": "Friendly reminder",
            "es": "Recordatorio amistoso",
            "fr": "Relance amiable",
            "pt": "Lembrete amigável",
        }  # the collectors' word, kept apart


def test_a_letter_is_wholly_in_the_company_language_without_a_text_in_the_customers(
    any_db: Database,
) -> None:
    with any_db.sessions() as session:
        # The copied sequence has its texts in English only.
        customer = debtor(session, language="fr", letter_sequence=transaction_sequence(session))
        overdue(session, customer, "1234.50", 31)
        [letter] = run(session, TODAY).created
        session.commit()
        detail = letter_detail(session, letter.letter_id)
        assert detail.language == "en"
        assert detail.heading == "Payment reminder"
        assert detail.text.startswith("Dear Ruiz Hermanos SL,\n\nOur records show")
        assert "INV-0000001, due Oct 23, 2026: 1,234.50\xa0EUR (31 days overdue)" in detail.text
        assert detail.address_lines == ("Calle Mayor 4", "28013 Madrid", "Spain")


def test_a_reprint_stays_in_the_language_the_letter_was_written_in(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = debtor(session, language="es")
        overdue(session, customer, "80.00", 16)
        [letter] = run(session, TODAY).created
        session.commit()
        customer.language = "pt"  # the customer's language changes after the letter
        customer.updated_at, customer.version = NOW, customer.version + 1
        session.commit()
        detail = letter_detail(session, letter.letter_id)
        assert (detail.language, detail.heading) == ("es", "Recordatorio de pago")
        assert detail.address_lines[-1] == "España"


# --- property: the levels a run sends follow the sequence, one per run ------------------

STD_LEVELS = ((1, 15, 0), (2, 30, 14), (3, 60, 21))  # level, days after due, after previous


def expected_levels(start_days: int, gaps: list[int]) -> list[tuple[int, int]]:
    """(run index, level) the rules give for runs ``gaps`` days apart, naively."""
    sent: list[tuple[int, int]] = []
    day, last_level, last_day = 0, 0, None
    for index, gap in enumerate(gaps):
        day += gap
        if last_level == len(STD_LEVELS):
            continue
        level, after_due, after_previous = STD_LEVELS[last_level]
        if start_days + day >= after_due and (last_day is None or day - last_day >= after_previous):
            sent.append((index, level))
            last_level, last_day = level, day
    return sent


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start_days=st.integers(min_value=1, max_value=70),
    gaps=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8),
)
def test_runs_send_the_levels_in_order_one_per_run(
    sqlite_db: Database, start_days: int, gaps: list[int]
) -> None:
    with sqlite_db.sessions() as session:
        customer = debtor(session)
        overdue(session, customer, "100.00", start_days)
        sent = []
        as_of = TODAY
        for index, gap in enumerate(gaps):
            as_of += gap * DAY
            letters = run(session, as_of)
            assert letters.created_count + letters.skipped_count == 1
            sent += [(index, c.level) for c in letters.created]
            for created in letters.created:
                if created.journal_id is not None:
                    assert sum(r.amount for r in journal_rows(session, created.journal_id)) == 0
        assert sent == expected_levels(start_days, gaps)
        session.rollback()

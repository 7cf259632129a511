"""A small agency, the same for the reads' and the reports' tests (see each figure's
arithmetic in the tests). As of 2026-11-23; the promises' grace is 3 days.

Staff: Ana Costa (collector, 10 %), Bruno Lima (collector, 12.5 %), Sofia Marin
(supervisor). Clients: ACME (20 %, 25 % from 180 days, 30 % from 365; remits in 15
days), BETA (15 %, 18 % from 200 days; remits in 10 days).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tests import agency_rows as add

D = dt.date


@dataclass(frozen=True)
class Agency:
    ana: uuid.UUID
    bruno: uuid.UUID
    sofia: uuid.UUID
    acme: uuid.UUID
    beta: uuid.UUID
    case1: uuid.UUID
    case2: uuid.UUID
    case3: uuid.UUID
    case4: uuid.UUID
    c1_approved: uuid.UUID
    c1_unapproved: uuid.UUID
    c2_unapproved: uuid.UUID
    c3_original: uuid.UUID
    c3_reversal: uuid.UUID
    c3_unapproved: uuid.UUID
    plan3: uuid.UUID
    receipt: uuid.UUID


def build(session: Session) -> Agency:
    ana = add.staff(session, "Ana Costa", share="10")
    bruno = add.staff(session, "Bruno Lima", share="12.5")
    sofia = add.staff(session, "Sofia Marin", supervisor=True, share="0")
    acme = add.client(
        session, "ACME", "Acme Supplies", percent="20", bands=[(180, "25"), (365, "30")]
    )
    beta = add.client(
        session, "BETA", "Beta Energy", percent="15", bands=[(200, "18")], remittance_days=10
    )
    ruiz = add.debtor(session, "Ruiz Hermanos SL", tax_id="B12345678", kind="company")
    soto = add.debtor(session, "Marta Soto", tax_id="55512345X")
    garnier = add.debtor(session, "Garnier SA", tax_id="FR998877", kind="company")
    case1 = add.case(
        session, "EXP-000001", client_id=acme, debtor_id=ruiz, principal="1000",
        interest="50.50", fees="20", debt_date=D(2026, 1, 10), collector_id=ana,
        last_action_on=D(2026, 11, 1), client_reference="AC-77",
    )  # fmt: skip
    case2 = add.case(
        session, "EXP-000002", client_id=acme, debtor_id=soto, principal="500",
        debt_date=D(2026, 9, 1), collector_id=bruno, status="new",
    )  # fmt: skip
    case3 = add.case(
        session, "EXP-000003", client_id=beta, debtor_id=garnier, principal="2000",
        debt_date=D(2026, 4, 15), collector_id=ana, status="payment_plan",
        last_action_on=D(2026, 10, 15),
    )  # fmt: skip
    case4 = add.case(
        session, "EXP-000004", client_id=beta, debtor_id=ruiz, principal="300",
        collector_id=bruno, status="closed_paid", last_action_on=D(2026, 9, 1),
    )  # fmt: skip
    gone = add.case(
        session, "EXP-000005", client_id=acme, debtor_id=soto, principal="10", deleted=True
    )
    c1_approved = add.collection(
        session, case1, on=D(2026, 11, 5), amount="200", by=ana, state="approved", approved_by=sofia
    )
    c1_unapproved = add.collection(session, case1, on=D(2026, 11, 16), amount="100.25", by=ana)
    add.collection(
        session, case1, on=D(2026, 11, 10), amount="50", by=ana, state="rejected",
        approved_by=sofia, rejection_reason="No bank line",
    )  # fmt: skip
    add.collection(
        session,
        case1,
        on=D(2026, 11, 6),
        amount="999",
        by=ana,
        deleted=True,
        state="approved",
        approved_by=sofia,
    )
    add.collection(
        session,
        case2,
        on=D(2026, 11, 7),
        amount="33.33",
        by=bruno,
        state="approved",
        approved_by=sofia,
    )
    c2_unapproved = add.collection(session, case2, on=D(2026, 11, 18), amount="60", by=bruno)
    c3_original = add.collection(
        session,
        case3,
        on=D(2026, 10, 20),
        amount="400.10",
        by=ana,
        state="approved",
        approved_by=sofia,
    )
    c3_reversal = add.collection(
        session, case3, on=D(2026, 11, 3), amount="-400.10", by=ana, reverses=c3_original,
        state="approved", approved_by=sofia,
    )  # fmt: skip
    add.collection(
        session,
        case3,
        on=D(2026, 11, 12),
        amount="150.10",
        by=ana,
        state="approved",
        approved_by=sofia,
    )
    c3_unapproved = add.collection(session, case3, on=D(2026, 11, 18), amount="75", by=bruno)
    add.collection(
        session,
        case4,
        on=D(2026, 9, 1),
        amount="300",
        by=bruno,
        state="approved",
        approved_by=sofia,
    )
    add.collection(session, gone, on=D(2026, 11, 2), amount="10", by=ana)

    # Promises and plans.
    plan3 = add.plan(
        session, case3, agreed_on=D(2026, 10, 1),
        instalments=[(D(2026, 10, 25), "200"), (D(2026, 11, 10), "200"),
                     (D(2026, 11, 25), "200"), (D(2026, 12, 10), "200")],
    )  # fmt: skip
    add.plan(session, case1, agreed_on=D(2026, 11, 1), instalments=[(D(2026, 11, 19), "300")])
    add.plan(session, case2, agreed_on=D(2026, 10, 30), instalments=[(D(2026, 11, 30), "30")])
    add.plan(
        session, case2, agreed_on=D(2026, 11, 1), cancelled_on=D(2026, 11, 20),
        instalments=[(D(2026, 11, 15), "100"), (D(2026, 11, 29), "100")],
    )  # fmt: skip
    add.plan(session, case2, agreed_on=D(2026, 10, 1), instalments=[(D(2026, 10, 31), "50")])
    add.plan(session, case1, agreed_on=D(2026, 11, 20), instalments=[(D(2026, 12, 1), "70")])

    # Actions and notes.
    hours = [add.NOW - dt.timedelta(hours=n) for n in range(6)]  # newest first
    add.annotation(
        session, case1, "call", "Call back about the plan", scheduled_on=D(2026, 11, 24),
        created_at=hours[3],
    )  # fmt: skip
    add.annotation(session, case2, "visit", "Visit the shop", scheduled_on=D(2026, 11, 19))
    add.annotation(
        session, case3, "visit", "Visited", scheduled_on=D(2026, 11, 10), done_on=D(2026, 11, 10)
    )
    add.annotation(session, case2, "letter", "Second letter", scheduled_on=D(2026, 12, 2))
    add.annotation(
        session, case1, "burofax", "Burofax sent", scheduled_on=D(2026, 10, 31),
        created_at=hours[2],
    )  # fmt: skip
    add.annotation(session, case1, "call", "Wrong", scheduled_on=D(2026, 11, 24), deleted=True)
    add.annotation(session, case1, "observation", "The debtor moved", created_at=hours[1])

    # Expenses.
    fuel = add.expense(
        session, ana, spent_on=D(2026, 11, 4), kind="fuel", amount="45.50", state="approved",
        approved_by=sofia,
    )  # fmt: skip
    receipt = add.attachment(session, expense_id=fuel, file_name="fuel.pdf")
    add.expense(
        session, ana, spent_on=D(2026, 11, 10), kind="calls", amount="12.30", state="submitted"
    )
    add.expense(session, ana, spent_on=D(2026, 11, 11), kind="travel", amount="100")
    add.expense(
        session, bruno, spent_on=D(2026, 11, 6), kind="fuel", amount="20.00", state="approved",
        approved_by=sofia,
    )  # fmt: skip
    add.expense(
        session, bruno, spent_on=D(2026, 11, 2), kind="burofax", amount="25.75",
        state="rejected", approved_by=sofia, rejection_reason="No receipt",
    )  # fmt: skip
    add.expense(
        session, ana, spent_on=D(2026, 10, 30), kind="fuel", amount="10", state="approved",
        approved_by=sofia,
    )  # fmt: skip
    add.expense(
        session, ana, spent_on=D(2026, 12, 1), kind="other", amount="5", state="approved",
        approved_by=sofia,
    )  # fmt: skip
    return Agency(
        ana=ana, bruno=bruno, sofia=sofia, acme=acme, beta=beta, case1=case1, case2=case2,
        case3=case3, case4=case4, c1_approved=c1_approved, c1_unapproved=c1_unapproved,
        c2_unapproved=c2_unapproved, c3_original=c3_original, c3_reversal=c3_reversal,
        c3_unapproved=c3_unapproved, plan3=plan3, receipt=receipt,
    )  # fmt: skip

"""Importing a client's case files: CSV and XLSX, all or nothing, row-numbered errors,
debtors matched by tax id."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.demo.agency import write_demo_agency
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AgencyCase,
    AgencyCaseDocument,
    AgencyClient,
    AgencyDebtor,
    AgencyDebtorContact,
    Employee,
)
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.agency.cases import import_case_files
from collections_desktop.models.importers.agency.fields import load_case_mapping
from collections_desktop.models.importers.mapping import MappingError
from collections_desktop.models.importers.receivables.problems import ImportRejected
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "docs" / "import-mappings" / "agency-cases-sample.csv"
MAPPING = ROOT / "docs" / "import-mappings" / "agency-cases.toml"
NOW = dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC)
D = Decimal
DEMO_CASES = 5
HEADER = (
    "Expediente cliente",
    "Tipo",
    "Titular",
    "NIF/CIF",
    "Direcciones",
    "Teléfonos",
    "Email",
    "Intereses",
    "Gastos",
    "Gestor",
    "Factura",
    "Fecha factura",
    "Vencimiento",
    "Importe",
)


@pytest.fixture
def agency(sqlite_db: Database) -> Database:
    """A company with the agency's demo clients and staff, five case files, and the debtor
    Joaquín Prieto Lasa (tax id 71234567L) from an earlier case of another client."""
    with sqlite_db.sessions.begin() as session:
        write_demo_agency(session, cases=DEMO_CASES, seed=1, today=TODAY)
        session.add(
            AgencyDebtor(
                kind="person",
                name="Joaquín Prieto Lasa",
                tax_id="71234567L",
                language="es",
                updated_at=NOW,
                version=1,
            )
        )
    return sqlite_db


def run(database: Database, path: Path, mapping: Path = MAPPING, client: str = "ELCANT"):  # type: ignore[no-untyped-def]
    with database.sessions.begin() as session:
        return import_case_files(
            session, path, load_case_mapping(mapping), client_code=client, now=NOW
        )


def cases_of(session: Session) -> dict[str, AgencyCase]:
    client = session.scalar(select(AgencyClient.id).where(AgencyClient.code == "ELCANT"))
    found = session.scalars(
        select(AgencyCase).where(
            AgencyCase.client_id == client, AgencyCase.client_reference.like("ELC-2026-%")
        )
    )
    return {case.client_reference or "": case for case in found}


def table_counts(database: Database) -> tuple[int, int, int, int]:
    with database.sessions() as session:
        return (
            session.scalar(select(func.count(AgencyCase.id))) or 0,
            session.scalar(select(func.count(AgencyDebtor.id))) or 0,
            session.scalar(select(func.count(AgencyCaseDocument.id))) or 0,
            session.scalar(select(func.count(AgencyDebtorContact.id))) or 0,
        )


def check_imported(database: Database) -> None:
    """The sample's four case files, as the file says them."""
    with database.sessions() as session:
        cases = cases_of(session)
        assert sorted(cases) == ["ELC-2026-0457", "ELC-2026-0458", "ELC-2026-0459", "ELC-2026-0460"]
        numbers = [cases[r].number for r in sorted(cases)]
        assert numbers == [f"EXP-{n:06d}" for n in range(DEMO_CASES + 1, DEMO_CASES + 5)]
        ribera = cases["ELC-2026-0457"]
        # No principal column: the sum of its two invoices; the debt date their first due date.
        assert (ribera.principal, ribera.interest, ribera.fees) == (
            D("2392.45"),
            D("38.40"),
            D("30.00"),
        )
        assert ribera.debt_date == dt.date(2026, 6, 4)
        assert ribera.assigned_on == TODAY
        assert ribera.currency == "EUR"
        assert ribera.status == "new"
        collector = session.scalar(
            select(Employee.number).where(Employee.id == ribera.collector_id)
        )
        assert collector == "E-0102"
        documents = session.execute(
            select(
                AgencyCaseDocument.document_number,
                AgencyCaseDocument.document_date,
                AgencyCaseDocument.due_date,
                AgencyCaseDocument.amount,
            )
            .where(AgencyCaseDocument.case_id == ribera.id)
            .order_by(AgencyCaseDocument.document_number)
        ).all()
        assert [tuple(d) for d in documents] == [
            ("FE26-018830", dt.date(2026, 5, 5), dt.date(2026, 6, 4), D("1212.35")),
            ("FE26-021977", dt.date(2026, 6, 5), dt.date(2026, 7, 5), D("1180.10")),
        ]
        debtor = session.get(AgencyDebtor, ribera.debtor_id)
        assert debtor is not None
        assert (debtor.kind, debtor.name, debtor.tax_id) == (
            "company",
            "Talleres Ribera, S.L.",
            "B48123456",
        )
        ortiz = cases["ELC-2026-0458"]
        assert ortiz.collector_id is None
        assert ortiz.principal == D("186.72")
        addresses = session.scalars(
            select(AgencyDebtorContact.value)
            .where(
                AgencyDebtorContact.debtor_id == ortiz.debtor_id,
                AgencyDebtorContact.kind == "address",
            )
            .order_by(AgencyDebtorContact.value)
        ).all()
        assert addresses == ["Calle Alcalá 100, 28009 Madrid", "Calle Mayor 4, 3º B, 28013 Madrid"]
        # Joaquín Prieto Lasa was already a debtor: his case joins him, with his new phones.
        prieto = cases["ELC-2026-0459"]
        assert prieto.principal == D("733.76")
        assert (
            session.scalar(
                select(func.count(AgencyDebtor.id)).where(AgencyDebtor.tax_id == "71234567L")
            )
            == 1
        )
        assert (
            session.scalar(select(AgencyDebtor.name).where(AgencyDebtor.id == prieto.debtor_id))
            == "Joaquín Prieto Lasa"
        )
        phones = session.scalars(
            select(AgencyDebtorContact.value)
            .where(
                AgencyDebtorContact.debtor_id == prieto.debtor_id,
                AgencyDebtorContact.kind == "phone",
            )
            .order_by(AgencyDebtorContact.value)
        ).all()
        assert phones == ["+34 622 555 901", "+34 985 555 144"]
        collector = session.scalar(
            select(Employee.user_name).where(Employee.id == prieto.collector_id)
        )
        assert collector == "dramos"


def test_a_client_csv_opens_its_case_files(agency: Database) -> None:
    before = table_counts(agency)
    result = run(agency, SAMPLE)
    assert (result.rows, result.cases, result.documents) == (7, 4, 7)
    assert (result.debtors_created, result.debtors_matched) == (3, 1)
    assert (result.first_number, result.last_number) == ("EXP-000006", "EXP-000009")
    assert result.describe().startswith(
        "Imported agency-cases-sample.csv for client ELCANT: 7 rows, 4 case files "
        "(EXP-000006 to EXP-000009), 7 documents; 3 new debtors, 1 matched by tax id ("
    )
    after = table_counts(agency)
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (4, 3, 7)
    check_imported(agency)


def test_the_same_file_as_xlsx_with_typed_cells(agency: Database, tmp_path: Path) -> None:
    import csv

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Expedientes"
    with SAMPLE.open(encoding="utf-8", newline="") as file:
        lines = list(csv.reader(file, delimiter=";"))
    assert tuple(lines[0]) == HEADER
    sheet.append(lines[0])
    for line in lines[1:]:
        cells: list[object] = list(line)
        for position in (11, 12):  # dates as dates
            day, month, year = line[position].split("/")
            cells[position] = dt.datetime(int(year), int(month), int(day))
        for position in (7, 8, 13):  # amounts as numbers
            text = line[position].replace(".", "").replace(",", ".")
            cells[position] = float(text) if text else None
        sheet.append(cells)
    path = tmp_path / "expedientes.xlsx"
    workbook.save(path)
    mapping = tmp_path / "xlsx.toml"
    text = MAPPING.read_text(encoding="utf-8")
    _source, columns = text.split("[columns]")
    mapping.write_text('[source]\nsheet = "Expedientes"\n\n[columns]' + columns, encoding="utf-8")
    result = run(agency, path, mapping)
    assert (result.rows, result.cases, result.documents) == (7, 4, 7)
    check_imported(agency)


def test_every_bad_cell_is_reported_by_row_and_column_and_nothing_written(
    agency: Database, tmp_path: Path
) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(";186,72", ";186,7x")  # row 4
    lines[4] = lines[4].replace(";dramos;", ";nobody;")  # row 5
    lines[6] = lines[6].replace("20/06/2026;20/07/2026", "20/08/2026;20/07/2026")  # row 7
    lines.append("ELC-2026-0461;empresa;Sin NIF, S.L.;;;;;;;;F1;01/01/2026;01/02/2026;10,00")
    lines.append("ELC-2026-0460;persona;Otro Nombre;;;;;;;;F2;01/01/2026;01/02/2026;10,00")
    lines.append("ELC-2026-0462;persona;Ana Ruiz;;;;bad address;;;;F3;01/01/2026;01/02/2026;0")
    lines.append(";persona;Sin referencia;;;;;;;;F4;01/01/2026;01/02/2026;5,00")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = table_counts(agency)
    with pytest.raises(ImportRejected) as caught:
        run(agency, bad)
    report = str(caught.value).splitlines()
    assert report == [
        f"{bad}: 7 rows cannot be imported; nothing was written.",
        "Row 4, Importe “186,7x”: not an amount.",
        "Row 5, Gestor “nobody”: no one of the agency's staff has this employee number or "
        "login; add them to the agency's staff first, or leave the cell blank.",
        "Row 7, Vencimiento “20/07/2026”: the due date is before the document date Aug 20, 2026.",
        "Row 9, NIF/CIF: a company debtor needs its tax id.",
        "Row 10, Titular “Otro Nombre”: row 8 of case ELC-2026-0460 says “Hostelería "
        "Cantábrica, S.L.”; a case file has one.",
        "Row 10, Tipo “persona”: row 8 of case ELC-2026-0460 says “company”; a case file has one.",
        "Row 11, Email “bad address”: not an e-mail address.",
        "Row 11, Importe “0”: a document's amount must be above zero.",
        "Row 12, Expediente cliente: a value is required.",
    ]
    assert table_counts(agency) == before


def test_a_file_imported_again_is_refused(agency: Database) -> None:
    run(agency, SAMPLE)
    before = table_counts(agency)
    with pytest.raises(ImportRejected) as caught:
        run(agency, SAMPLE)
    lines = str(caught.value).splitlines()
    assert lines[0].endswith("4 rows cannot be imported; nothing was written.")
    assert lines[1] == (
        "Row 2, Expediente cliente “ELC-2026-0457”: already imported for this client as "
        "case file EXP-000006."
    )
    assert len(lines) == 5
    assert table_counts(agency) == before


def test_one_row_per_case_with_a_principal_and_no_documents(
    agency: Database, tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "ref,name,tax id,kind,principal,due,collector\n"
        'A-1,Rosa Vidal,12345678z,person,"1,250.00",2025-03-31,E-0103\n'
        "A-2,Construcciones Lago SL,B11111111,company,980.5,2025-09-30,\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "cases.toml"
    mapping.write_text(
        '[columns]\nclient_reference = "ref"\ndebtor_name = "name"\ndebtor_tax_id = "tax id"\n'
        'debtor_kind = "kind"\nprincipal = "principal"\ndebt_date = "due"\n'
        'collector = "collector"\n\n[defaults]\nfees = 25\nassigned_on = 2026-11-02\n',
        encoding="utf-8",
    )
    result = run(agency, path, mapping, client="fitclub")
    assert (result.cases, result.documents, result.debtors_created) == (2, 0, 2)
    with agency.sessions() as session:
        rows = session.execute(
            select(
                AgencyCase.client_reference,
                AgencyCase.principal,
                AgencyCase.fees,
                AgencyCase.debt_date,
                AgencyCase.assigned_on,
                AgencyDebtor.tax_id,
            )
            .join(AgencyDebtor, AgencyDebtor.id == AgencyCase.debtor_id)
            .where(AgencyCase.client_reference.in_(("A-1", "A-2")))
            .order_by(AgencyCase.number)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("A-1", D("1250.00"), D("25"), dt.date(2025, 3, 31), dt.date(2026, 11, 2), "12345678Z"),
        ("A-2", D("980.50"), D("25"), dt.date(2025, 9, 30), dt.date(2026, 11, 2), "B11111111"),
    ]


def test_a_mapping_without_a_debt_and_an_unknown_client(agency: Database, tmp_path: Path) -> None:
    mapping = tmp_path / "nodebt.toml"
    mapping.write_text('[columns]\nclient_reference = "r"\ndebtor_name = "n"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="map principal or document_amount"):
        load_case_mapping(mapping)
    with pytest.raises(ImportInputError) as caught:
        run(agency, SAMPLE, client="NOBODY")
    assert str(caught.value) == (
        "The agency has no client NOBODY; its clients are: AGUASLUS, BRITLEASE, BSOLANO, "
        "ELCANT, FINRHONE, FITCLUB, SEGMED, TELNORTE."
    )


def test_the_desk_imports_with_the_mapping_file_and_shows_the_summary(agency: Database) -> None:
    from collections_desktop.models.importers import agency as agency_import

    with agency.sessions.begin() as session:
        result = agency_import.import_case_files(
            session, SAMPLE, client_code="ELCANT", mapping=MAPPING, now=NOW, by=None
        )
    assert str(result) == result.describe()
    assert str(result).startswith("Imported agency-cases-sample.csv for client ELCANT: 7 rows")
    check_imported(agency)

"""The demo company: two years of realistic, deterministic collections data.

``write_demo_company`` fills a new database with a company a collections team would
recognise: Spanish, French, Portuguese and British customers (people's names and streets
from Faker's es_ES, fr_FR, pt_PT and en_GB locales), their contacts, sales people, three
collections agents working two customer pools, and two years of invoices, payments and
credit notes: most paid on time, some late, partly paid, credited, disputed, promised or
still open, with the settlements, the collection-status history and the agents' activities
that go with them.

Rules it keeps:
- **One transaction.** The company and every row are written in one database
  transaction: a failure, or a ``progress`` callback that raises, leaves nothing behind
  (and a SQLite file made for the demo is removed again).
- **Deterministic.** The same ``(seed, today, customers)`` gives the same rows, ids
  included: every id is a UUIDv7 whose timestamp is the time of the fact it identifies
  and whose random bits come from a seeded ``random.Random``; timestamps come from the data
  dates, never from the wall clock. (Faker's name pools depend on the Faker version.)
- **Dated from the day it is made.** Everything is placed relative to ``today``: the app
  passes its clock's day when it creates the demo (``app.create_demo_company``), the CLI the
  real date, tests a fixed day. A first look is a working day like any other: about a fifth
  of the open activities are a few days late, most are due today or in the next four weeks,
  the open promises fall due in the coming days. A demo opened on a later day keeps the
  dates it was made with (its work then looks late, as it would in a real company).
- **Consistent with the ledger.** Signs, settlement lines (summing to zero, in the
  transaction's own sign, dated on or after their transactions and before ``today``),
  accounting amounts (GBP customers: amount × the month's rate, rounded half-even to
  cents; a line that closes a transaction takes exactly what is left of its accounting
  amount) and human numbers are those ``ledger`` and ``numbering`` make; the counters in
  ``number_sequences`` are set so that later postings continue after the demo's numbers.
- **Fast, in bounded memory.** Customers are generated lazily in chunks and written with
  one ``executemany`` per table and chunk (``COPY`` on PostgreSQL) of plain tuples already
  in the form the column types store: money as integers of 1/10,000, and on SQLite UUIDs as
  16 raw bytes and dates as ISO text. Measured on SQLite, 100,000 transactions: Core
  ``insert()`` with dicts through the column types ran at 27,000 rows/s, the same rows as
  ready tuples at 60,000-80,000 rows/s (the ``Money`` and ``Uuid`` bind processors made most
  of the difference), so the values are made in that form here, by the schema's own column
  types (``stored.Codec``: keys through ``UuidKey``, dates and times from tables its types
  fill once per demo). On SQLite the plain
  indexes are built after the load, the file uses a rollback journal while it is written
  (WAL would write every page twice), and customers are stored before their contacts are
  linked (see ``writer.Writer``). Big demos generate in a second process while this one
  writes (see ``load.py``). 100,000 customers (5.1 million transactions, 4.4 GiB): 180 s on two
  cores, from 242 s for the first working version (``bench/demo.py``).
- **Analysed.** Before the commit the filled tables are analysed (``models.db.bulk.analyse``),
  so the first query on a fresh demo is planned from real row counts, on PostgreSQL as on
  SQLite.

Money is generated as exact integer cents; nothing about an amount is ever a float.

The package stands beside ``models/`` and uses it (the company, the numbering, the
schema's column types and enums); nothing in ``models/`` imports it. ``load`` writes the
demo (``write_demo_company``); ``customers`` makes the rows of the company and its
customers, ``ledger`` each customer's two years of transactions, ``places`` and
``company`` are the reference data, ``stored`` and ``writer`` put the rows in the
database's stored form and write them.
"""

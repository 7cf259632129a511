"""How long reading a large camt.053 takes: 5,000 entries, each with its details
(counterparty, IBAN, remittance, references), read whole as the import reads it.

Run: ``python bench/bank_files.py [entries]``; prints the file size and the time.
"""

from __future__ import annotations

import sys
import time

from collections_desktop.models.bank.formats import read_bank_bytes


def camt053(entries: int) -> bytes:
    """A camt.053.001.02 statement of ``entries`` credits, opening 0.00."""
    parts = []
    total = 0
    for i in range(entries):
        cents = 1000 + i
        total += cents
        parts.append(
            f"""<Ntry><Amt Ccy="EUR">{cents // 100}.{cents % 100:02d}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-02-27</Dt></BookgDt>
<ValDt><Dt>2026-02-27</Dt></ValDt><AcctSvcrRef>REF{i:08d}</AcctSvcrRef><NtryDtls><TxDtls>
<Refs><EndToEndId>E2E{i:08d}</EndToEndId></Refs><RltdPties><Dbtr><Nm>Customer {i}</Nm></Dbtr>
<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>Invoice INV-{i:06d}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
        )
    closing = f"{total // 100}.{total % 100:02d}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>BENCH</MsgId></GrpHdr><Stmt><Id>1</Id>
<Acct><Id><IBAN>DE44500105175407324931</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-26</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-27</Dt></Dt></Bal>
{"".join(parts)}</Stmt></BkToCstmrStmt></Document>""".encode()


def main() -> None:
    """Build the file once, read it five times, print the best and worst."""
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    data = camt053(entries)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        parsed = read_bank_bytes(data, "bench.xml")
        times.append(time.perf_counter() - start)
    statement = parsed.statements[0]
    assert len(statement.lines) == entries
    print(
        f"camt.053 with {entries:,} entries ({len(data) / 1e6:.1f} MB): "
        f"read in {min(times):.3f} s (best of 5), {max(times):.3f} s (worst)"
    )


if __name__ == "__main__":
    main()

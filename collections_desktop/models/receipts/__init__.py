"""Payments received: record one (settled against ticked invoices or oldest first), the
life cycle of cheques and promissory notes (received, deposited, cleared, returned through
the NSF flow), refunds of a credit balance, and the reads of the Payments page and the
receipt."""

"""Account statements: a customer's opening balance, every movement of a period with its
running balance, the closing balance and the aging of what is open at the end; read for
one customer or thousands at once, and written out as XLSX (the PDF is laid out in
``views/statement_pdf.py``)."""

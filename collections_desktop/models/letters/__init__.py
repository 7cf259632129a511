"""Collection letters: which are due, posting them with their fee, blocks, reading them back.

- ``propose``: the rules of a run, and the letters a run as of a date would make;
- ``run``: posting a run (letters, their items, fees and journals) in one go;
- ``render``: the text of a letter in the customer's language, as stored for reprints;
- ``blocks``: blocking a customer's letters until a date, for a reason;
- ``read``: a customer's letters and everything a printed letter shows;
- ``documents``: the PDFs of posted letters, written whole and recorded.

Importers import each name from the module that defines it.
"""

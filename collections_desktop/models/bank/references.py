"""ISO 11649 creditor references ("RF" references): make them, check them, find them.

A creditor reference is ``RF`` + two check digits + a body of up to 21 letters and
digits, checked mod 97 as an IBAN is. The company prints one on every invoice (built
from the invoice's number) and one on its letters and statements (built from the
customer's account), so a customer's bank can send it back in the payment and the
matching (``matching.py``) knows the payment's document or account without reading
the text. ``reference_target`` gives back what one of our references points to.
"""

from __future__ import annotations

import re

_PREFIX = "RF"
_MAX_BODY = 21  # RF + 2 check digits + 21 = 25 characters, the standard's maximum
_BODY = re.compile(r"^[0-9A-Z]{1,21}$")
# "RF" + 2 digits + the body, the groups of 4 separated by single spaces or not at all;
# a space followed by another "RF" and two digits ends it (the next reference begins).
_IN_TEXT = re.compile(
    r"(?<![0-9A-Z])RF\s?[0-9]{2}(?:(?:\s(?!RF\s?[0-9]{2}))?[0-9A-Z]){1,21}(?![0-9A-Z])", re.I
)
# The documents and accounts our references are built from: prefix letters, digits.
_OUR_NUMBER = re.compile(r"^([A-Z]{1,5})([0-9]{1,12})$")


def _numeric(text: str) -> int:
    """``text`` (letters and digits) as the number mod 97 reads: A=10 ... Z=35."""
    return int("".join(str(int(ch, 36)) for ch in text))


def _compact(text: str) -> str:
    """Upper case, spaces removed."""
    return "".join(text.split()).upper()


def creditor_reference(body: str) -> str:
    """The ISO 11649 reference of ``body`` (letters and digits, other characters dropped):
    ``RF`` + two check digits + the body. ``ValueError`` for an empty or too long body."""
    clean = "".join(ch for ch in body.upper() if ch.isascii() and ch.isalnum())
    if not _BODY.match(clean):
        raise ValueError(f"a creditor reference needs 1 to {_MAX_BODY} letters or digits: {body!r}")
    check = 98 - _numeric(clean + _PREFIX + "00") % 97
    return f"{_PREFIX}{check:02d}{clean}"


def is_valid_reference(text: str) -> bool:
    """Whether ``text`` (spaces allowed, any case) is an RF reference with valid check digits."""
    ref = _compact(text)
    if len(ref) < 5 or not ref.startswith(_PREFIX) or not ref[2:4].isdigit():
        return False
    body = ref[4:]
    if not _BODY.match(body):
        return False
    return _numeric(body + ref[:4]) % 97 == 1


def format_reference(ref: str) -> str:
    """``ref`` in groups of four, as printed: "RF18 5390 0754 7034"."""
    compact = _compact(ref)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def find_references(text: str | None) -> list[str]:
    """The valid RF references in free text (compact, upper case), in order, each once.

    Spaces inside the reference are allowed ("RF18 5390 0754 7034"). The words that
    follow one are tried too, longest reading first: "RF18 5390 0754 7034 GRACIAS" gives
    RF18539007547034 (and any longer reading whose check digits happen to agree, so a
    caller looking for its own references finds them whatever follows).
    """
    if not text:
        return []
    found: list[str] = []
    for match in _IN_TEXT.finditer(text):
        groups = match.group(0).split()
        for end in range(len(groups), 0, -1):
            candidate = "".join(groups[:end]).upper()
            if candidate not in found and is_valid_reference(candidate):
                found.append(candidate)
    return found


def payment_reference(number: str) -> str:
    """The company's payment reference of a document or a customer account:
    ``INV-0001234`` → ``RF.. INV0001234``, ``C-000421`` → ``RF.. C000421``."""
    return creditor_reference(number)


def reference_target(ref: str) -> str | None:
    """The document number or account that a valid reference of ours points to
    (``RF.. INV0001234`` → ``INV-0001234``); ``None`` for an invalid or foreign reference.

    Ours are the body of a number made of letters then digits; the dash between them is
    put back (``numbering.SEQUENCES`` writes every number that way).
    """
    if not is_valid_reference(ref):
        return None
    match = _OUR_NUMBER.match(_compact(ref)[4:])
    if match is None:
        return None
    return f"{match.group(1)}-{match.group(2)}"

"""Published column headers as words: the one normaliser every header rule reads.

:func:`normalise_header` lowers case and keeps letters and digits ('Net Amount (£)' ->
'net amount'); it is what a header is compared by (overrides, repeated headers).
:func:`header_tokens` goes further for scoring: currency words and '(T)'-style bracketed codes
dropped, a pivot table's 'Sum of' removed, abbreviations spelt out ('Amt', 'Supp', 'Pmt Dt'), so
'Vendor Ref (T)' and 'Sum of Amount GBP' read as their words.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache

__all__ = ["header_signature", "header_tokens", "normalise_header", "override_block"]


@lru_cache(maxsize=8192)
def normalise_header(text: str) -> str:
    """'Net Amount (£)' -> 'net amount'; 'Name:  ' -> 'name';
    '* SUPPLIER FINAL' -> 'supplier final'."""
    s = str(text).lower().replace("&", " and ")
    s = re.sub(r"\bno\.", " no ", s)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


# A one- or two-letter code in brackets ('(T)', '(GBP)' is a currency word, kept for dropping below)
_BRACKET_CODE = re.compile(r"\(\s*[a-z]{1,2}\s*\)", re.I)
_CURRENCY = {"gbp", "gb", "pounds", "sterling", "stg", "eur", "euro", "euros"}


#: Abbreviations publishers use, as the word the header rules know
ABBREVIATIONS = {
    "amt": "amount",
    "amnt": "amount",
    "val": "value",
    "supp": "supplier",
    "suppl": "supplier",
    "supplr": "supplier",
    "pmt": "payment",
    "pymt": "payment",
    "paymt": "payment",
    "dt": "date",
    "desc": "description",
    "exp": "expense",
    "cat": "category",
    "trans": "transaction",
    "tran": "transaction",
    "txn": "transaction",
}


@lru_cache(maxsize=8192)
def header_tokens(text: str) -> tuple[str, ...]:
    """The words of a header for scoring: 'Vendor Ref (T)' -> ('vendor', 'ref');
    'Sum of Invoice Amount GBP' -> ('invoice', 'amount'); 'Value (excluding VAT) £' ->
    ('value', 'excluding', 'vat')."""
    s = _BRACKET_CODE.sub(" ", str(text))
    words = [ABBREVIATIONS.get(w, w) for w in normalise_header(s).split() if w not in _CURRENCY]
    if words[:2] == ["sum", "of"] and len(words) > 2:  # a pivot table's 'Sum of Amount'
        words = words[2:]
    return tuple(words)


def header_signature(row) -> str:
    """A header row's layout key, 'layout-' and 10 hex digits: the same for every file whose header
    row names the same columns in the same order (case, spacing and punctuation aside), so a
    publisher's monthly files share it. Collaborative YAML keys layout overrides by it."""
    norms = [normalise_header(c) for c in row if isinstance(c, str) and normalise_header(c)]
    return "layout-" + hashlib.sha1("|".join(norms).encode()).hexdigest()[:10]


def override_block(signature: str, names: dict[str, str], headers: list[str]) -> str:
    """A ``columns:`` block for the collaborative YAML: this layout's fields by header."""
    lines = [
        "columns:",
        f"  {signature}:  # header row: {' | '.join(h for h in headers if h)[:120]}",
    ]
    lines += [f"    {fld}: {json.dumps(h, ensure_ascii=False)}" for fld, h in names.items()]
    return "\n".join(lines)

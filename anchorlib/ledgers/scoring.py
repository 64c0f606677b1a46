"""Which column is which field: the header's words scored, then confirmed by the column's content.

:func:`decide` takes a header row's word scores (:func:`anchorlib.ledgers.read.row_fields`, from
:func:`anchorlib.ledgers.headers.header_matches`) and the content of a sample of each column
(:mod:`anchorlib.ledgers.content`) and chooses, field by field in :data:`FIELD_ORDER`:

1. an override (``columns``) always;
2. else the best-scored header whose content agrees (a required field's candidate whose sample
   is plainly not money / dates / names is refused, and the runner-up tried); equal scores are
   settled by the content share, then (dates) the later dates (a payment follows its invoice),
   then identical values (the same column twice), then which columns hold data;
3. else, for a required field the words do not settle, the content alone: the one unclaimed
   column that holds nothing but money with pence / dates / organisation-like names;
4. else, for the payment date only, a period column (``202012``, ``P9``, ``Dec-20``): the ledger
   then has ``date_precision = 'month'``.

Every choice is recorded in a :class:`Decision` (how, score, runner-up, sample values): the
columns.csv ``decided`` column and ``anchor ledger inspect`` show them. Two columns nothing can
tell apart are an error naming both, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from anchorlib.core.normalise import is_blank
from anchorlib.ledgers.content import ColumnContent
from anchorlib.ledgers.parse import parse_date

__all__ = ["CONFIRM", "Decision", "Mapped", "Unmapped", "decide"]

#: The content kind and the least share of a sample that confirms a required field's column.
#: A header's words are refused only when its sample plainly holds something else: under a fifth
#: reads as the field's kind and half or more as another (:data:`OTHER_KINDS`). A messy column
#: (unreadable amounts or dates, notes, totals) is still its field, and its bad cells are rejects
#: with their reasons.
CONFIRM = {"supplier_name": ("name", 0.2), "amount": ("money", 0.2), "payment_date": ("date", 0.2)}
OTHER_KINDS = {
    "supplier_name": ("money", "date", "code"),
    "amount": ("name", "date"),
    "payment_date": ("money", "name"),
}
#: Fewer non-blank sample cells than this neither confirm nor refuse a header's words.
MIN_FILLED = 3
#: A weak header (supplier words with a code word: 'Vendor Ref (T)', 'Payee Code') is a supplier
#: only when at least this share of its sample reads as names.
WEAK_NAME_SHARE = 0.8
WEAK = 30


@dataclass
class Decision:
    """How one field's column was chosen."""

    field: str
    column: int
    header: str
    how: str  # override / header words / header words, confirmed by content / content / period
    score: int
    share: float | None  # the content share that confirmed it (None: not measured)
    runner_up: str | None
    runner_up_score: int | None
    samples: tuple[str, ...]
    refused: list[str] = field(default_factory=list)  # candidates the content refused, and why

    def short(self) -> str:
        """'amount: 'Net Amount' (header words 100)' for columns.csv."""
        if self.how == "content":
            return f"{self.field}: {self.header!r} (content, {self.share:.0%})"
        return f"{self.field}: {self.header!r} ({self.how}, {self.score})"


@dataclass
class Mapped:
    """The outcome of :func:`decide`: the column of each field and how each was decided."""

    mapping: dict[str, int]
    decisions: dict[str, Decision]
    warnings: list[str]
    date_precision: str  # 'day', or 'month' (a period column)
    ties: dict[str, list[int]]  # a required field's columns nothing told apart


class Unmapped(Exception):
    """A required field has no column (the row is not a usable header): ``missing`` fields, the
    ``candidates`` considered for each."""

    def __init__(self, missing: list[str], candidates: dict[str, list[str]]):
        super().__init__(", ".join(missing))
        self.missing = missing
        self.candidates = candidates


def _kind(fld: str) -> tuple[str, float] | None:
    return CONFIRM.get(fld)


def _refusal(fld: str, c: ColumnContent, prio: int) -> str | None:
    """Why the content refuses a word candidate (None: it agrees, or there is too little)."""
    if prio >= 1000 or fld not in CONFIRM or c.filled < MIN_FILLED:
        return None
    kind, least = CONFIRM[fld]
    if prio == WEAK and fld == "supplier_name":
        least = WEAK_NAME_SHARE
    if c.share(kind) >= least:
        return None
    if prio == WEAK:
        return (
            f"{c.share(kind):.0%} of its sample reads as {kind}s (a weak header needs {least:.0%})"
        )
    other = max(OTHER_KINDS[fld], key=c.share)
    if c.share(other) >= 0.5:
        return f"{c.share(kind):.0%} of its sample reads as {kind}, {c.share(other):.0%} as {other}"
    return None


def _mean_date(sample: list[list], j: int) -> float:
    total, n = 0, 0
    for r in sample:
        d = None
        for dayfirst in (True, False):
            try:
                d = parse_date(r[j], dayfirst) if j < len(r) else None
                break
            except ValueError:
                continue
        if d is not None:
            total += d.toordinal()
            n += 1
    return total / n if n else 0.0


def _same_values(sample: list[list], cols: list[int]) -> bool:
    first = [str(r[cols[0]]) if cols[0] < len(r) else "" for r in sample]
    return all([str(r[j]) if j < len(r) else "" for r in sample] == first for j in cols[1:])


def _break_tie(fld, tied, contents, sample, data) -> tuple[list[int], str]:
    """The columns left of equally scored ones, and the rule that settled them ('' if none)."""
    kind = _kind(fld)
    if kind:
        best = max(contents[i].share(kind[0]) for i in tied)
        left = [i for i in tied if contents[i].share(kind[0]) == best]
        if len(left) == 1:
            return left, f"more of its sample reads as {kind[0]}"
        tied = left
        if _same_values(sample, tied):
            return tied[:1], "the same values as the other, first taken"
        if fld == "payment_date":
            means = {i: _mean_date(sample, i) for i in tied}
            latest = max(means.values())
            left = [i for i in tied if means[i] == latest]
            if len(left) == 1:
                return left, "the later dates (a payment follows its invoice)"
    with_data = [i for i in tied if any(not is_blank(r[i]) for r in data if i < len(r))]
    if len(with_data) == 1:
        return with_data, "the only one holding data"
    return tied, ""


def _content_pick(fld, contents, free, spoken) -> tuple[list[int], float]:
    """Unclaimed columns whose content alone makes them the field, with their share."""
    picks: list[tuple[float, int]] = []
    for i in free:
        if i in spoken:
            continue
        c = contents[i]
        if c.filled < MIN_FILLED:
            continue
        if fld == "amount" and c.money >= 0.95 and c.decimals >= 0.2:
            picks.append((c.decimals, i))
        elif fld == "payment_date" and c.date >= 0.9 and c.money < 0.5:
            picks.append((c.date, i))
        elif fld == "supplier_name" and c.name >= WEAK_NAME_SHARE and c.org >= 0.2:
            picks.append((c.org, i))
    if not picks:
        return [], 0.0
    top = max(s for s, _ in picks)
    return sorted(i for s, i in picks if s == top), top


def decide(
    names: list[str],
    found: dict[str, list[tuple[int, int]]],
    contents: list[ColumnContent],
    sample: list[list],
    data: list[list],
    fields: tuple[str, ...],
    required: tuple[str, ...],
    spoken: set[int],
) -> Mapped:
    """The column of each field (see the module docstring). ``spoken``: columns whose header names
    something (a field, VAT, a code): never taken on content alone."""
    mapping: dict[str, int] = {}
    decisions: dict[str, Decision] = {}
    warnings: list[str] = []
    ties: dict[str, list[int]] = {}
    used: set[int] = set()
    missing: list[str] = []
    precision = "day"
    for fld in fields:
        options = sorted(((p, i) for p, i in found.get(fld, []) if i not in used), reverse=True)
        refused, ok = [], []
        for p, i in options:
            why = _refusal(fld, contents[i], p) if fld in CONFIRM and p < 1000 else None
            (refused if why else ok).append((p, i, why))
        refused_text = [f"{names[i]!r} ({why})" for _, i, why in refused]
        choice = None
        if fld == "payment_date" and (not ok or ok[0][0] < 50):
            choice = _period(found, contents, used, names, refused_text)
            if choice is not None:
                precision = "month"
        if choice is None and ok:
            choice = _word_choice(
                fld,
                ok,
                refused,
                refused_text,
                names,
                contents,
                (sample, data),
                required,
                (ties, warnings),
            )
        if choice is None and fld in required:
            free = [j for j in range(len(names)) if j not in used]
            picks, share = _content_pick(fld, contents, free, spoken)
            if len(picks) > 1:
                ties[fld] = picks
            if picks:
                i = picks[0]
                choice = Decision(
                    fld,
                    i,
                    names[i],
                    "content",
                    0,
                    share,
                    names[picks[1]] if len(picks) > 1 else None,
                    0 if len(picks) > 1 else None,
                    contents.samples_of(i),
                    refused_text,
                )
        if choice is None:
            if fld in required:
                missing.append(fld)
            continue
        mapping[fld] = choice.column
        decisions[fld] = choice
        used.add(choice.column)
    if missing:
        candidates = {
            f: [f"{names[i]!r} (score {p})" for p, i in sorted(found.get(f, []), reverse=True)]
            for f in missing
        }
        raise Unmapped(missing, candidates)
    return Mapped(mapping, decisions, warnings, precision, ties)


def _word_choice(fld, ok, refused, refused_text, names, contents, rows, required, out):
    """The best-scored header the content did not refuse; equal scores settled (_break_tie); a
    required field's columns nothing told apart into ``ties``, an optional one's into a warning
    (``out``: the ties and the warnings)."""
    sample, data = rows
    ties, warnings = out
    top = ok[0][0]
    tied = sorted(i for p, i, _ in ok if p == top)
    rule = ""
    if len(tied) > 1:
        tied, rule = _break_tie(fld, tied, contents, sample, data)
    if len(tied) > 1:
        if fld in required:
            ties[fld] = tied
        else:
            warnings.append(
                f"{fld}: several equally good columns "
                + ", ".join(repr(names[i]) for i in tied)
                + "; used the first"
            )
    i = tied[0]
    kind = _kind(fld)
    measured = kind is not None and contents[i].filled >= MIN_FILLED and top < 1000
    how = (
        "override"
        if top >= 1000
        else "header words, confirmed by content"
        if measured
        else "header words"
    )
    if rule:
        how += f"; of equal headers: {rule}"
    runner = [(p, j) for p, j, _ in ok if j != i] + [(p, j) for p, j, _ in refused]
    return Decision(
        fld,
        i,
        names[i],
        how,
        top,
        contents[i].share(kind[0]) if measured else None,
        names[runner[0][1]] if runner else None,
        runner[0][0] if runner else None,
        contents.samples_of(i),
        refused_text,
    )


def _period(found, contents, used, names, refused_text) -> Decision | None:
    """A period column confirmed by its content (the payment date when no date column is)."""
    best = None
    for p, i in sorted(found.get("period", []), reverse=True):
        if i in used:
            continue
        c = contents[i]
        if p >= 1000 or c.filled < MIN_FILLED or c.period >= 0.8:
            best = (p, i)
            break
    if best is None:
        return None
    p, i = best
    return Decision(
        "payment_date",
        i,
        names[i],
        "period (month precision)",
        p,
        contents[i].period if contents[i].filled else None,
        None,
        None,
        contents.samples_of(i),
        refused_text,
    )

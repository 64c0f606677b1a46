"""Matching payee names to suppliers: exact keys first, then a guarded fuzzy match.

Precision matters more than recall: a wrong merge (two firms counted as one)
is worse than a missed one (one firm listed twice, which a person can merge
by hand).  Every link is recorded with its method and score so that a person
can audit it.

Keys of a published name (see docs/supplier_register.md):

* ``supplier_key``: :func:`anchorlib.ledgers.parse.normalise_supplier_name`
  (upper case, punctuation and '&'/'and', a leading 'The' and trailing legal
  forms such as Ltd / Limited / PLC / LLP removed).
* ``match_key``: the supplier key with the payment-method notes that some
  publishers append removed (``(DD)``, ``(Direct Debit Payments)``), a
  purchase-card statement reference removed (``pitney bowes 050124 1`` ->
  ``PITNEY BOWES``), a trailing ``LIM`` (Limited cut short) removed, and a
  few abbreviations written out (Bros -> Brothers, Assoc -> Association, Dept
  -> Department, Ctr / Center -> Centre, ...).
* ``compact_key``: the match key without spaces (``TEAM VIEWER`` = ``TEAMVIEWER``).

Clustering, in order (each step refuses a link that would put two different
company numbers, two different charity numbers, two suppliers of a previous
register, or a redacted payee and a named one, in one supplier):

1. ``redacted``: every redacted payee is one supplier, never linked to a name;
2. ``company_number``, then ``charity_number``: the same number;
3. ``exact_key``: the same supplier key, then match key, then compact key.  A
   key shared by suppliers with different numbers links none of them: the
   names without a number stay apart (which one they belong to is not plain);
4. ``fuzzy``: rapidfuzz ``token_sort_ratio`` >= ``threshold`` (92) between the
   clusters' representative keys, compared only within blocks (same first 4
   characters of the key, or of its sorted words), **and** :func:`guard`:
   the same numbers, the same words except at most one, and that one a plain
   misspelling (see :func:`word_variant`);
5. ``register``: variants a previous register put in one supplier stay together;
6. ``manual``: ``merge_into`` set by a person in the previous register.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from anchorlib.core.normalise import is_blank
from anchorlib.ledgers.parse import REDACTED_KEY, normalise_supplier_name

__all__ = [
    "DEFAULT_THRESHOLD",
    "REVIEW_THRESHOLD",
    "METHODS",
    "match_key",
    "compact_key",
    "display_name",
    "guard",
    "word_variant",
    "fuzzy_score",
    "candidate_pairs",
    "cluster_variants",
    "ClusterResult",
    "same_supplier",
]

DEFAULT_THRESHOLD = 92.0
#: Pairs scoring at least this that were not merged are listed for review.
REVIEW_THRESHOLD = 88.0
#: Link methods, strongest first (the audit shows the strongest path to each variant).
METHODS = [
    "new",
    "redacted",
    "manual",
    "company_number",
    "charity_number",
    "exact_key",
    "register",
    "fuzzy",
]
_RANK = {m: i for i, m in enumerate(METHODS)}

# ------------------------------------------------------------------ keys

_PAYMENT_NOTE = re.compile(
    r"[\(\[]\s*(?:DD|D\s*/\s*D|DD\s+ONLY|DIRECT\s+DEBITS?(?:\s+PAYMENTS?|\s+ONLY)?|BACS|CHAPS|STANDING\s+ORDER|S\s*/\s*O)"
    r"\s*[\)\]]",
    re.I,
)
# A purchase-card statement line: merchant name (often cut at 16 characters), DDMMYY, sequence.
_STATEMENT_REF = re.compile(r"^(?P<name>.*\S)\s+(?P<d>[0-3]\d)(?P<m>[01]\d)(?P<y>\d\d)\s+\d{1,2}$")
_TRUNCATED_LEGAL = {"LIM", "LIMI", "LIMIT", "LIMITE", "LTD", "LIMITED", "PLC", "LLP"}
ABBREVIATIONS = {
    "ASSOC": "ASSOCIATION",
    "ASSN": "ASSOCIATION",
    "BROS": "BROTHERS",
    "DEPT": "DEPARTMENT",
    "GOVT": "GOVERNMENT",
    "INTL": "INTERNATIONAL",
    "NATL": "NATIONAL",
    "MGMT": "MANAGEMENT",
    "MGT": "MANAGEMENT",
    "SVCS": "SERVICES",
    "SERVS": "SERVICES",
    "CTR": "CENTRE",
    "CNTR": "CENTRE",
    "CENTER": "CENTRE",
    "CENTERS": "CENTRES",
    "UNIV": "UNIVERSITY",
    "CORP": "CORPORATION",
    "EQUIP": "EQUIPMENT",
    "COMMS": "COMMUNICATIONS",
    "HOSP": "HOSPITAL",
    "ORGANIZATION": "ORGANISATION",
}


@lru_cache(maxsize=65536)
def match_key(name) -> str:
    """The key names are matched on (module docstring); ``'REDACTED'`` for redacted payees, '' for
    blank."""
    if is_blank(name):
        return ""
    text = _PAYMENT_NOTE.sub(" ", str(name))
    key = normalise_supplier_name(text)
    if key in ("", REDACTED_KEY):
        return key
    m = _STATEMENT_REF.match(key)
    if m and 1 <= int(m["d"]) <= 31 and 1 <= int(m["m"]) <= 12:
        key = m["name"]
    words = key.split()
    while len(words) > 1 and words[-1] in _TRUNCATED_LEGAL:
        words = words[:-1]
    words = [ABBREVIATIONS.get(w, w) for w in words]
    return " ".join(words)


_TRAILING_ID = re.compile(r"\s*[\(\[]\s*\d+\s*[\)\]]\s*$")
_STATEMENT_TAIL = re.compile(r"\s+(?P<d>[0-3]\d)(?P<m>[01]\d)\d\d\s+\d{1,2}$")


def display_name(name: str) -> str:
    """A published name as a register shows it: without payment-method notes ('(DD)'), a trailing
    vendor id ('[205138]') or a card-statement reference ('050124 1'); casing as published."""
    s = _PAYMENT_NOTE.sub(" ", str(name))
    s = _TRAILING_ID.sub("", s)
    m = _STATEMENT_TAIL.search(s)
    if m and 1 <= int(m["d"]) <= 31 and 1 <= int(m["m"]) <= 12:
        s = s[: m.start()]
    s = " ".join(s.split()).strip(" -–,;:")
    return s or str(name)


def compact_key(key: str) -> str:
    return key.replace(" ", "")


# ------------------------------------------------------------------ the fuzzy guard

#: Words that tell bodies apart even when they look alike (never a misspelling of each other).
CONTRASTS = frozenset(
    [
        "NORTH",
        "SOUTH",
        "EAST",
        "WEST",
        "NORTHERN",
        "SOUTHERN",
        "EASTERN",
        "WESTERN",
        "CENTRAL",
        "UPPER",
        "LOWER",
        "GREAT",
        "GREATER",
        "LITTLE",
        "OLD",
        "NEW",
        "MEN",
        "WOMEN",
        "MENS",
        "WOMENS",
        "MALE",
        "FEMALE",
        "BOYS",
        "GIRLS",
        "JUNIOR",
        "SENIOR",
        "INFANT",
        "INFANTS",
        "PRIMARY",
        "SECONDARY",
        "NURSERY",
        "FIRST",
        "SECOND",
        "THIRD",
        "FOURTH",
        "FIFTH",
        "ONE",
        "TWO",
        "THREE",
        "FOUR",
        "FIVE",
        "SIX",
        "SEVEN",
        "EIGHT",
        "NINE",
        "TEN",
        "CITY",
        "COUNTY",
        "BOROUGH",
        "DISTRICT",
        "TOWN",
        "PARISH",
        "INTERNATIONAL",
        "NATIONAL",
        "REGIONAL",
        "LOCAL",
    ]
)
_DIGITS = re.compile(r"\d+")
_STOP = frozenset({"AND", "OF", "THE", "FOR", "IN", "ON", "AT", "TO", "A"})


def word_variant(a: str, b: str) -> str | None:
    """How word ``b`` is a plain variant of word ``a`` ('plural', 'typo: ...'), or None.

    Accepted: a plural ('SON' / 'SONS', 'CENTRE' / 'CENTRES', words of 3+
    letters); or, with the same first and last letter and no digits, one
    letter missing or doubled in words of 6+ letters ('BULDING',
    'MCCALLOTT'), two neighbouring letters swapped in words of 6+ letters
    ('COMBNIED'), or one letter changed in words of 9+ letters
    ('INDEPENDANT').  Refused: anything else, words of :data:`CONTRASTS`
    ('NORTH' / 'SOUTH'), shorter words ('SMITH' / 'SMYTH', 'MARTON' /
    'MORTON', 'ASTON' / 'ASHTON'), and a letter added at the end ('CAPITA' /
    'CAPITAL').
    """
    if a == b:
        return "same"
    if a in CONTRASTS or b in CONTRASTS or _DIGITS.search(a) or _DIGITS.search(b):
        return None
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and long_ in (short + "S", short + "ES"):
        return f"plural / final S ({short} / {long_})"
    if a[0] != b[0] or a[-1] != b[-1]:
        return None
    n = min(len(a), len(b))
    if len(a) != len(b):
        if abs(len(a) - len(b)) == 1 and n >= 6 and Levenshtein.distance(a, b) == 1:
            return f"typo: one letter missing ({short} / {long_})"
        return None
    if n >= 6 and OSA.distance(a, b) == 1 and Levenshtein.distance(a, b) == 2:
        return f"typo: letters swapped ({a} / {b})"
    if n >= 9 and Levenshtein.distance(a, b) == 1:
        return f"typo: one letter changed ({a} / {b})"
    return None


def guard(a: str, b: str) -> tuple[bool, str]:
    """Whether two match keys may be merged by a fuzzy score, and why (not).

    The same numbers ('A1' / 'A2', 'UNIT 5' / 'UNIT 6' refused); the same
    words in any order, except at most one pair of words that is a
    :func:`word_variant`.  An extra word is refused ('SMITH AND SON' /
    'SMITH AND SON PLUMBING', 'AON' / 'AON UK', 'PROGRESS HOUSING' / 'NEW
    PROGRESS HOUSING'): the names may be related bodies, but that is for a
    person to say.
    """
    if not a or not b:
        return False, "empty key"
    if REDACTED_KEY in (a, b):
        return False, "redacted payee"
    if sorted(_DIGITS.findall(a)) != sorted(_DIGITS.findall(b)):
        return False, "numbers differ"
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False, "different number of words"
    ra, rb = list(wa), list(wb)
    for w in wa:
        if w in rb:
            ra.remove(w)
            rb.remove(w)
    if not ra:
        return True, "same words" + ("" if wa == wb else " in another order")
    if len(ra) > 1:
        return False, f"{len(ra)} words differ ({' '.join(ra)} / {' '.join(rb)})"
    why = word_variant(ra[0], rb[0])
    if why is None:
        return False, f"words differ: {ra[0]} / {rb[0]}"
    return True, why


def fuzzy_score(a: str, b: str) -> float:
    return float(fuzz.token_sort_ratio(a, b))


def _blocks(keys: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        out["p:" + k[:4]].append(i)
        words = sorted(w for w in k.split() if w not in _STOP) or k.split()
        s = " ".join(words)[:4]
        if s != k[:4]:
            out["s:" + s].append(i)
    return out


def candidate_pairs(keys: list[str], cutoff: float) -> list[tuple[int, int, float]]:
    """Pairs (i, j, score) of distinct keys with token_sort_ratio >= cutoff, compared within blocks
    only."""
    seen: dict[tuple[int, int], float] = {}
    for members in _blocks(keys).values():
        if len(members) < 2:
            continue
        block = [keys[i] for i in members]
        scores = process.cdist(
            block, block, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, dtype=np.float32
        )
        ii, jj = np.nonzero(np.triu(scores, 1))
        for x, y in zip(ii.tolist(), jj.tolist()):
            i, j = sorted((members[x], members[y]))
            seen[(i, j)] = float(scores[x, y])
    return sorted(
        ((i, j, s) for (i, j), s in seen.items()), key=lambda t: (-t[2], keys[t[0]], keys[t[1]])
    )


# ------------------------------------------------------------------ clustering


class _Clusters:
    """Union-find over variants; each root carries the numbers and previous ids that must not
    mix."""

    def __init__(self, n: int, companies, charities, priors, redacted):
        self.parent = list(range(n))
        self.companies = [frozenset([c]) if c else frozenset() for c in companies]
        self.charities = [frozenset([c]) if c else frozenset() for c in charities]
        self.priors = [frozenset([p]) if p else frozenset() for p in priors]
        self.redacted = list(redacted)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict(self, a: int, b: int) -> str | None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        if self.redacted[ra] != self.redacted[rb]:
            return "redacted payee and a named supplier"
        for what, sets in (
            ("company numbers", self.companies),
            ("charity numbers", self.charities),
            ("suppliers of the previous register", self.priors),
        ):
            if sets[ra] and sets[rb] and sets[ra] != sets[rb]:
                return f"different {what}"
        return None

    def union(self, a: int, b: int, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or (not force and self.conflict(a, b)):
            return False
        self.parent[rb] = ra
        self.companies[ra] |= self.companies[rb]
        self.charities[ra] |= self.charities[rb]
        self.priors[ra] |= self.priors[rb]
        return True


@dataclass
class ClusterResult:
    """Per variant (same index as the input): ``cluster`` (a root variant), ``method``, ``score``,
    ``matched_to`` (the variant it was linked to) and ``detail``; ``review``: pairs scoring at least
    :data:`REVIEW_THRESHOLD` that were not merged, with the reason."""

    links: pd.DataFrame
    review: pd.DataFrame
    edges: list = field(default_factory=list)


def _group_links(
    uf: _Clusters,
    groups: dict,
    method: str,
    detail: str,
    edges: list,
    score: float = 100.0,
    review: list | None = None,
) -> None:
    """Link the variants of each group; when the group's clusters conflict, link only the unnumbered
    ones."""
    for members in groups.values():
        if len(members) < 2:
            continue
        roots = sorted({uf.find(m) for m in members})
        if len(roots) < 2:
            continue
        # Do the constrained clusters of this group agree with each other?
        constrained = [r for r in roots if uf.companies[r] or uf.charities[r] or uf.priors[r]]
        clash = any(
            uf.conflict(x, y) for i, x in enumerate(constrained) for y in constrained[i + 1 :]
        )
        if clash:
            free = [r for r in roots if r not in constrained]
            targets = free
            if review is not None and free:
                review.append(
                    (
                        free[0],
                        constrained[0],
                        score,
                        f"{method} ({detail}) also matches suppliers that "
                        "differ in company / charity number or previous register: not merged",
                    )
                )
        else:
            targets = roots
        first = None
        for m in members:
            if uf.find(m) not in targets:
                continue
            if first is None:
                first = m
                continue
            if uf.find(m) != uf.find(first) and uf.union(first, m):
                edges.append((first, m, method, score, detail))


def _fuzzy_links(uf, names, mkeys, red, weight, threshold, edges, review) -> None:
    """Link clusters whose representatives' match keys score at least ``threshold`` (and pass the
    guard); near misses go to ``review``."""

    def representative(root_members):
        return max(root_members, key=lambda i: (weight[i], names[i]))

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(names)):
        if not red[i] and mkeys[i]:
            members[uf.find(i)].append(i)
    rep = {r: representative(ms) for r, ms in members.items()}
    key_roots: dict[str, list[int]] = defaultdict(list)
    for r, i in rep.items():
        key_roots[mkeys[i]].append(r)
    keys = sorted(key_roots)
    cutoff = min(threshold, REVIEW_THRESHOLD)
    for a, b, _ in candidate_pairs(keys, cutoff):
        for ra in key_roots[keys[a]]:
            for rb in key_roots[keys[b]]:
                xa, xb = uf.find(ra), uf.find(rb)
                if xa == xb:
                    continue
                # Score the clusters' current representatives, so links never chain away from a
                # name.
                ia, ib = rep[xa], rep[xb]
                s = fuzzy_score(mkeys[ia], mkeys[ib])
                ok, why = guard(mkeys[ia], mkeys[ib])
                if s < threshold or not ok:
                    if s >= REVIEW_THRESHOLD:
                        review.append(
                            (ia, ib, s, why if not ok else f"score {s:.1f} below {threshold:g}")
                        )
                    continue
                conflict = uf.conflict(ia, ib)
                if conflict:
                    review.append((ia, ib, s, conflict))
                    continue
                uf.union(ia, ib)
                rep[uf.find(ia)] = ia if (weight[ia], names[ia]) >= (weight[ib], names[ib]) else ib
                edges.append((ia, ib, "fuzzy", s, why))


def cluster_variants(
    variants: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    manual: list[tuple[int, int, str]] | None = None,
    previous_links: dict[int, tuple] | None = None,
) -> ClusterResult:
    """Cluster name variants into suppliers.

    ``variants`` (index 0..n-1) has columns ``supplier_name``, ``supplier_key``,
    ``match_key``, ``company_number``, ``charity_number`` (None where absent),
    ``is_redacted``, ``prior_id`` (the supplier of a previous register, or
    None) and ``weight`` (spend or payments: the heaviest variant of a cluster
    is its representative and the root of its audit trail).  ``manual`` lists
    ``(variant, variant, detail)`` links a person asked for.
    """
    n = len(variants)
    v = variants.reset_index(drop=True)
    names = v["supplier_name"].tolist()
    skeys = v["supplier_key"].fillna("").tolist()
    mkeys = v["match_key"].fillna("").tolist()
    comp = [None if is_blank(c) else str(c) for c in v["company_number"]]
    char = [None if is_blank(c) else str(c) for c in v["charity_number"]]
    prior = [None if is_blank(p) else str(p) for p in v["prior_id"]]
    red = v["is_redacted"].astype(bool).tolist()
    weight = v["weight"].astype(float).tolist()
    uf = _Clusters(n, comp, char, prior, red)
    edges: list[tuple[int, int, str, float, str]] = []
    review: list[tuple[int, int, float, str]] = []

    def groups_by(values, only=None):
        g: dict = defaultdict(list)
        for i, val in enumerate(values):
            if val and (only is None or only(i)):
                g[val].append(i)
        return g

    # 1. redacted payees: one class
    _group_links(
        uf, groups_by([1 if r else None for r in red]), "redacted", "redacted payee", edges
    )
    named = lambda i: not red[i]  # noqa: E731
    # 2. numbers
    _group_links(uf, groups_by(comp, named), "company_number", "same company number", edges)
    _group_links(uf, groups_by(char, named), "charity_number", "same charity number", edges)
    # 3. exact keys
    _group_links(
        uf, groups_by(skeys, named), "exact_key", "same supplier key", edges, review=review
    )
    _group_links(uf, groups_by(mkeys, named), "exact_key", "same match key", edges, review=review)
    _group_links(
        uf,
        groups_by([compact_key(k) for k in mkeys], named),
        "exact_key",
        "same key ignoring spaces",
        edges,
        review=review,
    )

    # 4. fuzzy, between cluster representatives (the heaviest variant's match key)
    _fuzzy_links(uf, names, mkeys, red, weight, threshold, edges, review)

    # 5. previous register: variants it put in one supplier stay together
    by_prior = groups_by(prior)
    for pid, ms in by_prior.items():
        for m in ms[1:]:
            if uf.find(m) != uf.find(ms[0]) and uf.union(ms[0], m, force=not (red[m] ^ red[ms[0]])):
                edges.append(
                    (ms[0], m, "register", np.nan, f"same supplier {pid} in the previous register")
                )
    # 6. a person's merges
    for a, b, detail in manual or []:
        if red[a] != red[b]:
            continue
        if uf.find(a) != uf.find(b) and uf.union(b, a, force=True):
            edges.append((b, a, "manual", np.nan, detail))

    links = _audit(n, uf, edges, names, weight, red, previous_links or {})
    rv = _review_frame(review, uf, names, mkeys)
    return ClusterResult(links, rv, edges)


def _audit(n, uf, edges, names, weight, red, previous_links) -> pd.DataFrame:
    """Per variant, the strongest path from its cluster's root: the link that reached it."""
    adj: dict[int, list] = defaultdict(list)
    for a, b, method, score, detail in edges:
        adj[a].append((b, method, score, detail))
        adj[b].append((a, method, score, detail))
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        clusters[uf.find(i)].append(i)
    out = {
        "cluster": [0] * n,
        "method": [""] * n,
        "score": [np.nan] * n,
        "matched_to": [None] * n,
        "detail": [""] * n,
    }
    for members in clusters.values():
        root = max(members, key=lambda i: (weight[i], names[i]))
        for i in members:
            out["cluster"][i] = root
        out["method"][root] = "redacted" if red[root] else "new"
        out["score"][root] = np.nan
        out["detail"][root] = "redacted payee" if red[root] else "first name of this supplier"
        done = {root}
        heap: list = []
        counter = 0
        for nb, method, score, detail in adj[root]:
            heapq.heappush(
                heap,
                (
                    _RANK[method],
                    -(score if score == score else 100),
                    counter,
                    nb,
                    root,
                    method,
                    score,
                    detail,
                ),
            )
            counter += 1
        while heap:
            _, _, _, node, frm, method, score, detail = heapq.heappop(heap)
            if node in done:
                continue
            done.add(node)
            out["method"][node], out["score"][node], out["detail"][node] = method, score, detail
            out["matched_to"][node] = names[frm]
            for nb, m2, s2, d2 in adj[node]:
                if nb not in done:
                    heapq.heappush(
                        heap, (_RANK[m2], -(s2 if s2 == s2 else 100), counter, nb, node, m2, s2, d2)
                    )
                    counter += 1
    links = pd.DataFrame(out)
    # A link kept only because a previous register said so: show how that register got it.
    for i, prev in previous_links.items():
        if links.at[i, "method"] == "register" and prev is not None:
            method, score, matched_to, detail = prev
            if method in _RANK and method not in ("new",):
                links.loc[i, ["method", "score", "matched_to", "detail"]] = [
                    method,
                    score,
                    matched_to,
                    f"{detail} (kept from the previous register)".strip(),
                ]
    return links


#: At most this many near misses are listed per name (the best-scoring), so the review stays
#: readable.
REVIEW_PER_NAME = 3


def _review_frame(review, uf, names, mkeys) -> pd.DataFrame:
    rows = []
    seen = set()
    per_name: Counter = Counter()
    for a, b, score, reason in sorted(review, key=lambda t: (-t[2], names[t[0]], names[t[1]])):
        if uf.find(a) == uf.find(b):
            continue
        key = tuple(sorted((a, b)))
        if key in seen or per_name[a] >= REVIEW_PER_NAME or per_name[b] >= REVIEW_PER_NAME:
            continue
        seen.add(key)
        per_name[a] += 1
        per_name[b] += 1
        rows.append(
            {
                "variant_a": a,
                "name_a": names[a],
                "key_a": mkeys[a],
                "variant_b": b,
                "name_b": names[b],
                "key_b": mkeys[b],
                "score": round(float(score), 1),
                "reason": reason,
            }
        )
    cols = ["variant_a", "name_a", "key_a", "variant_b", "name_b", "key_b", "score", "reason"]
    return pd.DataFrame(rows, columns=cols).sort_values("score", ascending=False, ignore_index=True)


def same_supplier(
    name_a: str,
    name_b: str,
    *,
    company_a=None,
    company_b=None,
    charity_a=None,
    charity_b=None,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[bool, str, float]:
    """Whether two published names would be one supplier: ``(same, method, score)`` (for checks and
    tests)."""
    from anchorlib.ledgers.parse import is_redacted

    v = pd.DataFrame(
        {
            "supplier_name": [name_a, name_b],
            "supplier_key": [normalise_supplier_name(name_a), normalise_supplier_name(name_b)],
            "match_key": [match_key(name_a), match_key(name_b)],
            "company_number": [company_a, company_b],
            "charity_number": [charity_a, charity_b],
            "is_redacted": [is_redacted(name_a), is_redacted(name_b)],
            "prior_id": [None, None],
            "weight": [2.0, 1.0],
        }
    )
    res = cluster_variants(v, threshold=threshold).links
    same = res.at[0, "cluster"] == res.at[1, "cluster"]
    return bool(same), str(res.at[1, "method"]), float(res.at[1, "score"]) if same else np.nan


def stable_id(seed: str, taken: set[str]) -> str:
    """'S' + 10 hex digits of the seed's SHA-1, re-hashed with a counter in the (unlikely) case of a
    clash."""
    n = 0
    while True:
        h = (
            hashlib.sha1((seed if n == 0 else f"{seed}#{n}").encode("utf-8"))
            .hexdigest()[:10]
            .upper()
        )
        sid = "S" + h
        if sid not in taken:
            return sid
        n += 1

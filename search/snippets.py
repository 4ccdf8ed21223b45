"""Highlighted snippets, cut from the stored (folded, masked) text of the page's hits.

The text is masked again before it is cut (access.masking.mask_text, with the parties of the
hits' cases for their clear values): a snippet never shows an identity number, phone or
address in clear, whatever the index holds. Highlighting marks the query's tokens; the rest
is escaped.
"""

from __future__ import annotations

import re
from typing import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from access import masking
from records.models import CaseParty

from .models import EntryKind
from .segmentation import fold

WIDTH = 110


def _pattern(tokens: Iterable[str]) -> re.Pattern | None:
    words = sorted({token for token in tokens if token}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The text folded character by character (so a traditional or full-width character
    matches the query's simplified, half-width token), with each folded character's index in
    the text as written."""
    folded, offsets = [], []
    for index, char in enumerate(text):
        for piece in fold(char) or char:
            folded.append(piece)
            offsets.append(index)
    return "".join(folded), offsets


def _spans(text: str, pattern: re.Pattern | None) -> list[tuple[int, int]]:
    if pattern is None:
        return []
    folded, offsets = _folded_with_offsets(text)
    return [(offsets[match.start()], offsets[match.end() - 1] + 1)
            for match in pattern.finditer(folded) if match.end() > match.start()]


def snippet(text: str, tokens: Iterable[str], *, width: int = WIDTH, parties=()) -> SafeString:
    """A window of the text as written around the first match, masked, with the query's
    tokens in <mark>."""
    text = masking.mask_text(" ".join((text or "").split()), parties)
    spans = _spans(text, _pattern(tokens))
    start = 0
    if spans and spans[0][0] > width // 3:
        start = spans[0][0] - width // 3
    end = start + width
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    out, position = [], start
    for span_start, span_end in spans:
        if span_start < position or span_start >= end:
            continue
        span_end = min(span_end, end)
        out.append(escape(text[position:span_start]))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    out.append(escape(text[position:end]))
    return mark_safe(escape(prefix) + "".join(out) + escape(suffix))


def add_snippets(hits, tokens: Iterable[str]) -> None:
    """Give each hit of a page its snippet: one query for the parties of their cases."""
    tokens = list(tokens)
    case_ids = {hit.case_id for hit in hits if hit.case_id}
    parties: dict[int, list] = {}
    if case_ids:
        for party in CaseParty.objects.filter(case_id__in=case_ids):
            parties.setdefault(party.case_id, []).append(party)
    for hit in hits:
        case_parties = parties.get(hit.case_id, [])
        text = hit.text
        if hit.kind == EntryKind.PERSONAL:  # never the clear values, only their masks
            text = "当事人证件号码、联系电话或地址与检索词相符（已遮蔽）：" + "；".join(
                " ".join(value for value in masking.masked_values(party).values() if value)
                for party in case_parties)
        hit.snippet = snippet(text, tokens, parties=case_parties)
        hit.text = ""  # the stored text does not travel further than the snippet

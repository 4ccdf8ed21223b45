"""Chinese word segmentation for the index and for queries (jieba in search mode).

Chinese is written without spaces, so the databases' own tokenisers cannot find a word inside
a sentence. Text is folded first (traditional → simplified with OpenCC ``t2s``, full-width →
half-width with Unicode NFKC, lower case), then cut:

- for the index, ``cut_for_search``: the words of the precise cut and the shorter dictionary
  words inside them (行政执法全过程记录制度 → 行政 执法 行政执法 过程 全过程 记录 制度 ...),
  so that a query for 执法 finds 行政执法全过程记录制度; a word jieba's HMM found that is in
  no dictionary is also given as its single characters;
- for a query, the precise cut without the HMM, so that each query token is one the index has;
  a general (non-domain) word of four or more characters is given as the dictionary words
  covering it (设计变更 → 设计 变更), since the text may have been cut across it (消防设计 变更).

Case numbers (郑建罚〔2026〕12号, with any brackets or none) and identity numbers (18 digits,
or the 18 characters of a unified social credit code) become one special token each, so they
are found whole. The output is a list of tokens without spaces or punctuation, ready to be
joined with spaces for SQLite FTS5, PostgreSQL ``to_tsvector('simple', ...)`` and an
Elasticsearch whitespace analyser alike.

The domain dictionary is ``search/data/domain_dict.txt`` (one word a line, ``#`` comments);
administrators add words in the Wagtail admin (检索词条, search.models.SearchTerm). Both are
read when the process first segments. A change takes effect in a new process (or at once in
the process that saved the term) and in old records after ``python manage.py reindex``.

The cutter is rjieba (the Rust port of jieba) when it is installed, else Python jieba; both sit
(search/cutters.py) behind ``Cutter`` (``cut``, ``has_word``, ``add_word``). rjieba takes the domain dictionary
(``Jieba.add_word(word, freq, tag)``; ``has_word`` answers the sub-word lookups), ships the
same main dictionary as jieba, and gives the same cut on the demo document templates, with one
difference the wrapper removes: it keeps ``0371-67180000`` or ``source_label`` as one word where
jieba splits letters and digits from the punctuation between them. Measured here
(bench/bench_search.py, tests/search/test_segmentation.py keeps the two cuts equal): rjieba's
cut is about 30× Python jieba's; the index tokens with rjieba (folding, special tokens and
sub-word pieces, in Python, remembered per word) about 3× Python jieba's cut and a tenth of
rjieba's cut alone (most of the time is now the Python around the cut). ``SEARCH_CUTTER=jieba`` in the environment forces Python jieba.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from opencc import OpenCC

from .cutters import JiebaCutter, RJiebaCutter, new_cutter, read_dictionary

logger = logging.getLogger(__name__)

# --- folding ---------------------------------------------------------------------------------

_t2s = OpenCC("t2s")


def _t2s_changes() -> tuple[frozenset[str], tuple[tuple[str, frozenset[str]], ...]]:
    """What t2s could change: a character it converts, or a phrase it converts that holds none
    of those characters. Text without any is returned unchanged by t2s, so it is not given to
    it (opencc-python-reimplemented converts about 35,000 characters a second here; most text
    indexed is simplified already)."""
    import opencc

    folder = Path(opencc.__file__).resolve().parent / "dictionary"

    def entries(name):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            if key and values.split(" ")[0] != key:
                yield key

    characters = frozenset(entries("TSCharacters.txt"))
    phrases = tuple((key, frozenset(key)) for key in entries("TSPhrases.txt")
                    if not any(char in characters for char in key))
    return characters, phrases


_T2S_CHARACTERS, _T2S_PHRASES = _t2s_changes()
#: the phrases as one pattern: one scan of the text (a test per phrase cost as much as
#: cutting the text)
_T2S_PHRASE = re.compile("|".join(re.escape(phrase) for phrase, _ in _T2S_PHRASES))


#: the few characters t2s converts that GB2312 (simplified Chinese) holds (乾, 後, 於 ...): a
#: text GB2312 encodes can hold no other (encoding runs in C at ~100 million characters a
#: second; looking each character up in the set of 4,000 costs as much as a third of the cut)
_T2S_IN_GB2312 = tuple(sorted(char for char in _T2S_CHARACTERS
                              if not char.encode("gb2312", errors="replace").startswith(b"?")))


_outside_gb2312 = threading.local()


def _note_outside_gb2312(error: UnicodeEncodeError) -> tuple[str, int]:
    _outside_gb2312.chars.append(error.object[error.start:error.end])
    return "", error.end


codecs.register_error("casesearch-outside-gb2312", _note_outside_gb2312)


def _t2s_may_change(text: str) -> bool:
    if _T2S_PHRASE.search(text) is not None:
        return True
    _outside_gb2312.chars = outside = []  # what GB2312 cannot encode (·, 〇, 髮 ...)
    text.encode("gb2312", errors="casesearch-outside-gb2312")
    if outside and not _T2S_CHARACTERS.isdisjoint("".join(outside)):
        return True
    return any(char in text for char in _T2S_IN_GB2312)


#: full-width forms and the ideographic space: what NFKC changes in nearly every Chinese text
#: (，：（）；！？), each mapped to the single ASCII character NFKC gives for it
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_FULL_WIDTH_NFKC = {char: unicodedata.normalize("NFKC", char)
                    for char in map(chr, [*range(0xFF01, 0xFF5F), 0x3000])}


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on Chinese text: the full-width forms
    are replaced first (each becomes one ASCII character that starts a character, so NFKC of
    the result is NFKC of the text), and NFKC of text already normalised is only its quick
    check. CPython's NFKC decomposes and recomposes the whole text as soon as one full-width
    comma is in it, which costs about as much as cutting the text."""
    for char in set(_FULL_WIDTH.findall(text)):
        text = text.replace(char, _FULL_WIDTH_NFKC[char])
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """Traditional → simplified, full-width → half-width (NFKC), lower case."""
    if not text:
        return ""
    text = _nfkc(text)
    if _t2s_may_change(text):
        text = _t2s.convert(text)
    return text.lower()


# --- special tokens --------------------------------------------------------------------------

_OPEN = "〔[(【〖<《{"
_CLOSE = "〕])】〗>》}"
#: 郑建罚〔2026〕12号 — a prefix of Chinese characters, a four-digit year in any brackets (or
#: none), a sequence number and 号 (after folding, so （） and ［］ are already () and [])
CASE_NUMBER = re.compile(
    rf"([\u4e00-\u9fff]{{1,12}}?)\s*[{re.escape(_OPEN)}]?\s*((?:19|20)\d{{2}})\s*"
    rf"[{re.escape(_CLOSE)}]?\s*(?:第\s*)?0*(\d{{1,6}})\s*号")
#: a resident identity number or a unified social credit code, whole (after lower-casing)
ID_NUMBER = re.compile(
    r"(?<![0-9a-z])(\d{17}[\dx]|[0-9a-hj-np-rtuwy]{2}\d{6}[0-9a-hj-np-rtuwy]{10})(?![0-9a-z])")
#: how many characters of a case number's prefix make its token (郑建罚, 建监罚): the same on
#: both sides, so that 决定书郑建罚〔2026〕12号 and 郑建罚2026 12号 meet
PREFIX_CHARS = 3
#: words whose index tokens a segmenter remembers (then it forgets them all and starts again)
MEMO_WORDS = 200_000


def case_number_token(prefix: str, year: str, seq: str) -> str:
    return f"{prefix[-PREFIX_CHARS:]}{year}{int(seq)}号"


def case_number_tokens(text: str) -> list[str]:
    """The special tokens of the case numbers in (folded) text."""
    return [case_number_token(*match.groups()) for match in CASE_NUMBER.finditer(text)]


def normalise_case_number(number: str) -> str:
    """郑建罚〔2026〕12号 → 郑建罚202612号 (its index token); the folded text when it is no
    case number."""
    folded = fold(number)
    match = CASE_NUMBER.search(folded)
    return case_number_token(*match.groups()) if match else folded


# --- the tokenizer ---------------------------------------------------------------------------

#: query tokens too common to narrow anything (single-character function words)
STOPWORDS = frozenset("的 了 和 与 及 或 在 是 对 等 之 其 并 而 由 于 把 被 将 以 为 这 那 也 就 都".split())


def _is_token(word: str) -> bool:
    return bool(word) and any(char.isalnum() for char in word)


def _clean(word: str) -> str:
    """A token keeps letters and digits only (no spaces, brackets or operators), so that every
    backend's whitespace tokeniser and query syntax keep it whole."""
    return "".join(char for char in word if char.isalnum())


#: joins the texts that index_texts cuts together
_SEPARATOR = "\x00"
#: sets a case or identity number apart inside a text cut in one pass (_index_marked)
_SPAN_MARK = "\x01"


class _IndexMemo(dict):
    """A word of the cutter → its index tokens joined by spaces ("" for punctuation),
    worked out on the first lookup (``memo[word]`` in C when the word is known)."""

    def __init__(self, segmenter: "Segmenter"):
        super().__init__()
        self.segmenter = segmenter

    def __missing__(self, word: str) -> str:
        segmenter = self.segmenter
        tokens = [token for piece in segmenter.tokenizer.words_of(word)
                  for token in segmenter._word_tokens(piece)]
        joined = self[word] = " ".join(tokens)
        return joined


@dataclass
class Segmenter:
    """A private cutter (rjieba or jieba) with the domain dictionary."""

    tokenizer: "JiebaCutter | RJiebaCutter"
    words: frozenset[str]
    _memo: _IndexMemo | None = field(default=None, repr=False)
    source: tuple = field(default=(), repr=False)  # what it was built from (refresh)

    def index_tokens(self, text: str) -> list[str]:
        """Tokens of a text for the index, in order (repeats kept: they weigh in ranking)."""
        return self.index_text(text).split()

    def index_text(self, text: str) -> str:
        """The index tokens of a text joined by spaces: the text folded; each case number and
        identity number as its special tokens followed by the tokens of its own text (2026,
        12号); the rest cut in search mode (``_cut_index``)."""
        tokens = self._index_folded(fold(text))
        if _SEPARATOR in tokens or _SPAN_MARK in tokens:  # never in a record: no tokens
            tokens = " ".join(tokens.replace(_SEPARATOR, " ").replace(_SPAN_MARK, " ").split())
        return tokens

    def _index_folded(self, folded: str) -> str:
        spans = _special_spans(folded)
        if not spans:
            return self._cut_index_text(folded)
        if _SPAN_MARK not in folded:
            return self._index_marked(folded, spans)
        parts = []  # never in a record: piece by piece
        position = 0
        for start, end, special in spans:
            parts.append(self._cut_index_text(folded[position:start]))
            parts.append(" ".join(special))
            parts.append(self._cut_index_text(folded[start:end]))
            position = end
        parts.append(self._cut_index_text(folded[position:]))
        return " ".join(filter(None, parts))

    def _index_marked(self, folded: str, spans) -> str:
        """``_index_folded`` in one cut: each special span's text is set apart by a mark
        before and after it, which the cutter gives back as a word of its own between the
        words of each piece (as if cut apart); the tokens are then split at the marks and
        the special tokens put in before each span's own."""
        pieces = []
        position = 0
        for start, end, _ in spans:
            pieces += (folded[position:start], _SPAN_MARK, folded[start:end], _SPAN_MARK)
            position = end
        pieces.append(folded[position:])
        parts = self._cut_index_text("".join(pieces)).split(_SPAN_MARK)
        joined = [parts[0].strip()]
        for number, (_, _, special) in enumerate(spans):
            joined += (" ".join(special), parts[2 * number + 1].strip(),
                       parts[2 * number + 2].strip())
        return " ".join(filter(None, joined))

    def index_texts(self, texts: list[str]) -> list[str]:
        """``index_text`` of each text, the texts folded and cut together: joined by a
        separator no text holds, which folding keeps, no special token spans, and the cutter
        gives back as a word of its own between the words of the texts either side (jieba
        and rjieba cut only runs of Chinese characters, letters and digits together), so
        one pass over a batch of short texts gives what a pass per text would, without the
        cost of a call per text. A batch in which a text holds the separator is cut text by
        text."""
        if len(texts) < 2:
            return [self.index_text(text) for text in texts]
        joined = _SEPARATOR.join(texts)
        if joined.count(_SEPARATOR) != len(texts) - 1 or _SPAN_MARK in joined:
            return [self.index_text(text) for text in texts]
        folded = _nfkc(joined)
        if _t2s_may_change(folded):  # OpenCC converts phrases: text by text, to be sure
            folded = _SEPARATOR.join(map(fold, texts))
        else:
            folded = folded.lower()
        return [part.strip() for part in self._index_folded(folded).split(_SEPARATOR)]

    def _cut_index_text(self, text: str) -> str:
        if not text:
            return ""
        memo = self._memo
        if memo is None or len(memo) > MEMO_WORDS:
            memo = self._memo = _IndexMemo(self)
            memo[_SEPARATOR] = _SEPARATOR  # index_texts splits the texts' tokens there
            memo[_SPAN_MARK] = _SPAN_MARK  # _index_marked splits a text's tokens there
        return " ".join(filter(None, map(memo.__getitem__, self.tokenizer.cut_raw(text, True))))

    def query_tokens(self, text: str) -> list[str]:
        """Tokens of one query term: a case number or identity number as its special token
        only; other text cut precisely, without the HMM and without stop words."""
        folded = fold(text)
        tokens: list[str] = []
        position = 0
        for match in _special_spans(folded):
            tokens += self._cut_query(folded[position:match[0]])
            tokens.append(match[2][0])
            position = match[1]
        tokens += self._cut_query(folded[position:])
        seen: dict[str, None] = {}
        for token in tokens:
            seen.setdefault(token, None)
        return list(seen)

    def _cut_index(self, text: str) -> list[str]:
        """Search mode: each word of the precise cut, and every dictionary word inside it
        (jieba's own cut_for_search looks at two- and three-character pieces only, which
        loses 行政执法 inside 行政执法全过程记录)."""
        return self._cut_index_text(text).split()

    def _word_tokens(self, word: str) -> list[str]:
        """One word of the precise cut as index tokens (remembered per word: a text's words
        repeat, and this part runs in Python)."""
        has_word = self.tokenizer.has_word
        word = _clean(word)
        if not word:
            return []
        tokens = []
        if len(word) > 2 and _has_cjk(word):
            for size in range(2, len(word)):
                for start in range(len(word) - size + 1):
                    piece = word[start:start + size]
                    if has_word(piece):
                        tokens.append(piece)
        tokens.append(word)
        if len(word) > 1 and _has_cjk(word) and not has_word(word):
            tokens += [char for char in word if char.isalnum()]  # an HMM word's characters
        return tokens

    def _cut_query(self, text: str) -> list[str]:
        tokens = []
        for word in self.tokenizer.cut(text, False):
            word = _clean(word)
            if word and word not in STOPWORDS:
                tokens += self._query_pieces(word)
        return tokens

    def _query_pieces(self, word: str) -> list[str]:
        """A general word of four or more characters as the dictionary words that cover it
        (设计变更 → 设计 变更): the text may have been cut across it (消防设计 变更), and the
        index holds every dictionary word inside each word it cut, so the pieces meet it
        either way. Domain words, and words no pieces cover, stay whole."""
        if len(word) < 4 or word in self.words or not _has_cjk(word):
            return [word]
        pieces, start = [], 0
        while start < len(word):
            for end in range(min(len(word) - 1 + (start > 0), len(word)), start + 1, -1):
                if self.tokenizer.has_word(word[start:end]):
                    pieces.append(word[start:end])
                    start = end
                    break
            else:
                return [word]
        return pieces


def _has_cjk(word: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in word)


def _special_spans(folded: str) -> list[tuple[int, int, list[str]]]:
    spans = []
    for match in _case_numbers(folded):
        prefix, year, seq = match.groups()
        tokens = [case_number_token(prefix, year, seq), f"{year}{int(seq)}号"]
        spans.append((match.start(), match.end(), tokens))
    if not spans:
        return [(match.start(1), match.end(1), [match.group(1)]) for match in _id_numbers(folded)]
    numbers = iter(spans)  # in order and apart: walk them beside the identity numbers
    number = next(numbers)
    found = []
    for match in _id_numbers(folded):
        at = match.start()
        while number is not None and number[1] <= at:
            number = next(numbers, None)
        if number is None or at < number[0]:  # not inside a case number
            found.append((match.start(1), match.end(1), [match.group(1)]))
    spans += found
    spans.sort()
    return spans


# CASE_NUMBER.finditer and ID_NUMBER.finditer, the same matches found faster: each pattern
# begins with something that can stand almost anywhere in Chinese text (a lazy run of Chinese
# characters; a look-behind), so the regex engine tries it at nearly every character, which
# cost more than cutting the text. Here a pattern that begins with digits finds where a match
# could be, and the full pattern is tried only there (tests/search/test_segmentation.py
# compares both on generated text).

#: the part of CASE_NUMBER after its prefix and opening bracket: year, number, 号
_CASE_NUMBER_TAIL = re.compile(
    rf"(?:19|20)\d{{2}}\s*[{re.escape(_CLOSE)}]?\s*(?:第\s*)?0*\d{{1,6}}\s*号")
#: six digits in a row: in every identity number and credit code (and mobile number)
SIX_DIGITS = re.compile(r"\d{6}")


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _case_numbers(text: str) -> list[re.Match]:
    """CASE_NUMBER's matches. Every match ends in a tail that _CASE_NUMBER_TAIL matches at
    the year, and begins at most 12 Chinese characters (and spaces and an opening bracket)
    before it, where no digit stands: so the next match is the one CASE_NUMBER finds between
    the walk back from the next tail and that tail's end (or there is none at that tail)."""
    matches: list[re.Match] = []
    if "号" not in text:
        return matches
    position = 0
    while (tail := _CASE_NUMBER_TAIL.search(text, position)) is not None:
        start = tail.start()
        while start > position and text[start - 1].isspace():
            start -= 1
        if start > position and text[start - 1] in _OPEN:
            start -= 1
            while start > position and text[start - 1].isspace():
                start -= 1
        chars = 0
        while start > position and chars < 12 and _is_cjk(text[start - 1]):
            start -= 1
            chars += 1
        match = CASE_NUMBER.search(text, start, tail.end()) if chars else None
        if match is None:
            position = tail.start() + 1
        else:
            matches.append(match)
            position = match.end()
    return matches


def _id_numbers(text: str) -> list[re.Match]:
    """ID_NUMBER's matches. Each holds six digits at its start or two characters in (an
    identity number; a credit code), so it starts at most two characters before the first
    run of six digits at or after where the search stands."""
    matches: list[re.Match] = []
    position = searched = 0
    while (digits := SIX_DIGITS.search(text, searched)) is not None:
        at = digits.start()
        for start in range(max(position, at - 2), at + 1):
            match = ID_NUMBER.match(text, start)
            if match is not None:
                matches.append(match)
                position = searched = match.end()
                break
        else:
            searched = at + 1
    return matches


# --- one per process ---------------------------------------------------------------------------

_lock = threading.Lock()
_segmenter: Segmenter | None = None
#: gives the administrators' extra words (search.models); set by the app at start-up
extra_terms_loader: Callable[[], Iterable[str]] | None = None


def build_segmenter(extra_terms: Iterable[str] = (), *, cutter: str | None = None) -> Segmenter:
    tokenizer = new_cutter(cutter)
    words = set()
    for word, freq in read_dictionary():
        tokenizer.add_word(word, freq)
        words.add(word)
    extra_terms = tuple(extra_terms)
    for word in extra_terms:
        word = fold(word.strip())
        if word:
            tokenizer.add_word(word)
            words.add(word)
    return Segmenter(tokenizer, frozenset(words), source=_source(extra_terms, cutter))


def _source(extra_terms: Iterable[str], cutter: str | None = None) -> tuple:
    """What a segmenter is built from: the cutter asked for, the dictionary file's entries,
    the administrators' words."""
    return (cutter or os.environ.get("SEARCH_CUTTER", "rjieba"), tuple(read_dictionary()),
            tuple(extra_terms))


def _extra_terms() -> list[str]:
    if extra_terms_loader is None:
        return []
    try:
        return list(extra_terms_loader())
    except Exception:  # no table yet (before migrate): the file alone
        logger.warning("extra search terms not loaded", exc_info=True)
        return []


def segmenter() -> Segmenter:
    """The process's segmenter, built once (jieba takes about a second to start)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                _segmenter = build_segmenter(_extra_terms())
    return _segmenter


def reset() -> None:
    """Forget the segmenter: the next use reads the dictionary and the extra words again."""
    global _segmenter
    with _lock:
        _segmenter = None


def refresh() -> Segmenter:
    """The process's segmenter as the dictionary file and the administrators' words now
    are: the one in hand when they are what it was built from (reindex asks first: building
    one takes most of a second), else a new one."""
    global _segmenter
    extra = _extra_terms()
    with _lock:
        if _segmenter is None or _segmenter.source != _source(extra):
            _segmenter = build_segmenter(extra)
        return _segmenter


def index_tokens(text: str) -> list[str]:
    return segmenter().index_tokens(text)


def index_text(text: str) -> str:
    """The tokens of `text` joined with spaces: what the backends store."""
    return segmenter().index_text(text)


def index_texts(texts: list[str]) -> list[str]:
    """``index_text`` of each text, cut in one pass."""
    return segmenter().index_texts(texts)


def query_tokens(text: str) -> list[str]:
    return segmenter().query_tokens(text)


# --- query parsing -----------------------------------------------------------------------------

_OR = re.compile(r"\s+(?:or|或者|或)\s+|\s*[|｜]\s*", re.IGNORECASE)


def parse_query(text: str) -> list[list[list[str]]]:
    """A query as alternatives (separated by ``|`` or `` OR ``), each a list of terms
    (separated by spaces) that must all match, each term a list of tokens that must all
    match. Empty lists are dropped; ``[]`` means nothing to search for."""
    alternatives = []
    for part in _OR.split(fold(text or "")):
        terms = []
        # a case number may be typed with spaces (郑建罚 2026 12号): take it out whole first
        for start, end, special in reversed(_special_spans(part)):
            terms.append([special[0]])
            part = part[:start] + " " + part[end:]
        terms += [tokens for term in part.split() if (tokens := query_tokens(term))]
        if terms:
            alternatives.append(terms)
    return alternatives


def query_token_set(parsed: list[list[list[str]]]) -> set[str]:
    return {token for alternative in parsed for term in alternative for token in term}

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
behind ``Cutter`` (``cut``, ``has_word``, ``add_word``). rjieba takes the domain dictionary
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

import logging
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import jieba
from opencc import OpenCC

logger = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines on every start

DOMAIN_DICT = Path(__file__).resolve().parent / "data" / "domain_dict.txt"

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


def _t2s_may_change(text: str) -> bool:
    present = set(text)
    if not _T2S_CHARACTERS.isdisjoint(present):
        return True
    return any(chars <= present and phrase in text for phrase, chars in _T2S_PHRASES)


def fold(text: str) -> str:
    """Traditional → simplified, full-width → half-width (NFKC), lower case."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
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


def read_dictionary(path: Path = DOMAIN_DICT) -> list[tuple[str, int | None]]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        entries.append((parts[0], freq))
    return entries


def _cache_dir() -> Path:
    try:
        from django.conf import settings

        folder = Path(settings.VAR_DIR) / "cache"
    except Exception:  # outside Django (a benchmark script)
        folder = Path(tempfile.gettempdir())
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    return folder


class JiebaCutter:
    """Python jieba: a private Tokenizer, never jieba's global one."""

    name = "jieba"

    def __init__(self):
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.tmp_dir = str(_cache_dir())  # jieba keeps its parsed dictionary there
        self.tokenizer.initialize()
        self.FREQ = self.tokenizer.FREQ

    def add_word(self, word: str, freq: int | None = None) -> None:
        self.tokenizer.add_word(word, freq)

    def cut(self, text: str, hmm: bool) -> list[str]:
        return list(self.tokenizer.cut(text, HMM=hmm))

    def has_word(self, word: str) -> bool:
        return bool(self.FREQ.get(word))


_ASCII_RUNS = re.compile(r"[0-9a-z]+|[^0-9a-z]", re.IGNORECASE)
_ASCII_JOINED = re.compile(r"[0-9a-z][^0-9a-z\u4e00-\u9fff]+[0-9a-z]", re.IGNORECASE)


class RJiebaCutter:
    """rjieba (Rust), the same dictionary; words joined by punctuation split as jieba does."""

    name = "rjieba"

    def __init__(self):
        import rjieba

        self.jieba = rjieba.Jieba()

    def add_word(self, word: str, freq: int | None = None) -> None:
        self.jieba.add_word(word, freq, None)

    def cut(self, text: str, hmm: bool) -> list[str]:
        words = []
        for word in self.jieba.cut(text, hmm):
            if _ASCII_JOINED.search(word):
                words += _ASCII_RUNS.findall(word)
            else:
                words.append(word)
        return words

    def has_word(self, word: str) -> bool:
        return self.jieba.has_word(word)


def new_cutter(prefer: str | None = None):
    """rjieba when installed (and not SEARCH_CUTTER=jieba), else Python jieba."""
    prefer = prefer or os.environ.get("SEARCH_CUTTER", "rjieba")
    if prefer == "rjieba":
        try:
            return RJiebaCutter()
        except ImportError:
            logger.info("rjieba not installed: Python jieba segments")
    return JiebaCutter()


@dataclass
class Segmenter:
    """A private cutter (rjieba or jieba) with the domain dictionary."""

    tokenizer: "JiebaCutter | RJiebaCutter"
    words: frozenset[str]
    _memo: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def index_tokens(self, text: str) -> list[str]:
        """Tokens of a text for the index, in order (repeats kept: they weigh in ranking)."""
        folded = fold(text)
        tokens: list[str] = []
        position = 0
        for match in _special_spans(folded):
            tokens += self._cut_index(folded[position:match[0]])
            tokens += match[2]
            tokens += self._cut_index(folded[match[0]:match[1]])  # the parts too (2026, 12号)
            position = match[1]
        tokens += self._cut_index(folded[position:])
        return tokens

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
        tokens: list[str] = []
        memo = self._memo
        for word in self.tokenizer.cut(text, True):
            found = memo.get(word)
            if found is None:
                if len(memo) > MEMO_WORDS:
                    memo.clear()
                found = memo[word] = self._word_tokens(word)
            tokens += found
        return tokens

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
    for match in CASE_NUMBER.finditer(folded):
        prefix, year, seq = match.groups()
        tokens = [case_number_token(prefix, year, seq), f"{year}{int(seq)}号"]
        spans.append((match.start(), match.end(), tokens))
    for match in ID_NUMBER.finditer(folded):
        if not any(start <= match.start() < end for start, end, _ in spans):
            spans.append((match.start(1), match.end(1), [match.group(1)]))
    spans.sort()
    return spans


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
    for word in extra_terms:
        word = fold(word.strip())
        if word:
            tokenizer.add_word(word)
            words.add(word)
    return Segmenter(tokenizer, frozenset(words))


def segmenter() -> Segmenter:
    """The process's segmenter, built once (jieba takes about a second to start)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                extra: Iterable[str] = ()
                if extra_terms_loader is not None:
                    try:
                        extra = list(extra_terms_loader())
                    except Exception:  # no table yet (before migrate): the file alone
                        logger.warning("extra search terms not loaded", exc_info=True)
                _segmenter = build_segmenter(extra)
    return _segmenter


def reset() -> None:
    """Forget the segmenter: the next use reads the dictionary and the extra words again."""
    global _segmenter
    with _lock:
        _segmenter = None


def index_tokens(text: str) -> list[str]:
    return segmenter().index_tokens(text)


def index_text(text: str) -> str:
    """The tokens of `text` joined with spaces: what the backends store."""
    return " ".join(index_tokens(text))


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

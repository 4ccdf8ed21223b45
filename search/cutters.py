"""The word cutters behind search.segmentation: rjieba (Rust) when installed, else Python
jieba, each with the domain dictionary added by the segmenter. Both answer ``cut``,
``cut_raw``, ``words_of``, ``has_word`` and ``add_word`` (search/segmentation.py's module
docstring says how the two cuts are kept equal)."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

import jieba

logger = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines on every start

DOMAIN_DICT = Path(__file__).resolve().parent / "data" / "domain_dict.txt"


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

    def cut_raw(self, text: str, hmm: bool):
        """The cutter's own words, before ``words_of`` (the index remembers them per word)."""
        return self.tokenizer.cut(text, HMM=hmm)

    @staticmethod
    def words_of(word: str) -> list[str]:
        return [word]

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
            words += self.words_of(word)
        return words

    def cut_raw(self, text: str, hmm: bool) -> list[str]:
        return self.jieba.cut(text, hmm)

    @staticmethod
    def words_of(word: str) -> list[str]:
        """A word of rjieba's cut as jieba would have cut it."""
        if _ASCII_JOINED.search(word):
            return _ASCII_RUNS.findall(word)
        return [word]

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

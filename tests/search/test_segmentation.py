"""Segmentation: domain words whole, words found inside longer words, folding, case numbers
and identity numbers whole with or without brackets (search/segmentation.py)."""

from __future__ import annotations

import re

import jieba
import pytest

from search import segmentation
from search.cutters import DOMAIN_DICT, read_dictionary
from search.segmentation import (
    build_segmenter,
    fold,
    index_tokens,
    normalise_case_number,
    parse_query,
    query_tokens,
)

IDENTITY = "410105199001011234"


def found(query: str, text: str) -> bool:
    """What the backends do: every token of some alternative is among the text's tokens."""
    tokens = set(index_tokens(text))
    return any(all(token in tokens for term in alternative for token in term)
               for alternative in parse_query(query))


def test_a_query_for_zhifa_finds_the_full_process_record_system():
    assert found("执法", "行政执法全过程记录制度")
    assert found("行政执法", "行政执法全过程记录制度")
    assert found("全过程记录", "行政执法全过程记录制度")
    assert not found("听证", "行政执法全过程记录制度")


@pytest.mark.parametrize("word", ["执法记录仪", "陈述申辩", "先行登记保存", "行政强制", "城乡建设局",
                                  "全过程记录", "行政执法", "音像记录", "责令改正"])
def test_domain_words_are_cut_whole(word):
    assert query_tokens(word) == [word]
    assert word in index_tokens(f"本案中{word}情况如下")


def test_the_domain_dictionary_holds_at_least_sixty_terms_and_the_named_ones():
    words = {word for word, _ in read_dictionary()}
    assert len(words) >= 60
    assert {"执法记录仪", "陈述申辩", "先行登记保存", "行政强制", "城乡建设局"} <= words
    assert DOMAIN_DICT.read_text(encoding="utf-8").startswith("#")  # says how to edit it


def test_parts_of_a_domain_word_are_found_too():
    assert found("记录仪", "执法记录仪拍摄现场")
    assert found("执法", "执法记录仪拍摄现场")


def test_traditional_characters_fold_to_simplified():
    assert fold("陳述申辯") == "陈述申辩"
    assert found("陈述申辩", "當事人提出陳述申辯")
    assert found("陳述申辯", "当事人提出陈述申辩")


def test_full_width_folds_to_half_width_and_lower_case():
    assert fold("ＡＢＣ１２３（测试）") == "abc123(测试)"
    assert found("abc123", "设备编号ＡＢＣ１２３")
    assert found("ZFJLY", "设备编号zfjly")


@pytest.mark.parametrize("written", [
    "郑建罚〔2026〕12号", "郑建罚[2026]12号", "郑建罚（2026）12号", "郑建罚2026 12号",
    "郑建罚202612号", "郑建罚［2026］第12号", "郑建罚〔2026〕012号", "鄭建罰〔2026〕12號",
])
def test_a_case_number_is_found_whole_with_or_without_brackets(written):
    assert found(written, "依据郑建罚〔2026〕12号行政处罚决定书")
    assert normalise_case_number(written) == "郑建罚202612号"


def test_a_case_number_does_not_find_its_neighbours():
    assert not found("郑建罚〔2026〕12号", "依据郑建罚〔2026〕120号行政处罚决定书")
    assert not found("郑建罚〔2026〕12号", "依据郑建罚〔2025〕12号行政处罚决定书")
    assert not found("郑建罚〔2026〕12号", "依据郑建检〔2026〕12号检查记录")


def test_an_identity_number_is_one_token_and_found_whole():
    assert IDENTITY in index_tokens(f"身份证号{IDENTITY}，住址某处")
    assert query_tokens(IDENTITY) == [IDENTITY]
    assert found("41010519900101123X", "身份证号41010519900101123x")
    assert not found(IDENTITY, "身份证号410105199001011235")


def test_query_terms_are_anded_and_alternatives_ored():
    text = "使用执法记录仪对现场检查全过程记录"
    assert found("执法记录仪 现场检查", text)
    assert not found("执法记录仪 听证", text)
    assert found("执法记录仪 听证 | 现场检查", text)
    assert found("听证 或 记录仪", text)
    assert parse_query("听证 OR 记录仪") == [[["听证"]], [["记录仪"]]]


def test_stop_words_and_punctuation_make_no_tokens():
    assert parse_query("的 了 ， 。") == []
    assert parse_query('"*()&|!') == []


def test_tokens_hold_letters_and_digits_only():
    for token in index_tokens("“执法”（记录）《仪》— a&b|c 'd' \"e\" 郑建罚〔2026〕12号"):
        assert token.isalnum(), token


def test_the_tokenizer_is_private_and_built_once_per_process():
    first = segmentation.segmenter()
    assert first is segmentation.segmenter()
    assert getattr(first.tokenizer, "tokenizer", None) is not jieba.dt
    assert first.tokenizer.has_word("先行登记保存")
    assert not jieba.dt.FREQ.get("先行登记保存")  # jieba's global dictionary left alone


def test_rjieba_and_jieba_give_the_same_tokens():
    """rjieba takes the domain dictionary and cuts as jieba does (search/segmentation.py)."""
    pytest.importorskip("rjieba", reason="rjieba not installed: jieba alone segments")
    from portal.demo_texts import TEMPLATES

    rust, python = build_segmenter(cutter="rjieba"), build_segmenter(cutter="jieba")
    assert rust.tokenizer.name == "rjieba" and python.tokenizer.name == "jieba"
    texts = [re.sub(r"\{[^}]*\}", "", template) for _, template in TEMPLATES.values()]
    texts += ["联系电话0371-67180000，行政执法全过程记录制度", "郑建罚〔2026〕12号 执法记录仪",
              "身份证号410105196310240175，統一社會信用代碼91410105RYL5C22AQX"]
    for text in texts:
        assert rust.index_tokens(text) == python.index_tokens(text), text
        assert rust.query_tokens(text) == python.query_tokens(text), text


def test_extra_terms_are_cut_whole():
    plain = build_segmenter()
    extra = build_segmenter(["渣土运输备案"])
    assert extra.query_tokens("渣土运输备案") == ["渣土运输备案"]
    assert plain.query_tokens("渣土运输备案") != ["渣土运输备案"]


# --- the fast paths give what the plain ones give -------------------------------------------------

PIECES = ["郑建罚〔2026〕12号", "郑建罚 2026 12号", "決定書郑建罚[2026]第0012号", "2026年", "号", " ", "〔",
          "〕", "（", "）", IDENTITY, "91410100MA44XXXX7Q", "x" + IDENTITY, "13812345678",
          "0371-67180000", "執法記錄儀", "行政执法全过程记录制度", "ＡＢＣ１２３", "source_label",
          "2020 2026号", "建", "罚", "1234567", "a", "Z", "\n", "第", "00000012号", "20261号",
          "19991", "乾隆", "髮", "①", "㎡", "e\u0301", "\u0301", "ｶﾞ", "，", "：", "\u3000", "後來",
          "於是", "反覆", "一目瞭然", "·", "〇", "﨑", "℃", "ΑΣ", "٣٤٥٦٧٨", "\x00", "\x01"]


def generated_texts(count: int = 1500, seed: int = 7) -> list[str]:
    import random

    from portal.demo_texts import TEMPLATES

    rng = random.Random(seed)
    texts = [re.sub(r"\{[^}]*\}", lambda _: rng.choice(PIECES), template)
             for _, template in TEMPLATES.values()]
    texts += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))
              for _ in range(count)]
    return texts


def plain_fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    if set(text) & segmentation._T2S_CHARACTERS or any(
            phrase in text for phrase, _ in segmentation._T2S_PHRASES):
        text = segmentation._t2s.convert(text)
    return text.lower()


def plain_spans(folded: str) -> list:
    spans = []
    for match in segmentation.CASE_NUMBER.finditer(folded):
        prefix, year, seq = match.groups()
        spans.append((match.start(), match.end(),
                      [segmentation.case_number_token(prefix, year, seq), f"{year}{int(seq)}号"]))
    for match in segmentation.ID_NUMBER.finditer(folded):
        if not any(start <= match.start() < end for start, end, _ in spans):
            spans.append((match.start(1), match.end(1), [match.group(1)]))
    return sorted(spans)


def plain_index_tokens(segmenter, text: str) -> list[str]:
    """Fold, find the special spans with the patterns themselves, cut each piece apart."""
    def cut(piece):
        return [token for word in segmenter.tokenizer.cut(piece, True)
                for token in segmenter._word_tokens(word)]

    folded = plain_fold(text)
    tokens, position = [], 0
    for start, end, special in plain_spans(folded):
        tokens += cut(folded[position:start]) + special + cut(folded[start:end])
        position = end
    return tokens + cut(folded[position:])


def test_folding_and_special_spans_are_found_as_the_plain_patterns_find_them():
    for text in generated_texts():
        folded = fold(text)
        assert folded == plain_fold(text), text
        assert segmentation._special_spans(folded) == plain_spans(folded), text


def test_texts_cut_together_give_the_tokens_each_gives_alone():
    seg = build_segmenter()
    texts = generated_texts()
    for text in texts:
        assert seg.index_tokens(text) == plain_index_tokens(seg, text), text
    for start in range(0, len(texts), 40):
        batch = texts[start:start + 40]
        assert seg.index_texts(batch) == [" ".join(plain_index_tokens(seg, text))
                                          for text in batch]

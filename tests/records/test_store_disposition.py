"""Download names never become paths or header injections."""

from __future__ import annotations

import pytest

from records.store import content_disposition, safe_download_name


@pytest.mark.parametrize("given, safe", [
    ("../../x", "x"),
    ("/etc/passwd", "passwd"),
    ("..\\..\\windows\\system.ini", "system.ini"),
    ("C:\\Users\\张三\\录音.wav", "录音.wav"),
    ("a\x00b.mp4", "ab.mp4"),
    ("evil\r\nSet-Cookie: a=b.mp4", "evilSet-Cookie_ a=b.mp4"),
    ('"quoted".mp4', "quoted.mp4"),
    ("..", "fallback.mp4"),
    ("", "fallback.mp4"),
    (None, "fallback.mp4"),
    (".hidden", "hidden"),
    ("report\u202egpj.exe", "reportgpj.exe"),  # a right-to-left override cannot disguise it
    ("执法记录仪 2024-01-01.mp4", "执法记录仪 2024-01-01.mp4"),
])
def test_safe_download_name_keeps_only_a_harmless_last_part(given, safe):
    assert safe_download_name(given, "fallback.mp4") == safe


def test_long_names_are_shortened_keeping_the_extension():
    name = safe_download_name("长" * 400 + ".mp4", "x")
    assert len(name) <= 150 and name.endswith(".mp4")


@pytest.mark.parametrize("given", ["../../x", "/etc/passwd", "a\x00b.mp4", "evil\r\nSet-Cookie: a=b", 'x";.mp4'])
def test_content_disposition_has_no_path_control_character_or_stray_quote(given):
    header = content_disposition(given, inline=False)

    assert header.startswith('attachment; filename="')
    assert "/" not in header.split("filename*=")[0] and "\\" not in header
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in header)
    assert header.count('"') == 2
    assert header.isascii()


def test_chinese_name_gets_an_ascii_fallback_and_a_utf8_filename_star():
    header = content_disposition("执法记录仪 2024-01-01.mp4", inline=True)

    assert header == (
        'inline; filename="2024-01-01.mp4"; '
        "filename*=UTF-8''%E6%89%A7%E6%B3%95%E8%AE%B0%E5%BD%95%E4%BB%AA%202024-01-01.mp4"
    )


def test_name_with_no_ascii_letters_falls_back_to_a_plain_name_with_its_extension():
    header = content_disposition("../../现场录音.wav", inline=False, fallback="original")

    assert header.startswith('attachment; filename="original.wav"; filename*=UTF-8\'\'')
    assert header.endswith("%E7%8E%B0%E5%9C%BA%E5%BD%95%E9%9F%B3.wav")


def test_plain_ascii_name_needs_no_filename_star():
    assert content_disposition("clip-01.mp4", inline=False) == 'attachment; filename="clip-01.mp4"'

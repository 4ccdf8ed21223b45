"""The review export's xlsx writer, read back with openpyxl (the reader the other tests use)."""

import io

from openpyxl import load_workbook

from portal.supervision.xlsx import Sheet, column_letter, workbook_bytes


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_column_letters_past_z():
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == \
        ["A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_text_and_numbers_round_trip_in_their_places():
    sheet = Sheet("问题清单")
    sheet.append(["案号", "条款", "问题"])
    sheet.append(["郑建罚〔2026〕12号", "第二十六条", "音像记录存储超过24小时"])
    sheet.append(["a & b < c > d \"e\" 'f'", 42, 2.5])
    sheet.append([None, "", 0])
    book = read(workbook_bytes([sheet]))
    rows = list(book["问题清单"].iter_rows(values_only=True))
    assert rows[0] == ("案号", "条款", "问题")
    assert rows[1] == ("郑建罚〔2026〕12号", "第二十六条", "音像记录存储超过24小时")
    assert rows[2] == ("a & b < c > d \"e\" 'f'", 42, 2.5)
    assert rows[3] == (None, None, 0)


def test_a_wide_row_reaches_columns_past_z():
    sheet = Sheet("宽")
    sheet.append(list(range(30)))
    book = read(workbook_bytes([sheet]))
    assert book["宽"]["AD1"].value == 29
    assert book["宽"]["AA1"].value == 26


def test_characters_xml_forbids_are_dropped_and_spaces_kept():
    sheet = Sheet("s")
    sheet.append(["前\x00后\x07", "  两头空格  ", "换行\n保留"])
    book = read(workbook_bytes([sheet]))
    assert [c.value for c in book["s"][1]] == ["前后", "  两头空格  ", "换行\n保留"]


def test_repeated_text_is_stored_once():
    sheet = Sheet("s")
    for n in range(1000):
        sheet.append([f"案{n}", "第十三条", "文书缺少当事人签名"])
    data = workbook_bytes([sheet])
    import zipfile

    strings = zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml").decode()
    assert strings.count("第十三条") == 1
    assert strings.count("<si>") == 1002
    assert read(data)["s"]["B1000"].value == "第十三条"


def test_bold_rows_widths_and_sheet_order():
    first = Sheet("统计", widths={"A": 28, "C": 50})
    first.append(["标题"], bold=True)
    first.append(["项目", "条款", "数量"])
    second = Sheet("执法人员")
    second.append(["执法人员"])
    book = read(workbook_bytes([first, second]))
    assert book.sheetnames == ["统计", "执法人员"]
    sheet = book["统计"]
    assert sheet["A1"].font.b is True
    assert not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width == 28
    assert sheet.column_dimensions["C"].width == 50


def test_sheet_titles_are_made_legal_and_unique():
    sheets = [Sheet("a/b:c"), Sheet("A_B_C"), Sheet("x" * 40)]
    for sheet in sheets:
        sheet.append([1])
    names = read(workbook_bytes(sheets)).sheetnames
    assert names[0] == "a_b_c"
    assert names[1] != names[0] and names[1].lower() != names[0].lower()
    assert len(names[2]) == 31


def test_an_empty_sheet_is_still_a_sheet():
    book = read(workbook_bytes([Sheet("空")]))
    assert book.sheetnames == ["空"]
    assert book["空"].max_row == 1 and book["空"]["A1"].value is None

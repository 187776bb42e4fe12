"""Assumptions stated in the header and in the grade ladder (`assume "…"`): what a method's source leaves
open about the policy as a whole (how totals are rounded) or about its grades (a cut-off it never names),
shown wherever the assumptions of measures and rules are."""

from __future__ import annotations

from pathlib import Path

import pytest

import targetdsl
from targetdsl.audit.diff import diff_effective
from targetdsl.cli import main
from targetdsl.keywords import Language
from targetdsl.language.formatter import layout
from targetdsl.language.parser import parse

ROUNDING = "the speech does not say how totals are rounded: to cents, half up"
CUT_OFF = "the speech names no cut-off for 优秀: 90, as in 2002"

POLICY = f"""policy "p" {{
    year 2003
    status draft
    rounding half_up 2 at total
    assume "{ROUNDING}"
}}

class c {{
    k 100
}}

category k {{
    indicator a points 100 {{
        input x: number
        score points * min(x, 1)
    }}
}}

grades {{
    assume "{CUT_OFF}"
    优秀 >= 90
    合格 < 90
}}
"""


def test_they_parse_format_and_round_trip_in_both_keyword_languages() -> None:
    parsed = parse(POLICY)
    assert layout(parsed.file, parsed.comments, POLICY) == POLICY
    chinese = layout(parsed.file, parsed.comments, POLICY, keywords=Language.CHINESE)
    assert f'    假定 "{ROUNDING}"\n}}' in chinese and f'等次 {{\n    假定 "{CUT_OFF}"\n    优秀 >= 90' in chinese
    again = parse(chinese)
    assert again.file == parsed.file
    assert layout(again.file, again.comments, chinese, keywords=Language.ENGLISH) == POLICY


def test_check_lists_them_with_their_owner_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    report = targetdsl.check_text(POLICY, name="p.tdsl")
    assert [(s.owner, s.assumption.text, s.assumption.span.line) for s in report.assumptions] == [
        ("policy", ROUNDING, 5),
        ("grades", CUT_OFF, 20),
    ]
    assert report.diagnostics == ()


def test_the_command_line_lists_them_in_the_language_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.tdsl"
    path.write_text(POLICY, encoding="utf-8")
    assert main(["check", str(path), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert f"p.tdsl:5:12：考核办法的假定：{ROUNDING}" in out and f"p.tdsl:20:12：等次的假定：{CUT_OFF}" in out


def test_a_grade_is_explained_with_the_ladders_assumption() -> None:
    policy = targetdsl.parse_policy(POLICY, name="p.tdsl")
    unit = policy.evaluate([{"id": "A", "class": "c", "indicators": {"a": {"x": "0.95"}}}]).unit("A")
    grade = next(step for step in unit.explanation if step.what == "grade")
    assert grade.notes == ("total 95 is in band 优秀 (>= 90)", f"assumption: {CUT_OFF}")


def test_one_made_withdrawn_or_reworded_is_a_change_an_auditor_sees() -> None:
    old = targetdsl.parse_policy(POLICY, name="old.tdsl")
    reworded = POLICY.replace(ROUNDING, "rounded to cents").replace(f'    assume "{CUT_OFF}"\n', "")
    new = targetdsl.parse_policy(reworded, name="new.tdsl")
    changes = diff_effective(old.effective, new.effective).changes
    found = {(c.group, c.kind, c.what, c.old, c.new) for c in changes}
    assert found == {
        ("policy header", "removed", "assumption", ROUNDING, None),
        ("policy header", "added", "assumption", None, "rounded to cents"),
        ("grades", "removed", "assumption", CUT_OFF, None),
    }, found
    assert not diff_effective(old.effective, old.effective).changes


def test_a_child_policy_keeps_its_parents_header_assumptions_unless_it_states_its_own(tmp_path: Path) -> None:
    (tmp_path / "parent.tdsl").write_text(POLICY, encoding="utf-8")
    child = 'extends "parent.tdsl"\n\npolicy "child" {\n    year 2004\n}\n'
    (tmp_path / "child.tdsl").write_text(child, encoding="utf-8")
    owned = [(s.owner, s.assumption.text) for s in targetdsl.check_path(tmp_path / "child.tdsl").assumptions]
    assert owned == [("policy", ROUNDING), ("grades", CUT_OFF)]
    (tmp_path / "child.tdsl").write_text(child.replace("year 2004", 'year 2004\n    assume "new"'), encoding="utf-8")
    owned = [(s.owner, s.assumption.text) for s in targetdsl.check_path(tmp_path / "child.tdsl").assumptions]
    assert owned == [("policy", "new"), ("grades", CUT_OFF)]


def test_the_report_lists_them(tmp_path: Path) -> None:
    (tmp_path / "p.tdsl").write_text(POLICY, encoding="utf-8")
    (tmp_path / "u.yaml").write_text("units:\n  - {id: A, class: c, indicators: {a: {x: 0.95}}}\n", encoding="utf-8")
    out = tmp_path / "r.html"
    args = ["report", str(tmp_path / "p.tdsl"), str(tmp_path / "u.yaml"), "-o", str(out), "-q", "--lang", "zh"]
    assert main(args) == 0
    html = out.read_text(encoding="utf-8")
    assert f"<li>考核办法：{ROUNDING}</li><li>等次：{CUT_OFF}</li>" in html

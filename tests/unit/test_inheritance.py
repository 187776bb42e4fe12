from pathlib import Path

import pytest

import targetdsl
from targetdsl.language import nodes as n
from targetdsl.language.inheritance import load_path, load_text
from tests.support import write

BASE = """policy "基础" { year 2002 status adopted rounding half_up 2 source "甲" }
class 县区 { 定量 100 }
category 定量 { indicator 收入 points 1 { input x: number score x } }
veto 安全 for 县区 { input failed: bool missing default false when failed effect no award }
const k = 1
"""


def codes(loaded: object) -> list[str]:
    return [d.code for d in loaded.diagnostics]  # type: ignore[attr-defined]


def test_child_overrides_removes_and_adds(tmp_path: Path) -> None:
    write(tmp_path, "base.tdsl", BASE)
    child = write(
        tmp_path,
        "child.tdsl",
        """extends "base.tdsl"
policy "子" { year 2003 status draft }
override class 县区 { 定量 100 }
remove veto 安全
const j = 2
""",
    )
    loaded = load_path(child)
    assert codes(loaded) == []
    effective = loaded.effective
    assert effective is not None
    keys = [n.declaration_key(d) for d in effective.declarations]
    assert keys == [("class", "县区"), ("category", "定量"), ("const", "k"), ("const", "j")]
    assert effective.header is not None
    assert effective.header.title == "子"
    assert effective.header.year == n.Year(2003)
    # fields the child does not state are inherited
    assert effective.header.rounding == n.Rounding("half_up", 2)
    assert [s.text for s in effective.header.sources] == ["甲"]
    assert effective.origins[("class", "县区")].endswith("child.tdsl")
    assert effective.origins[("category", "定量")].endswith("base.tdsl")


def test_extends_is_relative_to_the_extending_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "years/base.tdsl", BASE)
    child = write(tmp_path, "years/child.tdsl", 'extends "base.tdsl"\npolicy "子" { year 2003 status draft }\n')
    monkeypatch.chdir(tmp_path.parent)
    policy = targetdsl.load_policy(child)
    assert policy.year == 2003
    assert len(policy.files) == 2


def test_redeclaring_without_override_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "base.tdsl", BASE)
    child = write(
        tmp_path,
        "child.tdsl",
        'extends "base.tdsl"\npolicy "子" { year 2003 status draft }\n'
        "const k = 3\noverride const zz = 1\nremove category 无\n",
    )
    assert codes(load_path(child)) == ["check.missing-override", "check.override-unknown", "check.remove-unknown"]


def test_cycle_and_missing_file(tmp_path: Path) -> None:
    a = write(tmp_path, "a.tdsl", 'extends "b.tdsl"\npolicy "a" { year 2003 status draft }\n')
    write(tmp_path, "b.tdsl", 'extends "a.tdsl"\npolicy "b" { year 2003 status draft }\n')
    assert codes(load_path(a)) == ["extends.cycle"]
    c = write(tmp_path, "c.tdsl", 'extends "gone.tdsl"\npolicy "c" { year 2003 status draft }\n')
    loaded = load_path(c)
    assert codes(loaded) == ["extends.missing-file"]
    assert loaded.diagnostics[0].span.line == 1


def test_long_chains_end_in_a_diagnostic(tmp_path: Path) -> None:
    write(tmp_path, "p0.tdsl", BASE)
    for i in range(1, 40):
        write(tmp_path, f"p{i}.tdsl", f'extends "p{i - 1}.tdsl"\npolicy "p{i}" {{ year 2003 status draft }}\n')
    assert codes(load_path(tmp_path / "p39.tdsl")) == ["extends.too-deep"]


def test_root_confines_extends(tmp_path: Path) -> None:
    write(tmp_path, "outside.tdsl", BASE)
    inner = write(tmp_path, "office/child.tdsl", 'extends "../outside.tdsl"\npolicy "子" { year 2003 status draft }\n')
    assert codes(load_path(inner, root=tmp_path / "office")) == ["extends.outside-root"]
    assert codes(load_path(inner, root=tmp_path)) == []


def test_text_with_extends_needs_a_base(tmp_path: Path) -> None:
    write(tmp_path, "base.tdsl", BASE)
    text = 'extends "base.tdsl"\npolicy "子" { year 2003 status draft }\n'
    assert codes(load_text(text, "child.tdsl")) == ["extends.no-base"]
    assert codes(load_text(text, "child.tdsl", base=tmp_path)) == []


def test_encoding_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.tdsl"
    path.write_bytes('policy "连云港" { year 2003 status draft }'.encode("gbk"))
    loaded = load_path(path)
    assert codes(loaded) == ["load.encoding"]
    assert "gbk.tdsl" in loaded.diagnostics[0].message


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.tdsl"
    path.write_bytes(BASE.encode("utf-8-sig"))
    assert codes(load_path(path)) == []


def test_two_headers_in_one_file() -> None:
    loaded = load_text(BASE + 'policy "again" { year 2003 status draft }\n', "t.tdsl")
    assert codes(loaded) == ["check.duplicate-name"]


def test_unreadable_file(tmp_path: Path) -> None:
    loaded = load_path(tmp_path / "absent.tdsl")
    assert codes(loaded) == ["load.unreadable"]
    assert "absent.tdsl" in loaded.diagnostics[0].message


def test_huge_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.tdsl"
    with path.open("wb") as handle:
        handle.truncate(9 * 1024 * 1024)  # sparse: cheap to create
    assert codes(load_path(path)) == ["load.too-large"]

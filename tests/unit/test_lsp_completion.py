"""Completion and hover by context, on a buffer that does not parse (the author is typing)."""

import re
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp

from targetdsl.api import check_text
from targetdsl.authoring.lsp import Place, candidates, context_at, offset_of, open_blocks, scope_of
from targetdsl.language import nodes as n
from targetdsl.language.inheritance import Effective
from tests.test_lsp import Client

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
FILES = sorted(POLICIES.glob("*.tdsl"))


def effective_of(path: Path) -> Effective:
    report = check_text(path.read_text(encoding="utf-8"), name=str(path), base=path.parent, root=POLICIES)
    assert report.effective is not None and report.ok, report.render()
    return report.effective


def position_of(text: str, offset: int) -> lsp.Position:
    before = text[:offset]
    line = before.count("\n")
    return lsp.Position(line=line, character=offset - (before.rfind("\n") + 1))


def complete(text: str, effective: Effective | None, offset: int | None = None) -> dict[str, Any]:
    offset = len(text) if offset is None else offset
    return {item.label: item.detail for item in candidates(text, position_of(text, offset), effective)}


def does_not_parse(text: str, path: Path) -> bool:
    return check_text(text, name=str(path), base=path.parent, root=POLICIES).effective is None


def classes(effective: Effective) -> set[str]:
    return {d.name for d in effective.declarations if isinstance(d, n.UnitClass)}


def grades(effective: Effective) -> set[str]:
    return {b.name for d in effective.declarations if isinstance(d, n.Grades) for b in d.bands}


def assessors(effective: Effective) -> set[str]:
    return {d.name for d in effective.declarations if isinstance(d, n.Assessor)}


def test_typing_a_veto_keeps_the_class_names() -> None:
    path = POLICIES / "lianyungang-2002.tdsl"
    text = path.read_text(encoding="utf-8")
    effective = effective_of(path)
    for typed in ("\nveto 测试 for ", "\nveto 测试 for 县", "\nveto 测试 for 县区, ", "\nveto 测试 for 县区,市"):
        broken = text + typed
        assert does_not_parse(broken, path)
        assert set(complete(broken, effective)) == {"县区", "市直部门", "驻连部省属单位"}, typed


def test_chinese_file_for_clause_and_chinese_keywords_in_a_body() -> None:
    path = POLICIES / "lianyungang-2002.zh.tdsl"
    text = path.read_text(encoding="utf-8")
    effective = effective_of(path)
    broken = text + "\n一票否决 测试 适用 "
    assert does_not_parse(broken, path)
    assert set(complete(broken, effective)) == classes(effective) == {"县区", "市直部门", "驻连部省属单位"}
    body = text + "\n一票否决 测试 适用 县区 {\n    填报 未完成: 是否\n    条件 "
    labels = complete(body, effective)
    assert {"条件", "处理", "最高等次", "未完成"} <= set(labels)
    assert "when" not in labels and "effect" not in labels
    assert set(complete(body + "未完成\n    处理 最高等次 ", effective)) == grades(effective)


def test_grades_assessors_and_levels_by_context() -> None:
    path = POLICIES / "lianyungang-2002.tdsl"
    text = path.read_text(encoding="utf-8")
    effective = effective_of(path)
    veto = text + "\nveto 测试 for 县区 {\n    when 1 > 0\n    effect cap grade "
    assert set(complete(veto, effective)) == {"优秀", "良好", "达标", "不达标"}
    assert set(complete(veto.replace("cap grade ", "grade "), effective)) == grades(effective)
    given = text + "\ncategory 新 {\n    items 新项 {\n        input done: bool\n        given by 人大, "
    assert set(complete(given, effective)) == assessors(effective)
    rater = text + "\ncategory 新 {\n    assessed 新评 points 3 {\n        by "
    assert set(complete(rater, effective)) == assessors(effective)
    bonus = text + "\noverride bonus 获奖加分 {\n    level "
    assert set(complete(bonus, effective)) == {"国家级", "省级", "市级"}
    money = text + "\noverride award 目标兑现奖 {\n    money {\n        "
    assert set(complete(money, effective)) == grades(effective)


def test_a_measure_offers_its_own_inputs_not_another_measures() -> None:
    path = POLICIES / "lianyungang-2002.tdsl"
    text = path.read_text(encoding="utf-8")
    effective = effective_of(path)
    row = text.index("        let rate = ")  # inside 定量任务, which declares target, actual, reverse, rate
    broken = text[:row] + "        score if rev" + text[row:].replace("grades {", "grades {{", 1)
    assert does_not_parse(broken, path)
    labels = complete(broken, effective, row + len("        score if rev"))
    assert {"target", "actual", "reverse", "rate"} <= set(labels)
    assert {"subs", "done", "failed", "matters"}.isdisjoint(labels)  # other measures' and rules' inputs
    assert {"if", "score", "min"} <= set(labels)
    # an input typed since the last version that parsed is offered too
    typed = text[:row] + "        input 新数: number\n        score 新" + text[row:].replace("grades {", "grades {{", 1)
    assert "新数" in complete(typed, effective, row + len("        input 新数: number\n        score 新"))


def test_without_any_version_that_parsed_the_buffer_still_offers_its_names() -> None:
    text = "class 县区 {\n    甲 100\n}\nclass 市直 {\n    甲 100\n}\nassessor 人大\nveto 测试 for 县区, "
    assert set(complete(text, None)) == {"县区", "市直"}
    assert set(complete(text.replace("veto 测试 for 县区, ", "category 甲 {\n  items x {\n    given by "), None)) == {
        "人大"
    }


def test_a_comment_or_a_label_is_no_context() -> None:
    text = 'veto 测试 "for " for 县区 {\n    # effect cap grade \n'
    assert context_at(text, len(text) - 1).place is Place.ANYWHERE  # in a comment: no names by context
    assert context_at(text, text.index('for "') + 4).place is not Place.CLASS
    blocks = open_blocks('category 甲 "{{" {\n  indicator 乙 { # }\n', 400)  # past the end: the end
    assert [(b.kind, b.name) for b in blocks] == [("category", "甲"), ("indicator", "乙")]


def test_offsets_count_lines_as_lsp_does() -> None:
    text = "a\r\nbc\rd\ne"
    assert offset_of(text, lsp.Position(line=1, character=1)) == 4
    assert offset_of(text, lsp.Position(line=2, character=0)) == 6
    assert offset_of(text, lsp.Position(line=3, character=9)) == len(text)
    assert offset_of(text, lsp.Position(line=9, character=0)) == len(text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_place_a_policy_names_a_class_grade_or_assessor(path: Path) -> None:
    """Cut each real policy just after `for`, `cap grade`, `by`, `level`: the buffer no longer parses,
    and completion offers exactly what the whole policy declares of that kind."""
    text = path.read_text(encoding="utf-8")
    effective = effective_of(path)
    expected = {
        r"(?:^|\s)(?:for|适用) ": classes(effective),
        r"(?:^|\s)(?:cap grade|最高等次|定为) ": grades(effective),
        r"(?:^|\s)(?:given by|采信|by|由) ": assessors(effective),
    }
    seen = 0
    for pattern, names in expected.items():
        for match in re.finditer(pattern, text):
            if text[: match.start()].rsplit("\n", 1)[-1].lstrip().startswith("#"):
                continue
            seen += 1
            assert set(complete(text[: match.end()], effective)) == names, (path.name, match.group())
    assert seen >= 3


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_measure_scope_matches_the_policy(path: Path) -> None:
    """Differential: for each measure and rule, the scope found from the text around the cursor is
    the measure's own inputs and lets, as the parsed policy holds them."""
    text = path.read_text(encoding="utf-8")
    effective = effective_of(path)
    checked = 0
    for category in (d for d in effective.declarations if isinstance(d, n.Category)):
        for measure in category.measures:
            if measure.span.file != str(path):
                continue
            inner = [s for s in measure.body if isinstance(s, (n.Input, n.Let))]
            for statement in inner:
                offset = offset_of(text, lsp.Position(line=statement.span.line - 1, character=statement.span.column))
                assert scope_of(effective, open_blocks(text, offset)) == inner, (measure.name, statement.name)
                checked += 1
    for rule in (d for d in effective.declarations if isinstance(d, n.Rule)):
        if rule.span.file != str(path):
            continue
        inner = [s for s in rule.body if isinstance(s, (n.Input, n.Let))]
        for statement in inner:
            offset = offset_of(text, lsp.Position(line=statement.span.line - 1, character=statement.span.column))
            assert scope_of(effective, open_blocks(text, offset)) == inner, (rule.name, statement.name)
            checked += 1
    assert checked >= 2


def test_over_stdio_a_broken_buffer_completes_and_hovers_by_scope(tmp_path: Path) -> None:
    text = (POLICIES / "lianyungang-2002.tdsl").read_text(encoding="utf-8")
    path = tmp_path / "p.tdsl"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client = Client()
    try:
        client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
        client.notify("initialized", {})
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "targetdsl", "version": 1, "text": text}},
        )
        assert client.wait("textDocument/publishDiagnostics")["params"]["diagnostics"] == []
        broken = text + "\nveto 测试 for "
        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]},
        )
        codes = [d["code"] for d in client.wait("textDocument/publishDiagnostics")["params"]["diagnostics"]]
        assert codes and all(code.startswith("syntax.") for code in codes), codes
        end = broken.splitlines()
        answer = client.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": len(end) - 1, "character": len(end[-1])}},
        )
        assert {item["label"] for item in answer["items"]} == {"县区", "市直部门", "驻连部省属单位"}

        # `done` is declared by two measures: hover shows the one the cursor is in, also while broken
        lines = broken.splitlines()
        for measure, label, other in (("常规任务", "是否完成", "完成子项数"), ("重点项目", "完成子项数", "是否完成")):
            start = next(i for i, line in enumerate(lines) if f"items {measure} " in line)
            row = next(i for i in range(start, len(lines)) if "done" in lines[i] and "input" not in lines[i])
            hover = client.request(
                "textDocument/hover",
                {"textDocument": {"uri": uri}, "position": {"line": row, "character": lines[row].index("done") + 1}},
            )
            value = hover["contents"]["value"]
            assert label in value and other not in value, (measure, value)

        # a closed document is forgotten: nothing is offered from what it once declared
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        closed = client.request(
            "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
        )
        assert closed["items"] == []
    finally:
        client.close()


@pytest.mark.parametrize(
    ("name", "language", "shown"),
    [
        (
            "lianyungang-2003.tdsl",
            "en",
            ['input 承担市级目标 "承担市一级目标任务": bool missing default true', 'level 国家级 "国家级奖项" 3'],
        ),
        (
            "lianyungang-2003.zh.tdsl",
            "zh",
            ['填报 承担市级目标 "承担市一级目标任务": 是否 缺报 默认 是', '级别 国家级 "国家级奖项" 3'],
        ),
    ],
)
def test_hover_shows_an_inputs_default_and_a_levels_points(name: str, language: str, shown: list[str]) -> None:
    from targetdsl.authoring.lsp import definitions, describe
    from targetdsl.keywords import Language

    path = POLICIES / name
    effective = effective_of(path)
    found = definitions(effective)
    texts = [
        describe(word, what, node, span, effective, str(path), language=Language(language))
        for word in ("承担市级目标", "国家级")
        for what, node, span in found[word]
    ]
    assert len(texts) == 2
    for text, line in zip(texts, shown, strict=True):
        assert f"```\n{line}\n```" in text


def test_closing_a_document_forgets_its_last_good_version() -> None:
    from targetdsl.authoring.lsp import PolicyServer, did_close

    ls = PolicyServer()
    uri = "untitled:a.tdsl"
    ls.analyse(uri, "class 县区 {\n    甲 100\n}\ncategory 甲 {\n}\n")
    assert uri in ls.last_good
    ls.analyse(uri, "class 县区 {\n    甲 100\n}\nveto 测试 for ")
    assert uri in ls.last_good and ls.reports[uri].effective is None  # kept while the buffer is broken
    did_close(ls, lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert uri not in ls.last_good and uri not in ls.reports


def test_completion_and_keyword_hover_speak_the_servers_language() -> None:
    """In a Chinese session each keyword, term and function is offered with its meaning in Chinese; the
    words offered are the file's keywords whatever the session's language."""
    from targetdsl.authoring.lsp import _builtin_hover, _keyword_hover
    from targetdsl.keywords import Language

    path = POLICIES / "lianyungang-2002.zh.tdsl"
    text = path.read_text(encoding="utf-8") + "\n"
    effective = effective_of(path)
    position = position_of(text, len(text))
    chinese = {i.label: i.detail for i in candidates(text, position, effective, language=Language.CHINESE)}
    english = {i.label: i.detail for i in candidates(text, position, effective)}
    assert chinese.keys() == english.keys()
    assert chinese["校验"] == "数据必须满足的条件，在读取数据时检查"
    assert english["校验"] == "a condition the data must meet, checked when they are read"
    assert chinese["计零"] == "缺报计为 0" and chinese["功效系数"] != english["功效系数"]
    # the built-ins as the file writes them, and the code their meanings quote too
    assert {"最小", "四舍五入", "同类平均", "得分()", "小计()", "总分", "目标项数", "被否决"} <= chinese.keys()
    assert not {"min", "round", "peer_avg", "score()", "total", "items"} & chinese.keys()
    assert "`小计()`：加分和扣分之前的得分" in chinese["小计()"]
    english_file = 'policy "x" {\n    year 2003\n}\n'
    labels = {i.label for i in candidates(english_file, position_of(english_file, len(english_file)), None)}
    assert {"min", "round", "score()", "subtotal()", "points", "total"} <= labels and "最小" not in labels
    hover = _builtin_hover(text, "最小", Language.CHINESE)
    assert hover is not None and str(hover.contents.value).startswith("**最小** (min) — ")
    hover = _builtin_hover(text, "总分", Language.ENGLISH)
    assert hover is not None and "**总分** (total) — the unit's total" in str(hover.contents.value)
    assert _builtin_hover(english_file, "最小") is None
    hover = _keyword_hover(text, "校验", Language.CHINESE)
    assert hover is not None and "**校验** (require) — 关键字：数据必须满足的条件" in str(hover.contents)


def test_a_hover_in_a_chinese_session_on_a_chinese_file_is_chinese() -> None:
    """The kind, keywords and formula of a hover in the file's keywords, the words around them in the
    session's language: no English word but the policy's names."""
    from targetdsl.authoring.lsp import definitions, describe
    from targetdsl.keywords import Language

    path = POLICIES / "lianyungang-2003.zh.tdsl"
    effective = effective_of(path)
    found = definitions(effective)
    said = {
        word: describe(word, *found[word][0], effective, str(path), language=Language.CHINESE, said=Language.CHINESE)
        for word in ("定量任务", "县区", "承担市级目标", "优秀", "计划生育")
    }
    assert said["定量任务"].startswith("**事项 定量任务** “定量任务指标” — 继承自 `lianyungang-2002.zh.tdsl`")
    assert "- 在 县区 中的考核内容权重：50 分" in said["定量任务"]
    assert "得分 如果 rate < 60% 则 0 否则 分值 * 最小(rate, 120%)" in said["定量任务"]
    assert said["承担市级目标"].startswith("**填报 承担市级目标** “承担市一级目标任务”: 是否, 缺报 默认")
    assert said["优秀"].startswith("**等次 优秀**") and said["计划生育"].startswith("**一票否决 计划生育**")
    names = {"rate", "failed", "lianyungang", "zh", "tdsl"}  # names the policy declares
    for text in said.values():
        assert set(re.findall(r"[A-Za-z_]{3,}", text)) <= names, text


def test_hover_shows_a_rules_condition_and_amount_and_a_rankings_classes() -> None:
    """A rule shows what decides it (its condition, computed amount, money), a ranking the classes it
    ranks together, as `targetdsl fmt` writes them in the file's keywords."""
    from targetdsl.authoring.lsp import definitions, describe
    from targetdsl.keywords import Language

    text = (
        'policy "p" { year 2021 status draft }\n'
        "class 甲 { a 100 }\nclass 乙 { a 100 }\n"
        "ranking 全省 for 甲, 乙\n"
        "category a { indicator s points 100 { input s: number score s } }\n"
        "input 上年名次: count missing default 0\n"
        "commendation 进步 { let 进位数 = 上年名次 - rank when 上年名次 > 0 and 进位数 >= 2 }\n"
        "input growth: percent\n"
        "bonus 增速 { points 0.5 when growth >= 8% cap 2 }\n"
    )
    report = check_text(text, name="p.tdsl")
    assert report.effective is not None and report.ok, report.render()
    found = definitions(report.effective)
    said = {word: describe(word, *found[word][0], report.effective, "p.tdsl") for word in ("全省", "进步", "增速")}
    assert said["全省"].startswith("**ranking 全省**") and "```\nranking 全省 for 甲, 乙\n```" in said["全省"]
    assert "let 进位数 = 上年名次 - rank\n    when 上年名次 > 0 and 进位数 >= 2" in said["进步"]
    assert "points 0.5\n    when growth >= 8%\n    cap 2" in said["增速"]
    chinese = describe("全省", *found["全省"][0], report.effective, "p.tdsl", language=Language.CHINESE)
    assert "统一排序 全省" in chinese


def test_hover_names_an_input_of_words_by_its_words() -> None:
    from targetdsl.authoring.lsp import definitions, describe

    text = (
        'policy "p" { year 2023 status draft }\nclass c { a 100 }\n'
        "category a { indicator s points 10 { input 等次: {好: 10, 较好: 8, 一般: 6, 差: 0} score 等次 } }\n"
    )
    report = check_text(text, name="p.tdsl")
    assert report.effective is not None and report.ok, report.render()
    said = describe("等次", *definitions(report.effective)["等次"][0], report.effective, "p.tdsl")
    assert said.startswith("**input 等次**: 好/较好/一般/差")

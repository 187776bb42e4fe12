"""The seed policies in Chinese keywords mean, check and evaluate exactly as
the English ones; the tools follow a file's keyword language."""

import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import to_json
from targetdsl.keywords import BUILTINS, Language
from targetdsl.language.formatter import format_policy
from targetdsl.language.parser import parse
from tests.test_lsp import Client

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
YEARS = ("2002", "2003")


def english(year: str) -> Path:
    return POLICIES / f"lianyungang-{year}.tdsl"


def chinese(year: str) -> Path:
    return POLICIES / f"lianyungang-{year}.zh.tdsl"


@pytest.mark.parametrize("year", YEARS)
def test_the_chinese_version_is_the_english_one_in_other_words(year: str) -> None:
    en_text = english(year).read_text(encoding="utf-8")
    zh_text = chinese(year).read_text(encoding="utf-8")
    en, zh = parse(en_text, "en"), parse(zh_text, "zh")
    assert (en.language, zh.language) == (Language.ENGLISH, Language.CHINESE)
    extends = zh.file.extends
    if extends is not None:  # the Chinese 2003 method amends the Chinese 2002 one
        assert extends.path == "lianyungang-2002.zh.tdsl"
        zh_file = attrs.evolve(zh.file, extends=en.file.extends)
    else:
        zh_file = zh.file
    assert zh_file == en.file
    # the comments are the English file's, said in Chinese: no English left in them but names and paths
    assert sum(bool(re.search("[\u4e00-\u9fff]", c.text)) for c in zh.comments) > 5
    for comment in zh.comments:
        said = re.sub(r"[\w/.-]+\.(?:tdsl|py)|GDP", "", comment.text)
        assert not re.search("[A-Za-z]", said), comment.text
    # converting either way gives the other file's code, line for line; only the comments differ
    converted = format_policy(en_text, name="en", keywords=Language.CHINESE)
    assert _code(converted.replace("lianyungang-2002.tdsl", "lianyungang-2002.zh.tdsl")) == _code(zh_text)
    back = format_policy(zh_text, name="zh", keywords=Language.ENGLISH)
    assert _code(back.replace(".zh.tdsl", ".tdsl")) == _code(en_text)


def _code(text: str) -> list[str]:
    """A policy's lines without its comments and blank lines."""
    parsed = parse(text, "p")
    lines = text.splitlines()
    for comment in sorted(parsed.comments, key=lambda c: (c.span.line, -c.span.column)):
        line = lines[comment.span.line - 1]
        lines[comment.span.line - 1] = line[: comment.span.column - 1].rstrip()
    return [line for line in lines if line.strip()]


@pytest.mark.parametrize("year", YEARS)
def test_both_versions_load_to_the_same_policy(year: str) -> None:
    en, zh = targetdsl.load_policy(english(year)), targetdsl.load_policy(chinese(year))
    assert en.sha256 == zh.sha256  # the canonical form, which is written in one language
    assert not targetdsl.diff_policies(en, zh).changes
    assert targetdsl.check_path(chinese(year)).diagnostics == ()


LOCATION = re.compile(r'"rule": "(?P<file>[^":]+):(?P<line>[0-9]+):(?P<column>[0-9]+)"')


def _word_at(match: re.Match[str]) -> str:
    lines = (POLICIES / match["file"]).read_text(encoding="utf-8").splitlines()
    rest = lines[int(match["line"]) - 1][int(match["column"]) - 1 :]
    return re.split(r"[\s\"{]", rest, maxsplit=1)[0]


@pytest.mark.parametrize("year", YEARS)
def test_both_versions_evaluate_byte_for_byte_alike(year: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON results are identical, byte for byte, except where they cite
    the source: the file names, their hashes and positions in them (which
    name the same declaration in both)."""
    data = ROOT / f"examples/lianyungang-{year}/units.yaml"
    extra = ["--carry-in", str(ROOT / "examples/lianyungang-2003/carried-in.yaml")] if year == "2003" else []
    outputs = []
    for policy in (english(year), chinese(year)):
        assert main(["evaluate", str(policy), str(data), "--format", "json", "--explain", *extra]) == 0
        outputs.append(capsys.readouterr().out)
    en_out, zh_out = outputs
    en_rules, zh_rules = list(LOCATION.finditer(en_out)), list(LOCATION.finditer(zh_out))
    assert len(en_rules) == len(zh_rules) > 0
    for en_rule, zh_rule in zip(en_rules, zh_rules, strict=True):
        assert _word_at(en_rule) == _word_at(zh_rule)
    en_doc, zh_doc = json.loads(en_out), json.loads(zh_out)
    assert [s["file"] for s in zh_doc["provenance"]["sources"]] == [
        s["file"].replace(".tdsl", ".zh.tdsl") for s in en_doc["provenance"]["sources"]
    ]
    for document in (en_doc, zh_doc):
        document["provenance"]["sources"] = []
    same = [LOCATION.sub('"rule": ""', json.dumps(d, ensure_ascii=False, indent=2)) for d in (en_doc, zh_doc)]
    # a note names a built-in function as the file writes it (`最小(…) capped 1.5 at 1.2`)
    assert "最小(…) capped" in same[1] and "min(…)" not in same[1]
    for builtin in BUILTINS:
        same[1] = same[1].replace(f'"{builtin.chinese}(…) ', f'"{builtin.english}(…) ')
    assert same[0] == same[1]
    assert en_doc["units"] and en_doc["provenance"]["policy_sha256"] == zh_doc["provenance"]["policy_sha256"]


def test_fmt_keeps_and_converts_the_keyword_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.tdsl"
    text = english("2002").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert main(["fmt", "--check", str(path)]) == 0
    assert main(["fmt", "--keywords", "zh", str(path)]) == 0
    converted = path.read_text(encoding="utf-8")
    assert converted.startswith(text[: text.index("\n\n")]) and "\n考核办法 " in converted
    assert main(["fmt", "--check", str(path)]) == 0  # a Chinese file stays Chinese
    assert main(["fmt", "--keywords", "en", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == text
    capsys.readouterr()


def test_fmt_refuses_a_conversion_that_would_read_a_name_as_a_keyword(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.tdsl"
    text = (
        'input 是 "是否达标": bool\n\ncategory 甲 {\n    indicator 乙 {\n        score if 是 then 1 else 0\n    }\n}\n'
    )
    path.write_text(text, encoding="utf-8")
    assert main(["fmt", "--keywords", "zh", str(path)]) == 2  # a file that cannot be formatted
    err = capsys.readouterr().err
    assert "fmt.keyword-name" in err and "`是`" in err
    assert path.read_text(encoding="utf-8") == text  # nothing written


def test_the_language_server_follows_the_keyword_language(client: Client, tmp_path: Path) -> None:
    for year in YEARS:
        (tmp_path / chinese(year).name).write_text(chinese(year).read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / chinese("2003").name
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "targetdsl", "version": 1, "text": text}}
    )
    assert client.wait("textDocument/publishDiagnostics")["params"]["diagnostics"] == []
    completion = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
    )
    labels = {item["label"] for item in completion["items"]}
    assert {"指标", "得分", "一票否决", "完成条件", "定量指标"} <= labels
    assert not {"indicator", "veto", "completed when"} & labels  # `score` is also an input type
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if line.strip().startswith("享受条件"))
    hover = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": row, "character": 6}}
    )
    assert "享受条件" in hover["contents"]["value"] and "eligible when" in hover["contents"]["value"]

    english_path = tmp_path / "en.tdsl"
    english_text = 'policy "x" {\n    year 2003\n}\n'
    english_path.write_text(english_text, encoding="utf-8")
    english_uri = english_path.as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": english_uri, "languageId": "targetdsl", "version": 1, "text": english_text}},
    )
    client.wait("textDocument/publishDiagnostics")
    completion = client.request(
        "textDocument/completion", {"textDocument": {"uri": english_uri}, "position": {"line": 0, "character": 0}}
    )
    labels = {item["label"] for item in completion["items"]}
    assert {"indicator", "score", "completed when"} <= labels and "指标" not in labels


@pytest.fixture
def client() -> Client:
    client = Client()
    client.request("initialize", {"processId": None, "rootUri": ROOT.as_uri(), "capabilities": {}})
    client.notify("initialized", {})
    yield client  # type: ignore[misc]
    client.close()


def case_runs() -> list[Any]:
    from tests.test_cases import runs

    return runs()


@pytest.mark.parametrize(("path", "document", "run"), case_runs())
def test_every_case_evaluates_alike_with_chinese_keywords(path: Path, document: dict[str, Any], run: Any) -> None:
    """The data-driven cases, differentially: the policy converted to Chinese
    keywords evaluates to the same results, field by field, or to the same
    data or evaluation errors."""
    # both laid out by the formatter, so that the lines results cite are the same
    english = targetdsl.parse_policy(format_policy(document["policy"], name=path.name), name=path.name)
    chinese_text = format_policy(document["policy"], name=path.name, keywords=Language.CHINESE)
    chinese = targetdsl.parse_policy(chinese_text, name=path.name)
    assert english.sha256 == chinese.sha256
    # explanations and messages quote the policy's expressions in its own keywords (below): compared
    # here as if it were written in English, every other word and number must be the same
    chinese.schema.keywords.clear()
    options = {
        "period": run.get("period"),
        "carried_in": document.get("carried_in"),
        "last_year": document.get("last_year"),
    }
    outcomes = []
    for policy in (english, chinese):
        try:
            assessment = policy.evaluate(document["units"], **options)
        except (targetdsl.DataError, targetdsl.EvaluationError) as exc:
            # the same line; the column differs by the width of the keywords before it
            outcomes.append([re.sub(r"(:[0-9]+):[0-9]+:", r"\1:", str(p)) for p in exc.problems])
            continue
        document_json = assessment.to_json(explanations=True)
        document_json["provenance"]["sources"] = []
        outcomes.append(LOCATION.sub('"rule": ""', json.dumps(document_json, ensure_ascii=False, sort_keys=True)))
    assert outcomes[0] == outcomes[1]


def test_the_library_converts_too() -> None:
    text = 'policy "x" {\n    year 2003\n    status draft\n}\n'
    chinese = targetdsl.format_policy(text, keywords=targetdsl.Language.CHINESE)
    assert chinese == '考核办法 "x" {\n    年度 2003\n    状态 征求意见稿\n}\n'
    assert targetdsl.format_policy(chinese, keywords=targetdsl.Language.ENGLISH) == text


def test_explanations_and_messages_quote_expressions_in_the_files_keywords() -> None:
    """A Chinese-keyword policy is quoted in its own keywords: a bonus's condition in its explanation,
    a constraint the data break in the data error; the English-keyword one in English."""
    text = (
        'policy "x" {\n    year 2003\n    status draft\n}\n\nclass 县区 {\n    经济 100\n}\n\n'
        "category 经济 {\n    indicator 编制 points 100 {\n        input 实有: number\n        input 核定: number\n"
        "        require 实有 <= 核定 and 核定 > 0\n        score if 实有 > 0 then points else 0\n    }\n}\n\n"
        "input 获奖: bool missing default false\n\nbonus 创新 {\n    points if 获奖 then 2 else 0\n"
        "    when 获奖 and not false\n}\n"
    )
    units = [{"id": "A", "name": "甲", "class": "县区", "indicators": {"编制": {"实有": 48, "核定": 50}}}]
    broken = [{"id": "A", "name": "甲", "class": "县区", "indicators": {"编制": {"实有": 52, "核定": 50}}}]
    for keywords, condition, constraint in (
        (Language.ENGLISH, "when 获奖 and not false: does not hold", "`require 实有 <= 核定 and 核定 > 0`"),
        (Language.CHINESE, "when 获奖 且 非 否: does not hold", "`校验 实有 <= 核定 且 核定 > 0`"),
    ):
        policy = targetdsl.parse_policy(format_policy(text, keywords=keywords), name="x.tdsl")
        bonus = policy.evaluate(units).units[0].explanation
        assert condition in json.dumps(to_json(bonus), ensure_ascii=False)
        with pytest.raises(targetdsl.DataError) as refused:
            policy.evaluate(broken)
        assert constraint in str(refused.value.problems[0])


def test_a_help_names_terms_as_the_file_writes_them() -> None:
    """An unknown type, rounding mode or stage: the nearest term, or the list of them, in the keywords
    of the file (`数值` in a file written in Chinese, `number` in one written in English)."""
    text = 'policy "x" {\n    year 2003\n    status draft\n    rounding half_up 2 at total, 小计\n}\n\n'
    text += "class 县区 {\n    经济 100\n}\n\ncategory 经济 {\n    indicator 增长 points 100 {\n"
    text += "        input x: 文本\n        score points\n    }\n}\n"
    for keywords, type_help, stage_help in (
        (Language.ENGLISH, "types: number, count, score, percent", "stages: indicator, category, total, money"),
        (Language.CHINESE, "类型：数值, 个数, 评分, 百分比", "环节：指标, 考核内容, 总分, 奖金"),
    ):
        written = format_policy(text, keywords=keywords)
        report = targetdsl.check_text(written, name="x.tdsl")
        shown = report.render(language=Language.CHINESE if keywords is Language.CHINESE else Language.ENGLISH)
        assert type_help in shown and stage_help in shown, shown
    chinese = format_policy(text.replace("文本", "数据"), keywords=Language.CHINESE)
    assert "是否想写 `数值`？" in targetdsl.check_text(chinese, name="x.tdsl").render(language=Language.CHINESE)


def test_an_unknown_missing_rule_is_answered_in_the_files_terms() -> None:
    """A misspelt `missing` rule: the nearest rule as the file writes them (`计零` for `记零` in a file
    written in Chinese), else every rule, each quoted whole so that it is written in the file's keywords."""
    source = (ROOT / "policies" / "lianyungang-2002.zh.tdsl").read_text(encoding="utf-8")
    assert "个数 缺报 计零" in source
    for written, expected in (
        ("记零", "是否想写 `计零`？"),
        ("同类均值", "是否想写 `同类平均`？"),
        ("xyz", "写 `缺报 报错`、`缺报 计零`、`缺报 不适用`、`缺报 同类平均` 或 `缺报 默认 <值>`"),
    ):
        report = targetdsl.check_text(source.replace("个数 缺报 计零", f"个数 缺报 {written}"), name="x.tdsl")
        assert expected in report.render(language=Language.CHINESE), written
    english = (ROOT / "policies" / "lianyungang-2002.tdsl").read_text(encoding="utf-8")
    assert "missing zero" in english
    report = targetdsl.check_text(english.replace("missing zero", "missing zer", 1), name="x.tdsl")
    assert "did you mean `zero`?" in report.render(language=Language.ENGLISH)


ONLY_CHINESE = """考核办法 "某县乡镇目标管理考核办法" {
    年度 2023
    状态 正式
}

类别 乡镇 "乡镇" {
    经济发展 100
}

考核内容 经济发展 "经济发展" {
    指标 财政收入 "一般公共预算收入" 分值 60 {
        填报 目标值: 金额
        填报 完成值: 金额
        设 完成率 = 完成值 / 目标值
        得分 如果 完成率 < 60% 则 0 否则 四舍五入(分值 * 最小(完成率, 120%), 2)
        完成条件 完成率 >= 100%
    }
    指标 招商引资 "招商引资" 分值 40 {
        填报 到位资金: 金额
        得分 分值 * 功效系数(到位资金) / 100
    }
}

奖励 目标奖 "目标管理奖" {
    奖金 {
        优秀 10000
        合格 5000
    }
    下浮 20% 条件 完成项数 < 目标项数
}

等次 {
    优秀 >= 80 名额 50%
    合格 其余
}

同分 总分 降序, 单位编号
"""

ONLY_CHINESE_UNITS = """year: 2023
units:
  - {id: A, name: 甲镇, class: 乡镇, indicators: {财政收入: {目标值: 1000, 完成值: 1300}, 招商引资: {到位资金: 500}}}
  - {id: B, name: 乙镇, class: 乡镇, indicators: {财政收入: {目标值: 1000, 完成值: 900}, 招商引资: {到位资金: 200}}}
"""


def test_a_policy_written_only_in_chinese_checks_formats_evaluates_explains_and_diffs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keywords, names and built-ins all Chinese: the command line, in a Chinese locale, says everything in
    Chinese, and the policy is the English-keyword one in other words."""
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    policy, units, english = tmp_path / "乡镇.tdsl", tmp_path / "units.yaml", tmp_path / "en.tdsl"
    policy.write_text(ONLY_CHINESE, encoding="utf-8")
    units.write_text(ONLY_CHINESE_UNITS, encoding="utf-8")
    english.write_text(format_policy(ONLY_CHINESE, keywords=Language.ENGLISH), encoding="utf-8")
    assert "score points * efficacy(到位资金) / 100" in english.read_text(encoding="utf-8")
    assert main(["check", str(policy)]) == 0
    assert main(["fmt", "--check", str(policy)]) == 0
    assert main(["diff", str(english), str(policy)]) == 0
    assert main(["evaluate", str(policy), str(units)]) == 0
    assert main(["explain", str(policy), str(units), "B"]) == 0
    out = capsys.readouterr().out
    assert "乙镇（B），类别 乡镇\n总分 78，等次 合格" in out
    assert "功效系数：本类别 2 个单位，最小 200，最大 500 → 60（第 20 行）" in out
    said = re.sub(r"\S+\.(?:tdsl|yaml)(?::\d+)*", "", out)
    assert set(re.findall(r"[A-Za-z]+", said)) <= {"B"}, said  # no English, but the unit's id
    documents = []
    for path in (policy, english):
        assert main(["evaluate", str(path), str(units), "--format", "json", "--explain"]) == 0
        document = json.loads(capsys.readouterr().out)
        document["provenance"]["sources"] = []
        documents.append(LOCATION.sub('"rule": ""', json.dumps(document, ensure_ascii=False)))
    # the same results; a note names a built-in function as each file writes it
    written = documents[0].replace("功效系数: class", "efficacy: class").replace('"最小(…) ', '"min(…) ')
    assert written == documents[1]

"""Generate the example unit data for the seed policies (deterministic).

The 2002 data is consistent with every figure the 2003 speech publishes:
9 counties and districts, 48 municipal departments, 18 provincial units;
1077 assessed items of which 1004 were completed, class by class (see
docs/semantics.md, "The published table"); 73 units commended for 30
important matters. The 2003 data adds the cases the 2003 method is about:
a vetoed county, an award presented after the cutoff (carried over), a
department without city-level targets, an item scored by the people's
congress, and an award carried in from 2002.

Run from the repository root: python examples/generate.py
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent

COUNTIES = ["赣榆县", "东海县", "灌云县", "灌南县", "新浦区", "海州区", "连云区", "云台区", "开发区"]
DEPARTMENTS = [
    "市发展计划委员会",
    "市经济贸易委员会",
    "市财政局",
    "市建设局",
    "市交通局",
    "市农业局",
    "市水利局",
    "市外经贸局",
    "市教育局",
    "市科技局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市劳动和社会保障局",
    "市国土资源局",
    "市环保局",
    "市文化局",
    "市卫生局",
    "市计划生育委员会",
    "市审计局",
    "市统计局",
    "市物价局",
    "市工商局",
    "市质量技术监督局",
    "市药品监督管理局",
    "市安全生产监督管理局",
    "市旅游局",
    "市体育局",
    "市广播电视局",
    "市规划局",
    "市房产管理局",
    "市园林局",
    "市林业局",
    "市海洋与渔业局",
    "市粮食局",
    "市人事局",
    "市信息产业局",
    "市港口管理局",
    "市口岸办",
    "市招商局",
    "市台办",
    "市侨办",
    "市档案局",
    "市地方志办",
    "市机关事务管理局",
    "市民族宗教局",
    "市人防办",
    "市城管局",
]
PROVINCIAL = [
    "连云港海关",
    "连云港出入境检验检疫局",
    "连云港海事局",
    "市国家税务局",
    "市地方税务局",
    "人民银行连云港中心支行",
    "工商银行连云港分行",
    "农业银行连云港分行",
    "中国银行连云港分行",
    "建设银行连云港分行",
    "连云港供电公司",
    "连云港电信分公司",
    "连云港移动分公司",
    "连云港邮政局",
    "市烟草专卖局",
    "市气象局",
    "连云港港务局",
    "市石油分公司",
]
COUNTY_INDICATORS = [
    "地区生产总值",
    "全社会固定资产投资",
    "财政总收入",
    "地方一般预算收入",
    "工业增加值",
    "规模以上工业产值",
    "实际利用外资",
    "外贸出口",
    "社会消费品零售总额",
    "农民人均纯收入",
    "城镇居民人均可支配收入",
    "技改投入",
    "民营经济注册资本",
    "新增私营企业",
    "粮食总产量",
    "农业产业化龙头企业",
    "高效农业面积",
    "城镇化率",
    "新增就业岗位",
    "再就业人数",
    "养老保险扩面",
    "医疗保险扩面",
    "招商引资到位资金",
    "旅游总收入",
    "万元GDP能耗",
    "安全生产事故死亡人数",
    "人口自然增长率",
    "森林覆盖率",
]
REVERSE = {"万元GDP能耗", "安全生产事故死亡人数", "人口自然增长率"}
# levels, not amounts to date: a progress check does not pro-rate their targets
LEVEL = {"城镇化率", "万元GDP能耗", "人口自然增长率", "森林覆盖率"}
ROUTINE = ["年度工作计划", "目标分解落实", "季度进度报告", "半年工作总结", "年终自查", "督查事项办结"]
OTHER = {
    "人民满意度": ["人大", "政协"],
    "领导班子建设": ["组织部"],
    "精神文明建设": ["宣传部"],
    "党风廉政建设": ["纪委"],
    "全面工作评价": ["分管领导"],
    "日常工作": ["目标办"],
}


def d(value: float | int | str, places: int = 2) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))


def quant_item(rng: random.Random, name: str, completed: bool) -> dict[str, Any]:
    target = d(rng.uniform(5, 500))
    reverse = name in REVERSE
    if completed:
        ratio = rng.uniform(1.0, 1.25)
    else:
        ratio = rng.uniform(0.55, 0.98)
    if reverse:
        actual = d(float(target) / ratio)
        if actual <= target or not completed:
            actual = min(actual, target) if completed else max(actual, target + d("0.01"))
    else:
        actual = d(float(target) * ratio)
        actual = max(actual, target) if completed else min(actual, target - d("0.01"))
    item: dict[str, Any] = {"name": name, "target": target, "actual": actual}
    if reverse:
        item["reverse"] = True
    if name in LEVEL:
        item["level"] = True
    return item


def ratings(rng: random.Random) -> dict[str, dict[str, Decimal]]:
    return {measure: {a: d(rng.uniform(78, 98), 1) for a in assessors} for measure, assessors in OTHER.items()}


def spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` whole shares as evenly as possible, in shuffled order."""
    base, extra = divmod(total, parts)
    shares = [base + 1] * extra + [base] * (parts - extra)
    rng.shuffle(shares)
    return shares


def misses(count: int, slots: int, rng: random.Random) -> set[int]:
    return set(rng.sample(range(slots), count))


def counties(rng: random.Random, year: int) -> list[dict[str, Any]]:
    units = []
    quant_completed = spread(206, 9, rng) if year == 2002 else spread(214, 9, rng)
    key_items = spread(66, 9, rng)
    subs_total = 119
    # sub-item counts: every item has at least one; the remainder spread over items
    all_items = sum(key_items)
    sub_counts = [1] * all_items
    for index in rng.sample(range(all_items), subs_total - all_items):
        sub_counts[index] += 1
    unfinished = misses(3, all_items, rng) if year == 2002 else misses(5, all_items, rng)
    cursor = 0
    for number, name in enumerate(COUNTIES, start=1):
        done_set = misses(28 - quant_completed[number - 1], 28, rng)
        quant = [quant_item(rng, indicator, i not in done_set) for i, indicator in enumerate(COUNTY_INDICATORS)]
        key = []
        for index in range(key_items[number - 1]):
            subs = sub_counts[cursor]
            key.append(
                {"name": f"{name}重点工程{index + 1}", "subs": subs, "done": subs - (1 if cursor in unfinished else 0)}
            )
            cursor += 1
        indicators: dict[str, Any] = {"重点项目": key, "定量任务": quant, **ratings(rng)}
        units.append({"id": f"C{number:02d}", "name": name, "class": "县区", "indicators": indicators})
    return units


def bodies(
    rng: random.Random,
    names: list[str],
    prefix: str,
    unit_class: str,
    quant_total: int,
    quant_completed: int,
    routine_missed: int,
) -> list[dict[str, Any]]:
    count = len(names)
    quant_items = spread(quant_total, count, rng)
    slots = [(u, i) for u in range(count) for i in range(quant_items[u])]
    failed = set(rng.sample(slots, quant_total - quant_completed))
    routine_slots = [(u, i) for u in range(count) for i in range(len(ROUTINE))]
    routine_failed = set(rng.sample(routine_slots, routine_missed))
    units = []
    for u, name in enumerate(names):
        quant = [quant_item(rng, f"{name}定量指标{i + 1}", (u, i) not in failed) for i in range(quant_items[u])]
        routine = [{"name": task, "done": (u, i) not in routine_failed} for i, task in enumerate(ROUTINE)]
        indicators = {"常规任务": routine, "定量任务": quant, **ratings(rng)}
        units.append({"id": f"{prefix}{u + 1:02d}", "name": name, "class": unit_class, "indicators": indicators})
    return units


def add_awards_and_matters(rng: random.Random, units: list[dict[str, Any]], year: int) -> None:
    levels = ["国家级", "省级", "省级", "市级", "市级", "市级"]
    for unit in rng.sample(units, 20):
        awards = []
        for _ in range(rng.randint(1, 3)):
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            awards.append(
                {
                    "name": f"{unit['name']}获奖{len(awards) + 1}",
                    "level": rng.choice(levels),
                    "date": f"{year}-{month:02d}-{day:02d}",
                }
            )
        unit["bonuses"] = {"获奖加分": awards}
    # 30 important matters undertaken by 73 units
    holders = rng.sample(units, 73)
    matters: dict[str, int] = {}
    for index in range(30):
        matters[holders[index]["id"]] = matters.get(holders[index]["id"], 0) + 1
    for unit in holders[30:]:
        matters[unit["id"]] = matters.get(unit["id"], 0) + 1
    for unit in units:
        if unit["id"] in matters:
            unit["commendations"] = {"重要事项": {"matters": matters[unit["id"]]}}


def year_2002() -> dict[str, Any]:
    rng = random.Random(2002)
    units = counties(rng, 2002)
    units += bodies(rng, DEPARTMENTS, "D", "市直部门", 239, 223, 2)
    units += bodies(rng, PROVINCIAL, "P", "驻连部省属单位", 71, 65, 0)
    add_awards_and_matters(rng, units, 2002)
    return {"title": "连云港市2002年度目标考核数据（示例）", "year": 2002, "units": units}


def year_2003() -> dict[str, Any]:
    rng = random.Random(2003)
    units = counties(rng, 2003)
    units += bodies(rng, DEPARTMENTS, "D", "市直部门", 240, 229, 3)
    units += bodies(rng, PROVINCIAL, "P", "驻连部省属单位", 72, 68, 1)
    add_awards_and_matters(rng, units, 2003)
    by_id = {u["id"]: u for u in units}
    # 灌南县 failed its environmental-protection target: one-vote veto.
    by_id["C04"]["vetoes"] = {"环境保护": {"failed": True}}
    # An award presented after the cutoff: carried over to 2004.
    by_id["C02"].setdefault("bonuses", {"获奖加分": []})["获奖加分"].append(
        {"name": "全国科技进步先进县", "level": "国家级", "date": "2004-02-20"}
    )
    # A department that carries no city-level targets: no target-achievement award.
    by_id["D45"]["inputs"] = {"承担市级目标": False}
    # A key project the people's congress inspected: its score is taken as given.
    by_id["C01"]["indicators"]["重点项目"][0]["given"] = {"by": "人大", "score": Decimal("95")}
    return {"title": "连云港市2003年度目标考核数据（示例）", "year": 2003, "units": units}


def ledger_2002() -> dict[str, Any]:
    return {
        "year": 2002,
        "carry_over": [
            {
                "unit": "C05",
                "bonus": "获奖加分",
                "level": "省级",
                "name": "省文明城区（2002年度，2003年1月颁奖）",
                "date": "2003-01-28",
            },
        ],
    }


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_Dumper.add_representer(Decimal, _decimal)


def dump(document: dict[str, Any], path: Path, header: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(header + body, encoding="utf-8")


def main(root: Path = HERE) -> None:
    note = "# Generated by examples/generate.py; edit the generator, not this file.\n"
    dump(year_2002(), root / "lianyungang-2002" / "units.yaml", note)
    dump(year_2003(), root / "lianyungang-2003" / "units.yaml", note)
    dump(
        ledger_2002(),
        root / "lianyungang-2003" / "carried-in.yaml",
        note + "# Awards for 2002 work presented after the 2002 assessment, carried into 2003.\n",
    )


if __name__ == "__main__":
    main()

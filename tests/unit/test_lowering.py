"""The lowered form: every class of a policy as a graph of named quantities, its evaluation order and
the passes a partitioned evaluation needs (lowering.py)."""

import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import targetdsl
from benchmarks.workload import policy as workload
from targetdsl.diagnostics import PolicyError
from targetdsl.evaluation.lowering import Graph, Kind, Phase, Quantity, Scope, graph, lower, part
from targetdsl.source import Span
from tests.fuzz.strategies import policies
from tests.support import case_documents

ROOT = Path(__file__).resolve().parents[2]

PEERS = """policy "同类比较" { year 2003 status draft }
input 规模: number missing peer_avg
class c { k 60 j 40 }
category k {
    indicator a points 10 {
        input target: number
        input actual: number
        let rate = actual / target
        score points * efficacy(rate) / 100
    }
    indicator b points 10 {
        input x: number
        score bands rank(x) { <= 1: points, otherwise: points / 2 }
    }
}
category j {
    indicator c points 10 {
        input x: number
        score x * 规模 / 100
    }
}
grades {
    A >= 90 quota 20%
    B 60 to 90
    C otherwise
}
award 奖 {
    money { A 100 B 50 }
    eligible when rank <= 3
}
"""


def every_policy() -> list[tuple[str, targetdsl.Policy]]:
    found = [(p.name, targetdsl.load_policy(p)) for p in sorted((ROOT / "policies").glob("*.tdsl"))]
    for path, document in case_documents():
        found.append((path.name, targetdsl.parse_policy(document["policy"], name=path.name)))
    found.append(("workload", targetdsl.parse_policy(workload.text(), name="workload.tdsl")))
    found.append(("peers", targetdsl.parse_policy(PEERS, name="peers.tdsl")))
    return found


POLICIES = every_policy()


def assert_well_formed(graph_: Graph) -> None:
    """Every edge goes forward in the evaluation order, and never to a later phase."""
    position = {name: i for i, name in enumerate(graph_.order)}
    assert sorted(position) == sorted(q.name for q in graph_.quantities)
    for quantity in graph_.quantities:
        phase = graph_.phases[quantity.name]
        for dependency in quantity.dependencies:
            assert position[dependency] < position[quantity.name], (quantity.name, dependency)
            before = graph_.phases[dependency]
            assert (before.number, before.settle) <= (phase.number, phase.settle), (quantity.name, dependency)
            if before.settle and not quantity.aggregate:  # after a class-wide step: a later pass
                assert phase.number > before.number, (quantity.name, dependency)
        assert phase.settle == quantity.aggregate


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_the_order_respects_every_dependency(name: str, policy: targetdsl.Policy) -> None:
    for graph_ in lower(policy.schema).values():
        assert_well_formed(graph_)


def test_in_2003_the_total_depends_on_every_category_of_its_class_and_the_bonus() -> None:
    policy = targetdsl.load_policy(ROOT / "policies/lianyungang-2003.tdsl")
    graphs = lower(policy.schema)
    assert list(graphs) == list(policy.schema.classes)
    for name, spec in policy.schema.classes.items():
        total = graphs[name].quantity("total")
        assert total.kind is Kind.TOTAL and total.scope is Scope.UNIT
        categories = {f"category.{c.name}" for c in spec.categories}
        bonuses = {f"bonus.{r.name}" for r in spec.rules_of("bonus")}
        assert bonuses and set(total.dependencies) == categories | bonuses
        assert graphs[name].quantity("rank").dependencies[0] == "total"
        # ties: total, then the 定量指标 subtotal
        assert "category.定量指标" in graphs[name].quantity("rank").dependencies
        for veto in spec.rules_of("veto"):
            assert f"veto.{veto.name}" in graphs[name]


def test_a_policy_without_class_wide_functions_takes_one_pass_before_the_ranking() -> None:
    policy = targetdsl.load_policy(ROOT / "policies/lianyungang-2003.tdsl")
    for graph_ in lower(policy.schema).values():
        assert graph_.phases["total"] == Phase(1)
        assert graph_.phases["rank"] == Phase(1, settle=True)
        assert graph_.phases["grade"] == Phase(1, settle=True)  # quotas: a head count of the class
        assert graph_.quantity("grade").aggregate
        # money reads the grade: after the class-wide step
        assert all(graph_.phases[q.name] == Phase(2) for q in graph_.quantities if q.kind is Kind.AWARD)
        assert graph_.passes == 2


def test_a_peer_statistic_sits_between_the_passes() -> None:
    policy = targetdsl.parse_policy(PEERS, name="peers.tdsl")
    g = lower(policy.schema)["c"]
    efficacy = g.quantity("k.a.efficacy")
    assert efficacy.kind is Kind.STATISTIC and efficacy.aggregate and efficacy.detail == "efficacy(rate)"
    assert efficacy.dependencies == ("k.a.efficacy.argument",)
    assert g.quantity("k.a.efficacy.argument").dependencies == ("k.a.let.rate",)
    assert g.phases["k.a.let.rate"] == g.phases["k.a.efficacy.argument"] == Phase(1)
    assert g.phases["k.a.efficacy"] == Phase(1, settle=True)
    assert set(g.quantity("k.a.score").dependencies) == {"k.a.efficacy", "k.a.efficacy.argument"}
    assert g.phases["k.a.score"] == g.phases["total"] == Phase(2)
    assert g.phases["k.b.rank"] == Phase(1, settle=True)
    # a unit input missing as peer_avg: the measure may score the class's average of the others
    assert g.quantity("j.c.class_average").dependencies == ("j.c.scored",)
    assert set(g.quantity("j.c.score").dependencies) == {"j.c.scored", "j.c.class_average"}
    assert g.quantity("j.c.scored").dependencies == ("j.c.input.x", "input.规模")
    # the ranking is settled after the second pass, and the award reads rank and grade after it
    assert g.phases["rank"] == g.phases["grade"] == Phase(2, settle=True)
    assert set(g.quantity("award.奖").dependencies) == {"grade", "rank"}
    assert g.phases["award.奖"] == g.phases["money"] == Phase(3)
    assert g.passes == 3
    assert g.in_phase(Phase(1, settle=True))[0] == "k.a.efficacy"


def test_the_order_is_declaration_order_where_the_dependencies_allow() -> None:
    policy = targetdsl.parse_policy(PEERS, name="peers.tdsl")
    g = lower(policy.schema)["c"]
    in_pass = [name for name in g.order if g.phases[name] == Phase(1)]
    declared = [q.name for q in g.quantities if g.phases[q.name] == Phase(1)]
    assert in_pass == declared


def test_the_graph_is_built_once_and_pickles_with_the_schema() -> None:
    policy = targetdsl.load_policy(ROOT / "policies/lianyungang-2002.tdsl")
    first = lower(policy.schema)
    assert lower(policy.schema) is first
    copy = pickle.loads(pickle.dumps(policy.schema))
    assert copy.lowered == first
    for name, graph_ in copy.lowered.items():  # the index comes along: lookups work in the copy
        assert graph_.quantity("total") == first[name].quantity("total") and "rank" in graph_
    again = targetdsl.load_policy(ROOT / "policies/lianyungang-2002.tdsl")
    assert lower(again.schema) == first  # deterministic
    assert [g.order for g in lower(again.schema).values()] == [g.order for g in first.values()]


def test_a_policy_still_pickles_after_its_graph_and_kernels_are_built() -> None:
    policy = targetdsl.load_policy(ROOT / "policies/lianyungang-2003.tdsl")
    policy.plan()
    copy = pickle.loads(pickle.dumps(policy.schema))
    assert copy.compiled == {} and copy.lowered == policy.schema.lowered


def test_names_are_unique_and_every_dependency_names_a_quantity() -> None:
    for _, policy in POLICIES:
        for g in lower(policy.schema).values():
            names = [q.name for q in g.quantities]
            assert len(names) == len(set(names))
            assert all(d in g for q in g.quantities for d in q.dependencies)


# Names the language allows that are also the words quantities are named with.
KEYWORD_NAMES = """policy "p" { year 2003 status draft }
input 规模: number missing default 1
class c { veto 50 input 50 }
category veto {
    indicator n points 10 {
        input x: bool
        let score = 1
        score if x then points * score else 0
    }
    indicator m points 2 {
        input score: number
        subitem input points 1 { input score: number score points * min(score, 1) completed when score >= 1 }
        subitem let points 1 { input x: number score points * min(x, 1) }
    }
}
category input {
    indicator rank points 10 {
        input x: number
        score points * efficacy(x) / 100 + 0 * rank(x) + 0 * rank(x)
    }
}
veto n {
    input x: bool
    let score = x
    when score
    effect zero score
}
"""


def test_names_the_language_allows_never_make_two_quantities_one() -> None:
    policy = targetdsl.parse_policy(KEYWORD_NAMES, name="p.tdsl")
    g = lower(policy.schema)["c"]
    assert_well_formed(g)
    assert {"`veto`.n.input.x", "veto.n.input.x", "`veto`.n.let.score", "veto.n.let.score"} <= set(g.order)
    assert {"`veto`.m.input.score", "`veto`.m.`input`.score", "`veto`.m.`input`.input.score"} <= set(g.order)
    assert {"`veto`.m.`let`.score", "`input`.rank.efficacy", "`input`.rank.rank", "`input`.rank.rank#2"} <= set(g.order)
    assert g.quantity("`input`.rank.rank#2.argument").dependencies == ("`input`.rank.input.x",)
    assert g.quantity("`veto`.n.score").dependencies == ("`veto`.n.input.x", "`veto`.n.let.score")


SPAN = Span("hand.tdsl", 3, 5, 3, 9)


def test_a_hand_built_cycle_is_reported() -> None:
    quantities = [
        Quantity("a", Kind.LET, ("c",), SPAN),
        Quantity("b", Kind.LET, ("a",), Span("hand.tdsl", 4, 5, 4, 9)),
        Quantity("c", Kind.LET, ("b",), Span("hand.tdsl", 5, 5, 5, 9)),
        Quantity("d", Kind.SCORE, ("c",), Span("hand.tdsl", 6, 5, 6, 9)),
    ]
    with pytest.raises(PolicyError) as caught:
        graph(quantities, "c")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "check.quantity-cycle"
    assert diagnostic.span == SPAN
    assert "a → c → b → a" in diagnostic.message


def test_a_quantity_that_reads_itself_is_a_cycle() -> None:
    with pytest.raises(PolicyError) as caught:
        graph([Quantity("x", Kind.LET, ("x",), SPAN)], "c")
    assert "x → x" in caught.value.diagnostics[0].message


def test_a_dependency_on_nothing_or_a_name_twice_is_a_defect() -> None:
    with pytest.raises(ValueError, match="not a quantity"):
        graph([Quantity("x", Kind.LET, ("y",), SPAN)], "c")
    with pytest.raises(ValueError, match="two quantities"):
        graph([Quantity("x", Kind.LET, (), SPAN), Quantity("x", Kind.LET, (), SPAN)], "c")


def test_an_aggregate_without_dependencies_is_settled_after_the_first_pass() -> None:
    made = graph(
        [Quantity("count", Kind.STATISTIC, (), SPAN, Scope.CLASS), Quantity("s", Kind.SCORE, ("count",), SPAN)], "c"
    )
    assert made.phases == {"count": Phase(1, settle=True), "s": Phase(2)}
    assert made.order == ("count", "s")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_generated_policies_lower_to_well_formed_graphs(generated: tuple[str, list[object]]) -> None:
    text, _ = generated
    policy = targetdsl.parse_policy(text, name="generated.tdsl")
    for g in lower(policy.schema).values():
        assert_well_formed(g)
        measures = [m.name for m in policy.schema.classes[g.unit_class].measures()]
        category_of = {m.name: m.category for m in policy.schema.classes[g.unit_class].measures()}
        for measure in measures:
            score = f"{part(category_of[measure])}.{measure}.score"
            assert score in g
            assert score in g.quantity(f"category.{category_of[measure]}").dependencies

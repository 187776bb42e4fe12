"""targetdsl on Dask: the partitioned evaluation on a real cluster of processes, held to one stream.

One cluster for this file — two worker processes of one thread each, so that every task's policy,
parts and figures are really pickled — runs every case, a generated two-class policy with quotas and
peer functions (600 units; 3,000 with -m slow), duplicate ids in different partitions and an error
in one partition through 1, 7 and 31 partitions, from records, a JSON Lines file, a CSV file and a Dask bag; and the
command line's `--engine dask` writes the bytes one process writes.
"""

import functools
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import unit_json
from targetdsl.office.tables import csv_line
from tests.support import case_documents
from tests.unit.test_partition import QUOTAS, outcome, quota_units, streamed
from tests.unit.test_stream_peers import write_files

try:
    import dask.bag as bags
    from distributed import Client, LocalCluster
except ImportError:  # pragma: no cover (CI installs the extra)
    pytest.fail("dask is not installed: pip install '.[test,dask]' installs it", pytrace=False)

import targetdsl.dask as on_dask

ROOT = Path(__file__).resolve().parent.parent
PARTS = (1, 7, 31)


# One cluster for this file, closed when it is done: its threads would otherwise run beside the
# tests that count memory and reference cycles.
@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


def on_cluster(policy: targetdsl.Policy, source: Any, client: Any, parts: int, **options: Any) -> Any:
    done = on_dask.evaluate(policy, source, client=client, partitions=parts, **options)
    return [unit_json(u) for u in done.results], done.ledger, done.completion


def assert_alike(
    policy: targetdsl.Policy, source: Any, client: Any, parts: tuple[int, ...] = PARTS, **options: Any
) -> Any:
    expected = outcome(lambda: streamed(policy, source, **options))
    for count in parts:
        got = outcome(lambda c=count: on_cluster(policy, source, client, c, **options))  # type: ignore[misc]
        assert got == expected, count
    return expected


@pytest.mark.parametrize(
    ("parts", "every"),
    [((7,), 5), pytest.param((7,), 1, marks=pytest.mark.slow), pytest.param((1, 31), 1, marks=pytest.mark.slow)],
    ids=["7-fifth", "7", "1-31"],
)
def test_every_case_evaluates_on_the_cluster_as_one_stream(client: Any, parts: tuple[int, ...], every: int) -> None:
    """Every case in parts on the cluster (every fifth one, by default): the driver's passes themselves are
    held to one stream for every case and count of parts in tests/unit/test_partition.py; here the
    cluster's runner carries them."""
    for path, document in case_documents()[::every]:
        policy = targetdsl.parse_policy(document["policy"], name=path.name)
        for run in document.get("cases") or [{}]:
            options = {
                "period": run.get("period"),
                "carried_in": document.get("carried_in"),
                "last_year": document.get("last_year"),
            }
            assert_alike(policy, document["units"], client, parts, **options)


@pytest.mark.parametrize(
    ("count", "parts"), [(300, (3,)), pytest.param(3000, PARTS, marks=pytest.mark.slow)], ids=["300", "3000"]
)
def test_units_of_two_classes_with_quotas(count: int, parts: tuple[int, ...], client: Any, tmp_path: Path) -> None:
    """Two classes ranked with quotas, from JSON Lines cut into parts (1, 7 and 31 parts with the slow
    tests; every case of tests/cases runs in 7 parts by default) and from CSV in 7."""
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(count, seed=2026)
    jsonl, table = write_files(tmp_path, units)
    results, ledger, _ = assert_alike(policy, jsonl, client, parts)
    assert {u["unit_class"] for u in results} == {"县", "区"} and ledger
    assert [u["grade"] for u in results].count("优秀") > 0
    assert_alike(policy, table, client, (7,))


def test_the_results_are_taken_from_the_workers_a_slice_at_a_time(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process never holds every finished unit: they wait on the workers, cut into slices of the
    results in class and rank order, and one slice of every part is taken at a time (the next while this
    one is read). Giving the reading up lets the rest go."""
    monkeypatch.setattr(on_dask, "SLICE", 50)
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    jsonl, _ = write_files(tmp_path, quota_units(300, seed=11))
    expected = streamed(policy, jsonl)[0]
    done = on_dask.evaluate(policy, jsonl, client=client, partitions=3)
    results = done.results
    first = next(results)
    assert len(results.slices) == 4  # of 6: one read, the next being taken, these four still on the workers
    assert [unit_json(first), *(unit_json(u) for u in results)] == expected
    assert results.stack is None and results.next is None
    given_up = on_dask.evaluate(policy, jsonl, client=client, partitions=3).results
    next(given_up)
    given_up.close()
    assert given_up.slices == [] and list(given_up) == []


def test_a_cluster_started_for_the_call_is_closed_once_its_results_are_read(tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    jsonl, _ = write_files(tmp_path, quota_units(60, seed=12))
    done = on_dask.evaluate(policy, jsonl, partitions=2)
    stack = done.results.stack
    assert stack is not None
    assert [unit_json(u) for u in done.results] == streamed(policy, jsonl)[0]
    assert done.results.stack is None


def test_a_dask_bag_of_records_evaluates_as_one_stream(client: Any) -> None:
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(200, seed=4)
    expected = outcome(lambda: streamed(policy, units))
    for count in (1, 7):
        bag = bags.from_sequence(units, npartitions=count)
        assert outcome(lambda b=bag: on_cluster(policy, b, client, 0)) == expected  # type: ignore[misc]
    units[150]["id"] = units[10]["id"]  # in different partitions of the bag
    expected = outcome(lambda: streamed(policy, units))
    assert expected[0] == "DataError"
    assert outcome(lambda: on_cluster(policy, bags.from_sequence(units, npartitions=7), client, 0)) == expected


def test_a_folder_of_json_lines_and_csv_files_evaluates_as_one_process(client: Any, tmp_path: Path) -> None:
    """Cut file after file (the CSV file by bytes too); an id in two files is reported as one process
    reading the folder reports it."""
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(300, seed=27)
    first, _ = write_files(tmp_path, units[:100])
    folder = tmp_path / "returned"
    folder.mkdir()
    first.rename(folder / "a.jsonl")
    write_files(folder, units[100:])
    (folder / "units.jsonl").unlink()
    expected = outcome(lambda: [unit_json(u) for u in policy.evaluate(folder, explain=False).units])
    for count in (2, 7):
        done = on_dask.evaluate(policy, folder, client=client, partitions=count)
        assert [unit_json(u) for u in done.results] == expected and done.notes == ()
    units[250]["id"] = units[20]["id"]
    write_files(folder, units[100:])
    (folder / "units.jsonl").unlink()
    expected = outcome(lambda: policy.evaluate(folder, explain=False))
    assert expected[0] == "DataError" and "a.jsonl, line 21 both give" in expected[1][0]
    assert outcome(lambda: on_dask.evaluate(policy, folder, client=client, partitions=7)) == expected


def test_duplicate_ids_across_partitions_and_an_error_in_one_partition(client: Any, tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(300, seed=8)
    units[290]["id"] = units[1]["id"]
    units[150]["indicators"]["增长"]["actual"] = "many"
    jsonl, _ = write_files(tmp_path, units)
    kind, problems = assert_alike(policy, jsonl, client)
    assert kind == "DataError" and len(problems) == 2
    units = quota_units(300, seed=8)
    units[120]["indicators"]["增长"]["target"] = "0"
    jsonl, _ = write_files(tmp_path, units)
    kind, problems = assert_alike(policy, jsonl, client)
    assert kind == "EvaluationError" and len(problems) == 1


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--lang", "en", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_command_line_on_a_scheduler_writes_what_one_process_writes(
    client: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.tdsl").write_text(QUOTAS, encoding="utf-8")
    jsonl, _ = write_files(tmp_path, quota_units(500, seed=12))
    address = client.scheduler.address
    for suffix in ("csv", "jsonl"):
        one, many = tmp_path / f"one.{suffix}", tmp_path / f"many.{suffix}"
        assert run_cli(["evaluate", str(tmp_path / "p.tdsl"), str(jsonl), "-q", "-o", str(one)], capsys)[0] == 0
        command = ["evaluate", str(tmp_path / "p.tdsl"), str(jsonl), "-q", "-o", str(many)]
        code, _, err = run_cli([*command, "--engine", "dask", "--scheduler", address], capsys)
        assert (code, err) == (0, "") and many.read_bytes() == one.read_bytes()
    # the API, given the policy's path and a renderer: the lines of the file one process wrote
    render = functools.partial(csv_line, shown=targetdsl.load_policy(tmp_path / "p.tdsl").shown)
    done = on_dask.evaluate(tmp_path / "p.tdsl", jsonl, client=client, render=render)
    assert "".join(done.results) == (tmp_path / "one.csv").read_text(encoding="utf-8-sig").split("\n", 1)[1]


def test_without_dask_the_engine_is_a_usage_error_that_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "p.tdsl").write_text(QUOTAS, encoding="utf-8")
    jsonl, _ = write_files(tmp_path, quota_units(5))
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed → ImportError
    code, out, err = run_cli(
        ["evaluate", str(tmp_path / "p.tdsl"), str(jsonl), "--engine", "dask", "-o", "x.csv"], capsys
    )
    assert code == 2 and out == "" and "pip install 'targetdsl[dask]'" in err
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    with pytest.raises(on_dask.MissingExtraError, match=r"targetdsl\[dask\]"):
        on_dask.evaluate(policy, jsonl)


def test_rules_that_compare_units_before_and_after_the_ranking_evaluate_as_one_stream(client: Any) -> None:
    """A computed bonus ranking a measure's score, and award money as a share of the best total: the
    second needs the class ranked first, gathered on the workers in a pass of its own."""
    from tests.unit.test_lang_together import SHARE_OF_BEST, TOP_THREE, unit

    units = [unit(f"U{i:02}", str(8 + i % 5), str(80 + (i * 7) % 25)) for i in range(13)]
    for text in (TOP_THREE, SHARE_OF_BEST):
        assert_alike(targetdsl.parse_policy(text, name="p.tdsl"), units, client)


def test_a_list_is_shared_as_one_value_not_a_task_per_element(client: Any) -> None:
    """A part's places are one per unit: scattered element by element, each would be a task the
    scheduler keeps (in the driver's process, for a cluster of this machine). Only the keys it adds are
    counted: those of the tests before it may still be on their way out."""
    before = set(client.who_has())
    shared = on_dask.DaskRunner(client).share(list(range(1000)))
    assert shared.result() == list(range(1000))
    assert len(set(client.who_has()) - before) < 100


def test_a_collection_is_a_bag_computed_later_in_class_and_rank_order(client: Any, tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    (tmp_path / "p.tdsl").write_text(QUOTAS, encoding="utf-8")
    jsonl, _ = write_files(tmp_path, quota_units(200, seed=21))
    expected = streamed(policy, jsonl)
    for count in (1, 7):
        done = on_dask.evaluate(policy, jsonl, client=client, partitions=count, collection=True)
        assert isinstance(done.results, bags.Bag) and done.results.npartitions == count
        assert ([unit_json(u) for u in done.results.compute()], done.ledger, done.completion) == expected
    # written by the workers, a file per partition: together, the lines one process writes
    one = tmp_path / "one.csv"
    assert main(["evaluate", str(tmp_path / "p.tdsl"), str(jsonl), "-q", "--no-bom", "-o", str(one)]) == 0
    render = functools.partial(csv_line, shown=policy.shown)  # the figures as `evaluate` writes them
    done = on_dask.evaluate(policy, jsonl, client=client, partitions=3, collection=True, render=render)
    done.results.map(lambda line: line[:-1]).to_textfiles(str(tmp_path / "parts" / "*.csv"), last_endline=True)
    written = "".join((tmp_path / "parts" / f"{i}.csv").read_text(encoding="utf-8") for i in range(3))
    assert written == one.read_text(encoding="utf-8").split("\n", 1)[1]
    with pytest.raises(ValueError, match="client"):
        on_dask.evaluate(policy, jsonl, collection=True)


def test_computing_a_collection_raises_what_finishing_meets_as_one_stream(client: Any) -> None:
    """Money as a share of the best total, every total 0: each unit's award divides by zero, found only
    in the last pass, which a bag runs when it is computed."""
    from tests.unit.test_lang_together import SHARE_OF_BEST, unit

    policy = targetdsl.parse_policy(SHARE_OF_BEST, name="share.tdsl")
    units = [unit(f"U{i:03}", "0", "0") for i in range(1200)]  # finished in three batches
    expected = outcome(lambda: streamed(policy, units))
    assert expected[0] == "EvaluationError"
    done = on_dask.evaluate(policy, units, client=client, partitions=5, collection=True)
    assert outcome(lambda: (done.results.compute(), (), ())) == expected


def ranked_on(client: Any, jsonl: Path, parts: int) -> tuple[Any, Any]:
    """The passes before the last, run as `evaluate` runs them, with the parts spooled on the workers."""
    from targetdsl.scaling.parcels import Job
    from targetdsl.scaling.partition import rank

    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    cut, name, _ = policy._cut(jsonl, parts, period=None, carried_in=None)
    runner = on_dask.DaskRunner(client, spooled=True)
    job = Job(name, None, (), "<ledger>")
    return runner, rank(policy.parcel(), policy.schema, job, cut.chunks, runner, before=cut.before)


def spools(dask_worker: Any) -> list[str]:
    """The spool files in a worker's local directory."""
    return sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(dask_worker.local_directory)
        if "targetdsl-parts-" in folder
        for name in names
    )


def test_parts_wait_between_passes_in_files_on_the_worker_that_read_them(client: Any, tmp_path: Path) -> None:
    """A part's units are spooled to a file in its worker's local directory, not kept in its memory, and
    every later task of the part runs on that worker; the files are removed once the results are in."""
    from targetdsl.scaling.partition import finish

    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    jsonl, _ = write_files(tmp_path, quota_units(600, seed=5))
    runner, ranked = ranked_on(client, jsonl, 5)
    held = client.gather(client.map(lambda part: (part.spool, len(part.mark)), ranked.parts, pure=False))
    files = client.run(spools)
    assert all(isinstance(spool, str) and mark == 16 for spool, mark in held)
    assert sorted(spool for spool, _ in held) == sorted(f for found in files.values() for f in found)
    homes = client.who_has(ranked.parts)
    for part, (spool, _) in zip(ranked.parts, held, strict=True):
        (home,) = homes[part.key]
        assert spool in files[home]  # on the worker that holds the part: its tasks are bound there
    done = finish(ranked, runner)
    assert ([unit_json(u) for u in done.results], done.ledger, done.completion) == streamed(policy, jsonl)
    runner.close()
    assert not any(client.run(spools).values())
    on_dask.evaluate(policy, jsonl, client=client, partitions=3)
    assert not any(client.run(spools).values())  # evaluate removes them itself


def test_a_spool_file_gone_or_changed_between_passes_stops_the_evaluation(client: Any, tmp_path: Path) -> None:
    from targetdsl.scaling.parcels import LostPartError
    from targetdsl.scaling.partition import finish

    jsonl, _ = write_files(tmp_path, quota_units(300, seed=6))
    runner, ranked = ranked_on(client, jsonl, 3)
    first = client.run(spools)

    def overwrite(dask_worker: Any) -> None:
        for spool in spools(dask_worker):
            with open(spool, "r+b") as handle:
                handle.write(b"\0" * 16)

    client.run(overwrite)
    with pytest.raises(LostPartError, match=r"part \d's units are no longer where .* was changed; evaluate again"):
        finish(ranked, runner)
    runner.close()
    assert any(first.values()) and not any(client.run(spools).values())
    with pytest.raises(LostPartError, match=r"part \d's units are no longer where .* is gone; evaluate again"):
        finish(ranked, runner)


def test_a_worker_lost_between_passes_stops_the_evaluation_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tasks of a part are bound to the worker that holds its spool file: when it leaves, they could
    never run, and the wait for them says so instead of waiting for ever (or finishing without them)."""
    from targetdsl.scaling.parcels import LostPartError
    from targetdsl.scaling.partition import finish

    monkeypatch.setattr(on_dask, "WATCH_SECONDS", 0.2)
    jsonl, _ = write_files(tmp_path, quota_units(300, seed=7))
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL
        ) as cluster,
        Client(cluster) as own,
    ):
        runner, ranked = ranked_on(own, jsonl, 4)
        (home,) = own.who_has(ranked.parts[0])[ranked.parts[0].key]
        os.kill(own.run(os.getpid, workers=[home])[home], signal.SIGKILL)  # as a machine lost
        while home in own.scheduler_info()["workers"]:
            time.sleep(0.1)
        with pytest.raises(LostPartError, match=r"the worker that holds part \d's units \(tcp://.*\) left the cluster"):
            finish(ranked, runner)
        runner.close()


def test_a_task_bound_to_a_worker_no_longer_there_is_not_waited_for_for_ever(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from targetdsl.scaling.parcels import LostPartError

    monkeypatch.setattr(on_dask, "WATCH_SECONDS", 0.2)
    runner = on_dask.DaskRunner(client, spooled=True)
    gone = "tcp://127.0.0.1:9"  # no worker of the cluster
    future = client.submit(len, [1, 2], workers=[gone], allow_other_workers=False, pure=False)
    runner.bound[future.key] = (gone, 4)
    with pytest.raises(LostPartError, match=r"part 4's units \(tcp://127.0.0.1:9\) left the cluster"):
        runner.gather([future])
    client.cancel(future)

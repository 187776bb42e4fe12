"""targetdsl on a Dask cluster: the partitioned evaluation (`partition.py`) with Dask running its tasks.

Optional: it needs the `dask` extra (`pip install 'targetdsl[dask]'`: dask's bags and distributed).
Nothing here decides a number: every task is one of partition.py's, given the policy as a `Parcel`
(scattered to every worker once) and the parts as futures, so that a part's units stay on the worker
that read them and only summaries come back. Exact decimals travel as they are (pickled), never through
a dataframe's fixed-scale decimal type.

`evaluate(policy, source, …)` reads one JSON Lines or CSV file — a path, or a URL any fsspec file system
opens (JSON Lines is cut into byte ranges that each worker reads itself; CSV is read here, since a
quoted field may hold a line break, and sent in runs of records) — or a Dask bag of unit mappings,
and gives `Policy.stream`'s results, in its order, byte for byte: taken from the workers a slice of the
results at a time as they are read (this process never holds them all), or,
asked for a collection, as a Dask bag computed later where the parts are (its partitions, each a
slice of the results in class and rank order, merged on the workers from every part's finished units).
"""

from __future__ import annotations

import bisect
import concurrent.futures
import contextlib
import heapq
import importlib
import logging
import operator
import os
import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import attrs

from targetdsl.api import LedgerSource, Policy, _ledger_name, load_policy
from targetdsl.evaluation.engine import PeriodError, period_months
from targetdsl.evaluation.interpreter import EvaluationError
from targetdsl.scaling.cutting import Cut, Records
from targetdsl.scaling.parcels import Finished, Job, LostPartError, Summary, summary
from targetdsl.scaling.partition import Outcome, Ranked, Render, finish_part, rank, refuse_finishing
from targetdsl.units.lastyear import LastYearSource
from targetdsl.values import DataError, DataProblem

EXTRA = "pip install 'targetdsl[dask]'"


class MissingExtraError(ImportError):
    """Dask is not installed: the `dask` extra is needed."""


def missing_extra() -> MissingExtraError | None:
    """Why the Dask engine cannot run here, or None when it can."""
    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        return MissingExtraError(f"--engine dask needs Dask, which is not installed ({exc.name}): {EXTRA}")
    return None


class DaskRunner:
    """A `partition.Runner` on a `distributed.Client`.

    `spooled`: each part's units wait between passes in a spool file in the local directory of the
    worker that read them (a folder of this evaluation's there, removed by `close`), not in its memory;
    every later task of the part is then bound to that worker (`workers=`, no other allowed: neither
    the scheduler nor work stealing moves it), and its places are sent there alone. Should that worker
    leave the cluster, the tasks bound to it could never run: the wait for them notices and raises
    `LostPartError` (a part's spool checks its file too: gone or changed, it raises the same)."""

    same_machine = False  # its workers' files may be on other machines: the finished units wait there (`_finished`)

    def __init__(self, client: Any, *, spooled: bool = False):
        self.client = client
        self.folder = f"targetdsl-parts-{uuid.uuid4().hex}" if spooled else None
        self.homes: dict[str, str] = {}  # a part's key: the worker that holds it and its spool file
        self.numbers: dict[str, int] = {}  # a part's key: its number
        self.bound: dict[str, tuple[str, int]] = {}  # a task's key: the worker it is bound to, its part's number

    def map(self, task: Any, *arguments: Any) -> list[Any]:
        if self.folder is None:
            return list(self.client.map(task, *arguments, pure=False))
        futures = []
        for given in zip(*arguments, strict=True):
            part = next((a for a in given if getattr(a, "key", None) in self.homes), None)
            key = f"{task.__name__}-{uuid.uuid4().hex}"
            if part is None:
                futures.append(self.client.submit(_spooling, self.folder, task, *given, key=key, pure=False))
                continue
            home = self.homes[part.key]
            futures.append(
                self.client.submit(
                    _spooling, self.folder, task, *given, key=key, workers=[home], allow_other_workers=False
                )
            )
            self.bound[key] = (home, self.numbers.get(part.key, -1))
        return futures

    def summaries(self, parts: list[Any]) -> list[Summary]:
        if self.folder is not None:  # where each part is: its spool file is there
            self._wait(parts)
            holders = self.client.who_has(parts)
            for part in parts:
                if holders.get(part.key):  # none for a part whose task failed: gathering raises its error
                    self.homes[part.key] = sorted(holders[part.key])[0]
        found: list[Summary] = self.gather(self.map(summary, parts))
        for part, read in zip(parts, found, strict=True):
            self.numbers[part.key] = read.number
        return found

    def gather(self, handles: list[Any]) -> list[Any]:
        self._wait(handles)
        return list(self.client.gather(handles))

    def share(self, value: Any, beside: Any = None) -> Any:
        key = getattr(beside, "key", None) or ""
        home = self.homes.get(key)
        if home is not None:  # to the worker of the part it is for, alone
            if home not in workers_of(self.client):
                raise self._lost(home, self.numbers.get(key, -1))
            return self.client.scatter([value], workers=[home], hash=False)[0]
        # Scattered inside a list of one: a list scattered as it is becomes a future per element, and
        # a part's places are one per unit (each a task the scheduler, in this process, would keep).
        return self.client.scatter([value], broadcast=True, hash=False)[0]

    def close(self) -> None:
        """Every part's spool file removed from the workers."""
        if self.folder is not None:
            self.client.run(_remove_spools, self.folder, on_error="return")

    def _wait(self, futures: list[Any]) -> None:
        """Until every future is done; raises LostPartError as soon as a task's worker has left."""
        wait: Any = importlib.import_module("distributed").wait
        while True:
            try:
                wait(futures, timeout=WATCH_SECONDS)
                return
            except TimeoutError:
                pass
            present = workers_of(self.client)
            for future in futures:
                bound = self.bound.get(future.key)
                if bound is not None and not future.done() and bound[0] not in present:
                    raise self._lost(*bound)

    @staticmethod
    def _lost(home: str, number: int) -> LostPartError:
        return LostPartError(
            f"the worker that holds part {number}'s units ({home}) left the cluster before the evaluation was "
            "done; evaluate again"
        )


def workers_of(client: Any) -> set[str]:
    """The addresses of the cluster's workers, asked of the scheduler now. (Not `Client.scheduler_info()`:
    what it returns is what the client last heard, which its own periodic update, asking for no workers,
    may have replaced a moment before.)"""
    identity: dict[str, Any] = client.sync(client.scheduler.identity, n_workers=-1)
    return set(identity.get("workers", {}))


WATCH_SECONDS = 2.0  # how often a wait looks whether the workers its tasks are bound to are still there


def _spooling(folder: str, task: Any, *given: Any) -> Any:
    """`task` on a worker, its part's spool in `folder` of the worker's local directory."""
    worker: Any = importlib.import_module("distributed").get_worker()
    where = os.path.join(worker.local_directory, folder)
    os.makedirs(where, exist_ok=True)
    return task(*(attrs.evolve(a, spool_dir=where) if isinstance(a, Job) else a for a in given))


def _remove_spools(folder: str, dask_worker: Any = None) -> None:
    if dask_worker is not None:
        shutil.rmtree(os.path.join(dask_worker.local_directory, folder), ignore_errors=True)


def evaluate(
    policy: Policy | str | os.PathLike[str],
    source: str | os.PathLike[str] | Any,
    *,
    client: Any = None,
    partitions: int | None = None,
    period: str | None = None,
    carried_in: LedgerSource | None = None,
    render: Render | None = None,
    collection: bool = False,
    last_year: LastYearSource | None = None,
) -> Outcome:
    """Evaluate `source` on a Dask cluster: `client` (a `distributed.Client`), else a cluster started on
    this machine for the call. `policy`: a Policy, or the path of a policy file. `partitions`: how many
    parts a file is cut into (default: two per worker); a bag keeps its own. The result's `results` are
    `Policy.stream`'s UnitResults in its order (or what `render` makes of each, where it is finished);
    with `collection`, they are a `dask.bag.Bag` of them, in the same order, not yet computed (the last
    pass runs when it is; `client` is then required, and must outlive the bag). The results are taken
    from the workers as they are read: read them while `client` is open (`results.close()` lets go of
    those not read); a cluster started for the call is closed once they have been read or given up.
    `last_year`: last year's results, as `Policy.evaluate` takes them.
    Raises DataError or EvaluationError exactly as `Policy.stream` does (a bag's computation raises the
    EvaluationError finishing meets), and MissingExtraError without Dask."""
    missing = missing_extra()
    if missing is not None:
        raise missing
    if collection and client is None:
        raise ValueError("a collection is computed after the call, on a cluster that outlives it: give `client`")
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    return _held(
        _client(client, None, None),
        lambda connected: _evaluate(
            policy, source, connected, partitions, period, carried_in, render, collection, last_year
        ),
    )


def evaluate_file(
    policy: Policy,
    path: str | list[str],
    *,
    scheduler: str | None,
    workers: int,
    period: str | None,
    carried_in: LedgerSource | None,
    render: Render | None,
    last_year: LastYearSource | None = None,
) -> Outcome:
    """The command line's `--engine dask`: a scheduler's address, or a cluster of `workers` here."""
    return _held(
        _client(None, scheduler, workers),
        lambda connected: _evaluate(policy, path, connected, None, period, carried_in, render, False, last_year),
    )


def _held(client: contextlib.AbstractContextManager[Any], evaluation: Any) -> Outcome:
    """`evaluation` run with the client `client` gives; the client (and the cluster started for it) kept
    until its results have been read, given up, or let go: they are taken from the workers as they are
    read."""
    stack = contextlib.ExitStack()
    try:
        outcome: Outcome = evaluation(stack.enter_context(client))
    except BaseException:
        stack.close()
        raise
    if not isinstance(outcome.results, _Pulled):  # a collection: the caller's client outlives it
        stack.close()
        return outcome
    outcome.results.stack = stack
    return outcome


def connected(scheduler: str | None, workers: int) -> contextlib.AbstractContextManager[Any]:
    """A client of the scheduler at `scheduler`, else of a cluster of `workers` processes started here."""
    return _client(None, scheduler, workers)


@contextlib.contextmanager
def _client(client: Any, scheduler: str | None, workers: int | None) -> Iterator[Any]:
    if client is not None:
        yield client
        return
    import importlib

    distributed: Any = importlib.import_module("distributed")  # untyped: an optional dependency
    Client, LocalCluster = distributed.Client, distributed.LocalCluster

    if scheduler is not None:
        with Client(scheduler) as connected:
            yield connected
        return
    count = workers if workers is not None and workers > 1 else (os.cpu_count() or 1)
    with (
        LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


def _evaluate(
    policy: Policy,
    source: Any,
    client: Any,
    partitions: int | None,
    period: str | None,
    carried_in: LedgerSource | None,
    render: Render | None,
    collection: bool,
    last_year: LastYearSource | None = None,
) -> Outcome:
    ledger = policy._carried_in(carried_in)
    previous = policy._last_year(last_year)
    workers = max(1, len(workers_of(client)))
    parts = partitions if partitions is not None else 2 * workers
    from dask.bag import Bag

    # A collection is computed after the call, maybe more than once: its parts stay in the workers' memory,
    # for as long as it does (a spool file would have no one to remove it).
    runner = DaskRunner(client, spooled=not collection)
    if isinstance(source, Bag):  # a Dask bag of unit mappings: its partitions are the parts, counted where they are
        bag: Any = source
        persisted = bag.persist()
        futures = importlib.import_module("distributed").futures_of(persisted)
        before, first = [], 0
        for count in client.gather(client.map(len, futures, pure=False)):
            before.append(first)
            first += count
        cut, files = Cut(list(client.map(Records, futures, pure=False)), before), None
        try:
            period_months(policy.schema, period)
        except PeriodError as exc:
            raise DataError([DataProblem("<period>", None, None, str(exc))]) from None
        name = "<data>"
    else:  # a file, several, a folder, or records in memory
        cut, name, files = policy._cut(source, parts, period=period, carried_in=carried_in, last_year=last_year)
    rows_only = render is not None and getattr(render, "rows", False)  # a part then spools only what it reads back
    job = Job(name, period, tuple(ledger), _ledger_name(carried_in), last_year=previous, rows_only=rows_only)
    try:
        ranked = rank(policy.parcel(), policy.schema, job, cut.chunks, runner, before=cut.before)
        if collection:
            outcome = ranked.outcome(_bag(runner, ranked, render))
        else:
            outcome = ranked.outcome(_finished(runner, ranked, render))
    except (DataError, EvaluationError):
        if files is not None:  # reported as one process reports them, reading every file
            policy._as_one_process(files, period=period, carried_in=carried_in, last_year=last_year)
        raise
    finally:
        runner.close()  # every result gathered (or the evaluation stopped): the spool files are done with
    outcome.notes = cut.notes
    return outcome


SLICE = 10_000  # results taken from the workers at a time, at most (from every part together)


def _cuts(ranked: Ranked, count: int) -> tuple[list[int], list[int]]:
    """Where each class starts in the results, and where each of `count` slices of them starts: a unit's
    place in the results is known from its class's size and its rank."""
    sizes = [0] * (max((max(places.orders, default=0) for places in ranked.places), default=0) + 1)
    for places in ranked.places:
        for order in places.orders:
            sizes[order] += 1
    offsets = [sum(sizes[:order]) for order in range(len(sizes))]
    return offsets, [ranked.count * i // count for i in range(count)]


class _Pulled:
    """The results of an evaluation finished on the workers, in class and rank order: every part's
    finished units wait where they were finished, cut into slices of the results, and one slice of every
    part at a time is taken from them and merged (so this process never holds more than one slice), then
    let go there. The client (`stack`) is closed once they have all been read, when the reading is given
    up (`close`), or when nothing refers to them any more. The next slice is taken while this one is read
    (one thread), so that this process does not wait for it."""

    def __init__(self, client: Any, slices: list[list[Any]]):
        self.client = client
        self.slices = slices  # by slice, the futures of each part's share of it
        self.stack: contextlib.ExitStack | None = None
        self.merged: Iterator[Any] = iter(())
        self.taking = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="targetdsl-results")
        self.next: concurrent.futures.Future[list[Any]] | None = self._take()

    def _take(self) -> concurrent.futures.Future[list[Any]] | None:
        if not self.slices:
            return None
        return self.taking.submit(self.client.gather, self.slices.pop(0))  # the futures let go once taken

    def __iter__(self) -> _Pulled:
        return self

    def __next__(self) -> Any:
        while True:
            found = next(self.merged, _END)
            if found is not _END:
                return found
            if self.next is None:
                self.close()
                raise StopIteration
            pieces = self.next.result()
            self.next = self._take()
            self.merged = (result for _, _, result in heapq.merge(*pieces, key=lambda entry: (entry[0], entry[1])))

    def close(self) -> None:
        self.slices = []
        self.merged = iter(())
        taken, self.next = self.next, None
        if taken is not None:
            taken.cancel()
        self.taking.shutdown(wait=True)
        stack, self.stack = self.stack, None
        if stack is not None:
            stack.close()

    def __del__(self) -> None:
        if hasattr(self, "next"):  # made whole
            self.close()


_END = object()


def _finished(runner: DaskRunner, ranked: Ranked, render: Render | None) -> _Pulled:
    """The last pass: every part finished where it is and cut into slices of the results, waited for (the
    problems finishing met raised as a stream raises them), the slices left on the workers to be read."""
    client = runner.client
    parts = len(ranked.parts)
    offsets, starts = _cuts(ranked, max(parts, -(-ranked.count // SLICE)))
    shared = runner.share(ranked.settled)
    finished = runner.map(
        finish_part,
        [ranked.shipped] * parts,
        [ranked.job] * parts,
        ranked.parts,
        [shared] * parts,
        [runner.share(entries, part) for entries, part in zip(ranked.places, ranked.parts, strict=True)],
        [render] * parts,
        [ranked.categories] * parts,
    )
    runner._wait(finished)  # each bound to its part's worker: one that left the cluster is noticed here
    refuse_finishing(runner.gather([client.submit(_failures, f, pure=False) for f in finished]))
    cut = [client.submit(_slices, f, offsets, starts, pure=False) for f in finished]
    slices = [[client.submit(operator.getitem, c, i, pure=False) for c in cut] for i in range(len(starts))]
    runner._wait([s for sliced in slices for s in sliced])  # every slice made: the parts' whole results let go
    del finished, cut
    return _Pulled(client, slices)


def _bag(runner: DaskRunner, ranked: Ranked, render: Render | None) -> Any:
    """The last pass as a Dask bag, not computed: each part finished where it is, and cut into slices of
    the results in class and rank order; a partition of the bag merges one slice of every part. Every
    partition first waits for the problems of every part's finishing, so that computing any of it raises
    what a stream raises."""
    delayed: Any = importlib.import_module("dask").delayed  # untyped: an optional dependency
    bags: Any = importlib.import_module("dask.bag")
    count = len(ranked.parts)
    offsets, starts = _cuts(ranked, count)
    settled = runner.share(ranked.settled)
    finished = [
        delayed(finish_part)(ranked.shipped, ranked.job, part, settled, runner.share(places), render, ranked.categories)
        for part, places in zip(ranked.parts, ranked.places, strict=True)
    ]
    checked = delayed(refuse_finishing)([delayed(_failures)(f) for f in finished])
    sliced = [delayed(_slices, nout=count)(f, offsets, starts) for f in finished]
    return bags.from_delayed([delayed(_merged)(checked, [s[i] for s in sliced]) for i in range(count)])


def _failures(finished: Finished) -> list[Any]:
    return finished.failures


def _slices(finished: Finished, offsets: list[int], starts: list[int]) -> tuple[list[Any], ...]:
    """A part's finished units cut where each slice of the results starts (by place in the results)."""
    cut: list[list[Any]] = [[] for _ in starts]
    for entry in finished.results:
        place = offsets[entry[0]] + entry[1] - 1  # the class's offset and the unit's seat in its class
        cut[bisect.bisect_right(starts, place) - 1].append(entry)
    return tuple(cut)


def _merged(checked: None, slices: list[list[Any]]) -> list[Any]:
    """One partition of the results: the same slice of every part, merged in class and rank order."""
    return [result for _, _, result in heapq.merge(*slices, key=lambda entry: (entry[0], entry[1]))]

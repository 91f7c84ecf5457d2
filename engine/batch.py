"""Checking many inputs: over worker processes, in input order, as they finish; and a report that keeps
running totals instead of every result, so that memory stays flat however many forms stream through.

    from formaudit.batch import check_in_processes
    for result in check_in_processes(paths, jobs=4):   # FormResult, in the order of ``paths``
        ...

Each worker process builds its own ``Auditor`` once (plugins, packs, schema validators) and checks chunks
of paths; results come back as plain data (``FormResult`` of frozen ``Finding`` values) and are yielded in
the order the paths were given, whatever order the workers finish in. At most a few chunks per worker are
in flight, so neither the paths still to check nor the results not yet written pile up.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .findings import SEVERITY_RANK, FormResult, Report

_WORKER: dict[str, Any] = {}  # the worker process's Auditor (one per process, built by _start_worker)


def _start_worker(packs: Sequence[str], reader: str | None) -> None:
    from .api import Auditor

    _WORKER["auditor"] = Auditor(packs=list(packs))
    _WORKER["reader"] = reader


def _check_chunk(paths: list[str]) -> list[FormResult]:
    auditor, reader = _WORKER["auditor"], _WORKER["reader"]
    return [auditor.check_file(Path(p), reader=reader) for p in paths]


def _context() -> Any:
    # forkserver/spawn: workers start clean (no inherited threads or state); each imports formaudit once
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def check_in_processes(paths: Iterable[str | Path], jobs: int, *, packs: Sequence[str | Path] = (),
                       reader: str | None = None, chunk: int = 8, window: int = 4) -> Iterator[FormResult]:
    """Check ``paths`` (files) in ``jobs`` worker processes; yield each ``FormResult`` in input order.

    ``chunk`` paths go to a worker at a time; at most ``window`` chunks per worker are in flight."""
    pack_refs = [str(p) for p in packs]
    it = iter(str(p) for p in paths)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_start_worker,
                             initargs=(pack_refs, reader)) as pool:
        pending: deque[Future] = deque()

        def submit() -> bool:
            batch = list(islice(it, chunk))
            if batch:
                pending.append(pool.submit(_check_chunk, batch))
            return bool(batch)

        while len(pending) < jobs * window and submit():
            pass
        while pending:
            results = pending.popleft().result()
            submit()
            yield from results


class RunningReport(Report):
    """A ``Report`` for streamed output: it keeps running totals (inputs, findings per severity, packs,
    the worst severity, input errors), not the results themselves, so its memory does not grow with the
    number of forms. ``results`` stays empty: reporters that write as forms finish (``start/add/finish``)
    get each result in ``add`` and this report in ``finish``."""

    def __init__(self, tool: dict[str, str]):
        super().__init__(tool=tool)
        self._summary = {"inputs": 0, "error": 0, "warning": 0, "info": 0, "input_errors": 0}
        self._waived = 0
        self._packs: list[dict[str, str]] = []
        self._worst = -1

    def count(self, result: FormResult) -> None:
        s = self._summary
        s["inputs"] += 1
        for k, v in result.counts().items():
            s[k] += v
        if result.errors:
            s["input_errors"] += 1
        self._waived += result.waived()
        for p in result.packs:
            if p not in self._packs:
                self._packs.append(p)
        for f in result.findings:
            if f.waiver is None:
                self._worst = max(self._worst, SEVERITY_RANK[f.severity])

    @property
    def packs(self) -> list[dict[str, str]]:  # type: ignore[override]
        return list(self._packs)

    def summary(self) -> dict[str, int]:
        out = dict(self._summary)
        if self.waivers is not None:
            out["waived"] = self._waived
        return out

    def worst(self) -> int:
        return self._worst

    def manifest(self) -> dict[str, Any]:
        out = super().manifest()
        out.pop("inputs", None)  # one line per input would grow with the batch: each result carries its sha256
        return out


__all__ = ["check_in_processes", "RunningReport", "default_jobs"]

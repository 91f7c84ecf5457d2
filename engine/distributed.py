"""Checking a batch on a Dask cluster: partitions of forms checked on the workers, findings gathered back.

Needs the optional extra: ``pip install 'formaudit[dask]'``.

    from dask.distributed import Client
    from formaudit.distributed import check_paths, check_forms

    client = Client("tcp://scheduler:8786")          # or Client(LocalCluster(n_workers=4))
    for result in check_paths(client, paths):        # FormResult, in the order of ``paths``
        ...
    results = list(check_forms(client, (("form-1", form_dict), ...)))

Each worker builds one ``Auditor`` per pack selection (plugins, packs and schema validators) and keeps it
for every partition it is given. Inputs go out in partitions of ``partition_size``; results come back as
plain data (``FormResult`` of frozen ``Finding`` values) and are yielded in input order, each partition as
soon as it and the ones before it are done. At most ``window`` partitions per worker are in flight, so a
batch of any size streams through with bounded memory on the client. Paths must be readable by the
workers (a shared or replicated file system); ``check_forms`` sends the form data itself.

The results are the same as ``formaudit check`` in one process: the same packs, the same checker.
"""

from __future__ import annotations

import threading
from collections import deque
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .findings import FormResult

_AUDITORS: dict[tuple, Any] = {}  # per worker process: pack selection → Auditor, built on first use
_LOCK = threading.Lock()


def _auditor(packs: tuple[str, ...]) -> Any:
    with _LOCK:
        auditor = _AUDITORS.get(packs)
        if auditor is None:
            from .api import Auditor

            auditor = _AUDITORS[packs] = Auditor(packs=list(packs))
        return auditor


def check_path_partition(paths: Sequence[str], packs: tuple[str, ...] = (), reader: str | None = None) -> list[FormResult]:
    """Run on a worker: check files. Public so that it can be used with ``dask.bag`` or ``client.map``."""
    auditor = _auditor(packs)
    return [auditor.check_file(Path(p), reader=reader) for p in paths]


def check_form_partition(forms: Sequence[tuple[str, Mapping[str, Any]]], packs: tuple[str, ...] = ()) -> list[FormResult]:
    """Run on a worker: check forms given as (name, data)."""
    auditor = _auditor(packs)
    return [auditor.check_form(form, input_name=name) for name, form in forms]


def _require_client(client: Any) -> Any:
    try:
        import distributed  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the extra is not installed
        raise ImportError("formaudit.distributed needs Dask: pip install 'formaudit[dask]'") from exc
    return client


def _run(client: Any, fn: Any, items: Iterable[Any], partition_size: int, window: int,
         **kwargs: Any) -> Iterator[FormResult]:
    _require_client(client)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    it = iter(items)
    pending: deque = deque()

    def submit() -> bool:
        part = list(islice(it, partition_size))
        if part:
            # pure=False: two equal partitions are still two pieces of work with their own results
            pending.append(client.submit(fn, part, pure=False, **kwargs))
        return bool(part)

    while len(pending) < workers * window and submit():
        pass
    while pending:
        future = pending.popleft()
        results = future.result()
        future.release()
        submit()
        yield from results


def check_paths(client: Any, paths: Iterable[str | Path], *, packs: Sequence[str | Path] = (), reader: str | None = None,
                partition_size: int = 64, window: int = 3) -> Iterator[FormResult]:
    """Check files on the cluster of ``client``; yield each ``FormResult`` in the order of ``paths``."""
    return _run(client, check_path_partition, (str(p) for p in paths), partition_size, window,
                packs=tuple(str(p) for p in packs), reader=reader)


def check_forms(client: Any, forms: Iterable[tuple[str, Mapping[str, Any]]], *, packs: Sequence[str | Path] = (),
                partition_size: int = 64, window: int = 3) -> Iterator[FormResult]:
    """Check forms given as ``(name, data)`` on the cluster; yield each ``FormResult`` in input order."""
    return _run(client, check_form_partition, forms, partition_size, window, packs=tuple(str(p) for p in packs))


__all__ = ["check_paths", "check_forms", "check_path_partition", "check_form_partition"]

"""The Python API: load packs, check forms (dicts or files), get a report.

    from formaudit import Auditor
    auditor = Auditor()
    report = auditor.check_paths(["examples/forms/liwan-duobao-2021.yaml"])
    for finding in report.results[0].findings: ...

One ``Auditor`` holds one run's plugins, packs and schema validators: each is built once and reused
for every form.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from . import __version__
from .checking import Checker
from .errors import FormauditError, InputError, PackError
from .findings import Finding, FormResult, Report, fingerprint
from .packs import Pack, PackLoader
from .reading import ReadResult
from .registry import Registry

HEAD_BYTES = 65536


class Auditor:
    def __init__(self, registry: Registry | None = None, packs: Sequence[str | Path] = ()):
        self.registry = registry or Registry.discover()
        self.loader = PackLoader(self.registry)
        self.explicit: list[Pack] = [self.loader.load(p) for p in packs]
        self._checkers: dict[str, Checker] = {}
        self._schemas: dict[str, Any] = {}
        self._packs_for: dict[str, list[Pack]] = {}  # form type → its packs, resolved once per run

    # -- packs and schemas ------------------------------------------------------------------

    def load_pack(self, ref: str | Path) -> Pack:
        return self.loader.load(ref)

    def schema(self, form_type: str) -> dict | None:
        if form_type not in self._schemas:
            path = self.registry.form_schema_file(form_type)
            self._schemas[form_type] = json.loads(path.read_text(encoding="utf-8")) if path else None
        return self._schemas[form_type]

    def _checker(self, pack: Pack) -> Checker:
        key = f"{pack.file}#{pack.sha256}"
        if key not in self._checkers:
            self._checkers[key] = Checker(pack, self.schema(pack.form_type))
        return self._checkers[key]

    def packs_for(self, form_type: str) -> list[Pack]:
        found = self._packs_for.get(form_type)
        if found is None:
            if self.explicit:
                found = [p for p in self.explicit if p.form_type == form_type]
            elif form_type in self.registry.pack_ids():
                found = [self.loader.load(form_type)]
            else:
                found = []
            self._packs_for[form_type] = found
        return list(found)

    # -- checking ---------------------------------------------------------------------------

    def check_form(self, form: Mapping[str, Any], *, input_name: str = "<form>",
                   positions: Mapping[str, tuple] | None = None, unparsed: Iterable[Any] = (),
                   sha256: str | None = None) -> FormResult:
        """Check one form given as data (parsed JSON/YAML; figures as printed strings or Decimals). The
        result's ``sha256`` is ``sha256`` when given (``check_file`` gives the file's), else that of the
        form's canonical JSON."""
        result = FormResult(input=input_name, sha256=sha256 if sha256 is not None else _digest(form))
        form_type = form.get("form_type") if isinstance(form, Mapping) else None
        if not isinstance(form_type, str) or not form_type:
            result.errors.append(f"{input_name}: no form_type: form data must say which form it is "
                                 f"(known: {', '.join(self.registry.form_types())})")
            return result
        result.form_type = form_type
        packs = self.packs_for(form_type)
        if not packs:
            given = ", ".join(p.id for p in self.explicit)
            why = f"none of the packs given ({given}) is for it" if self.explicit else "no built-in pack checks it"
            result.errors.append(f"{input_name}: unknown form type '{form_type}': {why} "
                                 f"(known: {', '.join(self.registry.form_types())})")
            return result
        for pack in packs:
            result.packs.extend(e for e in pack.manifest() if e not in result.packs)
            self._checker(pack).check(form, result, positions=positions, input_file=input_name)
        for u in unparsed:
            pointer = u.pointer or ""
            result.findings.append(Finding(
                pack=packs[0].id, rule="unparsed", severity="info",
                message=f"未能识别的文本（{u.reason}）：{u.text[:80]}", pointer=pointer,
                values={"text": u.text[:200]}, source={"file": input_name, "line": u.line} if u.line else None,
                fingerprint=fingerprint("unparsed", str(u.line), u.text[:80]), outcome="unparsed", title="unparsed"))
        result.findings.sort(key=Finding.sort_key)
        return result

    def read(self, path: str | Path, reader: str | None = None) -> ReadResult:
        """A document or form data file → form data, through the named reader or the first that accepts it."""
        path = Path(path)
        if reader:
            return self.registry.reader(reader)().read(path)
        chosen = self.reader_for(path)
        if chosen is None:
            raise InputError("no reader accepts this file (form data needs a form_type; documents need a "
                             "reader plugin)", file=str(path), code="no-reader")
        return chosen.read(path)

    def reader_for(self, path: Path) -> Any:
        try:
            with open(path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path), code="input-unreadable") from None
        names = self.registry.names("formaudit.readers")
        # form data first: it is the cheapest and most certain
        names.sort(key=lambda n: (n != "formdata", n))
        for name in names:
            reader = self.registry.reader(name)()
            if reader.accepts(path, head):
                return reader
        return None

    def check_file(self, path: str | Path, reader: str | None = None) -> FormResult:
        path = Path(path)
        name = str(path)
        try:
            read = self.read(path, reader)
        except FormauditError as exc:
            result = FormResult(input=name)
            result.errors.append(str(exc))
            return result
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest = None
        return self.check_form(read.form, input_name=name, positions=read.positions, unparsed=read.unparsed,
                               sha256=digest)

    def expand(self, paths: Iterable[str | Path], notes: list[str] | None = None) -> Iterator[Path]:
        """Files to check: named files as they are; folders walked in sorted order, keeping files some
        reader accepts (the others are listed in ``notes``)."""
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                for root, dirs, files in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for f in sorted(files):
                        if f.startswith("."):
                            continue
                        candidate = Path(root) / f
                        try:
                            accepted = self.reader_for(candidate) is not None
                        except FormauditError:
                            accepted = True  # let checking report why it cannot be read
                        if accepted:
                            yield candidate
                        elif notes is not None:
                            notes.append(f"{candidate}: skipped: no reader accepts this file")
            else:
                yield path

    def check_paths(self, paths: Iterable[str | Path], reader: str | None = None,
                    notes: list[str] | None = None) -> Report:
        report = new_report()
        for path in self.expand(paths, notes):
            self.add_result(report, self.check_file(path, reader))
        return report

    def add_result(self, report: Report, result: FormResult) -> None:
        """Append a result, and describe in the report every rule of the packs that checked it."""
        report.results.append(result)
        self.describe_rules(report, result)

    def describe_rules(self, report: Report, result: FormResult) -> None:
        """Describe in the report every rule of the packs that checked ``result`` (once per pack)."""
        for entry in result.packs:
            if entry["pack"] not in report.rules:
                pack = self.loader.load(entry["pack"]) if entry["pack"] in self.registry.pack_ids() else \
                    next((p for p in self.explicit if p.id == entry["pack"]), None)
                if pack is not None:
                    report.rules[entry["pack"]] = pack.rule_info()


def _digest(form: Any) -> str | None:
    try:
        text = json.dumps(form, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_report() -> Report:
    return Report(tool={"name": "formaudit", "version": __version__})


__all__ = ["Auditor", "PackError", "InputError", "new_report"]

"""Waivers: findings an auditor has looked at and accepted, with a reason, a name and an end date.

A waiver file is YAML::

    waivers:
      - fingerprint: 786a7a9f6e1d904a        # the finding's fingerprint (from any report)
        rule: funds.completion-rate          # optional: must be the finding's rule if given
        reason: 财政局复核确认：调整数含追加的专项资金，计算口径已在附注中说明
        who: 张三（审计科）
        until: 2027-06-30                    # the waiver holds through this day

A waived finding stays in every output, marked with its waiver; it does not count for the exit status.
A waiver that has expired (its findings count again) or that matches no finding is reported as a
report-level note, in every output and on stderr: notes never change the exit status by themselves.
A waiver file that cannot be used raises ``WaiverError`` naming file:line:col and the field.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from .errors import FormauditError
from .findings import FormResult, Report
from .yamlsource import Positions, load_yaml

_FIELDS = ("fingerprint", "rule", "reason", "who", "until")
_REQUIRED = ("fingerprint", "reason", "who", "until")
_FINGERPRINT = re.compile(r"^[0-9a-f]{8,64}$")


class WaiverError(FormauditError):
    """A waiver file that cannot be used: ``file:line:col: waiver-error: waivers[i].field: …``."""

    code = "waiver-error"


@dataclass(frozen=True)
class Waiver:
    fingerprint: str
    reason: str
    who: str
    until: datetime.date
    rule: str | None = None
    file: str | None = None
    line: int | None = None

    def expired(self, today: datetime.date) -> bool:
        return self.until < today

    def matches(self, finding: Any) -> bool:
        return finding.fingerprint == self.fingerprint and (self.rule is None or self.rule == finding.rule)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fingerprint": self.fingerprint}
        if self.rule is not None:
            out["rule"] = self.rule
        out.update(reason=self.reason, who=self.who, until=self.until.isoformat())
        if self.file is not None:
            out["file"] = self.file
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass(frozen=True)
class WaiverNote:
    """A waiver that did not do its job: ``waiver-expired`` or ``waiver-unmatched``."""

    code: str
    message: str
    waiver: Waiver
    level: str = "warning"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "level": self.level, "message": self.message, "file": self.waiver.file,
                "line": self.waiver.line, "fingerprint": self.waiver.fingerprint}

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.waiver.file, self.waiver.line) if p is not None)
        return f"{where}: {self.code}: {self.message}" if where else f"{self.code}: {self.message}"


@dataclass
class Waivers:
    """The waivers of one run. ``apply(result)`` marks the findings they cover (as each form finishes);
    ``notes()`` then says which waivers expired or matched nothing."""

    waivers: Sequence[Waiver]
    file: str | None = None
    sha256: str | None = None
    today: datetime.date = field(default_factory=datetime.date.today)
    _matched: dict[Waiver, int] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def load(cls, path: str | Path, *, today: datetime.date | None = None) -> "Waivers":
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise WaiverError(f"cannot read waiver file: {exc.strerror or exc}", file=str(path)) from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise WaiverError(f"waiver file is not UTF-8 (byte {exc.start})", file=str(path)) from None
        return cls.parse(text, file=str(path), sha256=hashlib.sha256(data).hexdigest(), today=today)

    @classmethod
    def parse(cls, text: str, *, file: str = "<waivers>", sha256: str | None = None,
              today: datetime.date | None = None) -> "Waivers":
        data, positions = load_yaml(text, file, numbers_as_text=True, error=WaiverError)
        if sha256 is None:
            sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return cls(_waivers(data, positions, file), file=file, sha256=sha256,
                   today=today or datetime.date.today())

    # -- applying ----------------------------------------------------------------------------

    def apply(self, result: FormResult) -> FormResult:
        """Mark the findings of one result that a valid waiver covers (in place; returns the result)."""
        by_fp: dict[str, list[Waiver]] = {}
        for w in self.waivers:
            by_fp.setdefault(w.fingerprint, []).append(w)
        for i, finding in enumerate(result.findings):
            if finding.waiver is not None:
                continue
            for w in by_fp.get(finding.fingerprint, ()):
                if w.matches(finding):
                    self._matched[w] = self._matched.get(w, 0) + 1
                    if not w.expired(self.today):
                        result.findings[i] = replace(finding, waiver=w.to_dict())
                    break
        return result

    def apply_report(self, report: Report) -> Report:
        """Apply to every result of a finished report and attach these waivers to it."""
        for result in report.results:
            self.apply(result)
        report.waivers = self
        return report

    # -- what happened -----------------------------------------------------------------------

    def matched(self, waiver: Waiver) -> int:
        return self._matched.get(waiver, 0)

    def status(self, waiver: Waiver) -> str:
        """``applied``, ``expired`` or ``unmatched``."""
        if waiver.expired(self.today):
            return "expired"
        return "applied" if self.matched(waiver) else "unmatched"

    def notes(self) -> list[WaiverNote]:
        out = []
        for w in self.waivers:
            n = self.matched(w)
            what = f"{w.fingerprint}" + (f" ({w.rule})" if w.rule else "")
            if w.expired(self.today):
                tail = f"; the {n} finding(s) it covered count again" if n else "; it matches no finding either"
                out.append(WaiverNote("waiver-expired", f"waiver for {what} expired on {w.until.isoformat()}"
                                                        f" (who: {w.who}){tail}", w))
            elif not n:
                out.append(WaiverNote("waiver-unmatched", f"waiver for {what} matches no finding in this run "
                                                          f"(fixed, or the fingerprint is wrong?)", w))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256,
                "entries": [{**w.to_dict(), "status": self.status(w), "matched": self.matched(w)}
                            for w in self.waivers],
                "notes": [n.to_dict() for n in self.notes()]}


def _waivers(data: Any, positions: Positions, file: str) -> list[Waiver]:
    def fail(pointer: str, message: str, *, key: bool = False) -> WaiverError:
        line, column = positions.key_at(pointer) if key else positions.at(pointer)
        return WaiverError(message, file=file, line=line or 1, column=column)

    if data is None:
        raise fail("", "the waiver file is empty: it holds a mapping with a 'waivers' list")
    if not isinstance(data, dict):
        raise fail("", "the waiver file holds a mapping with a 'waivers' list")
    for key in data:
        if key != "waivers":
            raise fail(f"/{key}", f"{key}: unknown key (the file holds only 'waivers')", key=True)
    if "waivers" not in data:
        raise fail("", "waivers: missing (a list of accepted findings)")
    entries = data["waivers"]
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise fail("/waivers", "waivers: must be a list of accepted findings")
    out: list[Waiver] = []
    first_line: dict[str, int | None] = {}
    for i, entry in enumerate(entries):
        base = f"/waivers/{i}"
        name = f"waivers[{i}]"
        if not isinstance(entry, dict):
            raise fail(base, f"{name}: must be a mapping with {', '.join(_REQUIRED)}")
        for key in entry:
            if key not in _FIELDS:
                raise fail(f"{base}/{key}", f"{name}.{key}: unknown field (known: {', '.join(_FIELDS)})", key=True)
        for key in _REQUIRED:
            if key not in entry:
                raise fail(base, f"{name}.{key}: missing")
        values: dict[str, Any] = {}
        for key in ("fingerprint", "rule", "reason", "who"):
            if key not in entry:
                continue
            value = entry[key]
            if not isinstance(value, str) or not value.strip():
                raise fail(f"{base}/{key}", f"{name}.{key}: must be non-empty text")
            values[key] = value.strip()
        if not _FINGERPRINT.match(values["fingerprint"]):
            raise fail(f"{base}/fingerprint", f"{name}.fingerprint: '{values['fingerprint']}' is not a fingerprint "
                                              f"(lower-case hex, as reports print it)")
        values["until"] = _date(entry["until"], lambda msg: fail(f"{base}/until", f"{name}.until: {msg}"))
        line = positions.at(base)[0]
        ident = values["fingerprint"]
        if ident in first_line:
            raise fail(f"{base}/fingerprint", f"{name}.fingerprint: {values['fingerprint']} is waived twice "
                                              f"(first on line {first_line[ident]})")
        first_line[ident] = line
        out.append(Waiver(file=file, line=line, **values))
    return out


def _date(value: Any, fail: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail(f"'{value}' is not a date (write YYYY-MM-DD)")


__all__ = ["Waiver", "WaiverError", "WaiverNote", "Waivers"]

"""Workbooks (.xlsx) read through declarative YAML templates.

A template says which sheet holds the form, which cells hold single fields, which rows hold the lists
(funds, indicators, tasks with their indicators) and which labelled rows follow them (总分, 存在问题, …).
The shipped templates are in ``templates/`` beside this module, one per form type; a user passes their
own with ``formaudit read BOOK.xlsx --template FILE``. The template format is documented in
docs/readers.md. ``write_workbook`` fills a workbook from form data with the same template, so a form
round-trips.

Figures are read as the sheet prints them: a numeric cell formatted ``0.00`` reads ``"4062.10"``, a cell
formatted ``0.00%`` holding 0.8818 reads ``"88.18%"`` (never a float). Every value's provenance is its
sheet and cell. Non-empty cells the template does not place are reported as unparsed.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

import yaml

from formaudit.errors import InputError
from formaudit.reading import ReadResult

from . import _text
from ._text import Builder, key

NAME = "xlsx"
TEMPLATES = Path(__file__).with_name("templates")
_CELL = re.compile(r"^([A-Z]{1,3})([1-9]\d*)$")
_COLUMN = re.compile(r"^[A-Z]{1,3}$")


# -- templates ----------------------------------------------------------------------------------------

class Template:
    """A validated template."""

    def __init__(self, data: dict[str, Any], file: str):
        self.file = file
        self.data = data
        _validate(data, file)
        self.id: str = data["template"]
        self.form_type: str = data["form_type"]
        self.sheet = data.get("sheet", 0)
        self.match: list[str] = list(data.get("match", []))
        self.labels: dict[str, str] = dict(data.get("labels", {}))
        self.fields: dict[str, dict[str, Any]] = {
            path: (spec if isinstance(spec, dict) else {"cell": spec}) for path, spec in data.get("fields", {}).items()}
        self.lists: dict[str, dict[str, Any]] = dict(data.get("lists", {}))
        self.trailer: dict[str, Any] = dict(data.get("trailer", {}))

    @classmethod
    def load(cls, path: Path) -> "Template":
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise InputError(f"cannot read template: {exc}", file=str(path), code="template-invalid") from None
        if not isinstance(data, dict):
            raise InputError("a template is a mapping", file=str(path), code="template-invalid")
        return cls(data, str(path))


def _validate(data: dict[str, Any], file: str) -> None:
    def bad(message: str) -> None:
        raise InputError(f"template: {message}", file=file, code="template-invalid")

    for name in ("template", "form_type"):
        if not isinstance(data.get(name), str):
            bad(f"'{name}' is required (a string)")
    unknown = set(data) - {"template", "form_type", "description", "sheet", "match", "labels", "fields", "lists", "trailer"}
    if unknown:
        bad(f"unknown keys {sorted(unknown)}")
    for ref in data.get("labels", {}) or {}:
        if not _CELL.match(str(ref)):
            bad(f"labels: '{ref}' is not a cell reference like B3")
    for path, spec in (data.get("fields") or {}).items():
        spec = spec if isinstance(spec, dict) else {"cell": spec}
        if set(spec) - {"cell", "right_of", "pattern"}:
            bad(f"fields.{path}: unknown keys {sorted(set(spec) - {'cell', 'right_of', 'pattern'})}")
        if "cell" in spec and not _CELL.match(str(spec["cell"])):
            bad(f"fields.{path}: '{spec['cell']}' is not a cell reference")
        if "cell" not in spec and "right_of" not in spec:
            bad(f"fields.{path}: needs 'cell' or 'right_of'")
        if "pattern" in spec:
            try:
                if re.compile(spec["pattern"]).groups != 1:
                    bad(f"fields.{path}: pattern must have exactly one group")
            except re.error as exc:
                bad(f"fields.{path}: pattern: {exc}")
    for name, spec in (data.get("lists") or {}).items():
        _validate_list(f"lists.{name}", spec, bad)
    trailer = data.get("trailer") or {}
    if trailer:
        if trailer.get("after") not in (data.get("lists") or {}):
            bad("trailer.after must name one of the lists")
        if not _COLUMN.match(str(trailer.get("label_column", ""))):
            bad("trailer.label_column must be a column letter")
        for i, row in enumerate(trailer.get("rows") or []):
            if not isinstance(row, dict) or not isinstance(row.get("label"), str) or not isinstance(row.get("cells"), dict):
                bad(f"trailer.rows[{i}] needs 'label' and 'cells'")
            for path, col in row["cells"].items():
                if not _COLUMN.match(str(col)):
                    bad(f"trailer.rows[{i}].cells.{path}: '{col}' is not a column letter")


def _validate_list(where: str, spec: Any, bad) -> None:
    if not isinstance(spec, dict):
        bad(f"{where} must be a mapping")
    if not isinstance(spec.get("columns"), dict) or not spec["columns"]:
        bad(f"{where}.columns: field → column letter is required")
    for f, col in spec["columns"].items():
        if not _COLUMN.match(str(col)):
            bad(f"{where}.columns.{f}: '{col}' is not a column letter")
    if "first_row" in spec and not (isinstance(spec["first_row"], int) and spec["first_row"] > 0):
        bad(f"{where}.first_row must be a row number")
    if "key" in spec and not _COLUMN.match(str(spec["key"])):
        bad(f"{where}.key must be a column letter")
    if "group" in spec and spec["group"] not in spec["columns"]:
        bad(f"{where}.group must name one of its columns")
    for field, rule in (spec.get("split") or {}).items():
        if field not in spec["columns"] or not isinstance(rule, dict) or not isinstance(rule.get("into"), list):
            bad(f"{where}.split.{field}: needs one of the columns, 'pattern' and 'into'")
        try:
            groups = re.compile(rule.get("pattern", "")).groups
        except re.error as exc:
            bad(f"{where}.split.{field}.pattern: {exc}")
        if groups != len(rule["into"]):
            bad(f"{where}.split.{field}: the pattern has {groups} groups for {len(rule['into'])} fields")
    for name, child in (spec.get("children") or {}).items():
        _validate_list(f"{where}.children.{name}", child, bad)


def shipped_templates() -> list[Template]:
    return [Template.load(p) for p in sorted(TEMPLATES.glob("*.yaml"))]


# -- cell values as printed ---------------------------------------------------------------------------

def _decimals(number_format: str) -> int | None:
    fmt = (number_format or "General").split(";")[0]
    if fmt == "General" or fmt == "@":
        return None
    m = re.search(r"0\.(0+)", fmt)
    return len(m.group(1)) if m else 0


def cell_text(cell: Any) -> str:
    """A cell's value as the sheet prints it (a string; '' for an empty cell)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.date().isoformat() if isinstance(value, _dt.datetime) else value.isoformat()
    if isinstance(value, (int, float)):
        fmt = cell.number_format or "General"
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        percent = "%" in fmt.split(";")[0]
        if percent:
            number *= 100
        places = _decimals(fmt)
        if places is not None:
            number = number.quantize(Decimal(1).scaleb(-places))
        elif isinstance(value, float):
            number = number.normalize() if number == number.to_integral() else number
            if number == number.to_integral():
                number = number.quantize(Decimal(1))
        text = format(number, "f")
        return text + "%" if percent else text
    return str(value).strip()


# -- the reader -----------------------------------------------------------------------------------------

class XlsxReader:
    name = NAME

    def __init__(self, templates: Iterable[Path] | None = None):
        self._template_files = list(templates) if templates is not None else None

    def templates(self) -> list[Template]:
        if self._template_files is None:
            return shipped_templates()
        return [Template.load(p) for p in self._template_files]

    def accepts(self, path: Path, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return True
        try:
            with zipfile.ZipFile(path) as z:
                return "xl/workbook.xml" in z.namelist()
        except (OSError, zipfile.BadZipFile):
            return False

    def read(self, path: Path) -> ReadResult:
        book = _open(path)
        templates = self.templates()
        chosen = None
        for template in templates:
            sheet = _sheet(book, template, path)
            if sheet is not None and _matches(sheet, template):
                chosen = template, sheet
                break
        if chosen is None:
            names = ", ".join(t.id for t in templates) or "none"
            raise InputError(f"no xlsx template fits this workbook (tried: {names}); pass one with --template",
                             file=str(path), code="xlsx-no-template")
        template, sheet = chosen
        return _read_sheet(sheet, template, _text.provenance_file(path)).result(NAME)


def _open(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not a readable xlsx workbook: {exc}", file=str(path), code="xlsx-unreadable") from None


def _sheet(book, template: Template, path: Path):
    ref = template.sheet
    if isinstance(ref, int):
        return book.worksheets[ref] if ref < len(book.worksheets) else None
    return book[ref] if ref in book.sheetnames else None


def _matches(sheet, template: Template) -> bool:
    texts = {key(cell_text(c)) for row in sheet.iter_rows() for c in row if c.value is not None}
    return all(any(key(m) in t for t in texts) for m in template.match)


def _set(form: dict[str, Any], path: str, value: Any) -> str:
    parts = path.split("/")
    target = form
    for p in parts[:-1]:
        target = target.setdefault(p, {})
    target[parts[-1]] = value
    return "/" + "/".join(_text.escape(p) for p in parts)


def _read_sheet(sheet, template: Template, file: str) -> Builder:
    b = Builder(file, template.form_type)
    used: set[str] = set(template.labels)
    title = sheet.title

    def place(path: str, cell, value: Any) -> None:
        b.where(_set(b.form, path, value), None, None, sheet=title, cell=cell.coordinate)
        used.add(cell.coordinate)

    # single fields
    for path, spec in template.fields.items():
        cell = None
        if "right_of" in spec:
            cell = _right_of(sheet, spec["right_of"])
            if cell is not None:
                used.add(cell.coordinate)
                label = _find(sheet, spec["right_of"])
                if label is not None:
                    used.add(label.coordinate)
        if cell is None and "cell" in spec:
            cell = sheet[spec["cell"]]
        if cell is None:
            continue
        text = cell_text(cell)
        if not text:
            continue
        if "pattern" in spec:
            m = re.search(spec["pattern"], text)
            if not m:
                b.skip(None, f"{title}!{cell.coordinate}: {text}", f"不符合模板 {path} 的格式")
                used.add(cell.coordinate)
                continue
            text = m.group(1)
        value: Any = int(text) if path == "year" and text.isdigit() else text
        place(path, cell, value)
    # lists
    end_row = {}
    trailer_labels = {key(r["label"]) for r in template.trailer.get("rows", [])}
    label_col = template.trailer.get("label_column", "A")
    for name, spec in template.lists.items():
        first = spec.get("first_row", 1)
        last = spec.get("last_row", sheet.max_row)
        items: list[dict[str, Any]] = []
        row = first
        while row <= last:
            if trailer_labels and key(cell_text(sheet[f"{label_col}{row}"])) in trailer_labels:
                break
            if _row_blank(sheet, row, spec):
                if spec.get("last_row") is None and all(_row_blank(sheet, r, spec) for r in range(row, min(row + 3, sheet.max_row + 1))):
                    break
                row += 1
                continue
            row = _read_item(sheet, row, spec, items, name, b, used, last)
        end_row[name] = row
        if items:
            b.form[name] = items
    # trailer
    trailer = template.trailer
    if trailer:
        start = end_row.get(trailer["after"], 1)
        wanted = {key(r["label"]): r for r in trailer["rows"]}
        for row in range(start, sheet.max_row + 1):
            label_cell = sheet[f"{label_col}{row}"]
            spec = wanted.get(key(cell_text(label_cell)))
            if spec is None:
                continue
            used.add(label_cell.coordinate)
            for path, col in spec["cells"].items():
                # the row's label is printed, so an empty cell in it is a blank the form prints (""): a
                # 存在问题 left empty is judged as such, where a row the sheet does not have stays absent
                cell = sheet[f"{col}{row}"]
                place(path, cell, cell_text(cell))
    # what the template does not place
    for r in sheet.iter_rows():
        for cell in r:
            if cell.coordinate not in used and cell_text(cell):
                b.skip(None, f"{title}!{cell.coordinate}: {cell_text(cell)}", "模板未定义此单元格")
    return b


def _row_blank(sheet, row: int, spec: dict[str, Any]) -> bool:
    cols = list(spec["columns"].values())
    for child in (spec.get("children") or {}).values():
        cols += list(child["columns"].values())
    return all(not cell_text(sheet[f"{c}{row}"]) for c in cols)


def _read_item(sheet, row: int, spec: dict[str, Any], items: list, name: str, b: Builder, used: set, last: int) -> int:
    """Read the item starting at ``row``; return the next row."""
    columns = spec["columns"]
    title = sheet.title
    group = spec.get("group")
    children = spec.get("children") or {}
    n = len(items)
    fill = spec.get("fill_down", [])
    if "key" in spec and not children and not cell_text(sheet[f"{spec['key']}{row}"]):
        levels_only = True
        for field, col in columns.items():
            text = cell_text(sheet[f"{col}{row}"])
            if text and field not in fill:
                levels_only = False
        if not levels_only:  # values without the key cell: not placed
            for field, col in columns.items():
                text = cell_text(sheet[f"{col}{row}"])
                if text:
                    b.skip(None, f"{title}!{col}{row}: {text}", f"{name} 行缺少 {spec['key']} 列（{field}）")
                    used.add(f"{col}{row}")
            return row + 1
        # a row printed with its levels only (an empty 生态效益指标 row): kept as such
    item: dict[str, Any] = {}
    for field, col in columns.items():
        cell = sheet[f"{col}{row}"]
        text = cell_text(cell)
        pointer = f"/{name}/{n}/{_text.escape(field)}"
        if not text and field in fill and items and field in items[-1]:
            item[field] = items[-1][field]  # a merged cell: its value is printed once, on its first row
            before = b.provenance.get(f"/{name}/{n - 1}/{_text.escape(field)}")
            if before:
                b.provenance[pointer] = dict(before)
            continue
        if text:
            item[field] = text
            b.where(pointer, None, None, sheet=title, cell=cell.coordinate)
            used.add(cell.coordinate)
    for field, rule in (spec.get("split") or {}).items():
        if field in item:
            m = re.fullmatch(rule["pattern"], str(item[field]))
            source = b.provenance.get(f"/{name}/{n}/{_text.escape(field)}")
            if m:
                for target, value in zip(rule["into"], m.groups()):
                    if value is not None:
                        item[target] = value
                        if source:
                            b.provenance[f"/{name}/{n}/{_text.escape(target)}"] = dict(source)
    next_row = row + 1
    if children:
        child_lists: dict[str, list] = {c: [] for c in children}
        r = row
        while r <= last:
            if r > row and group and cell_text(sheet[f"{columns[group]}{r}"]):
                break
            if r > row and _row_blank(sheet, r, spec):
                break
            for cname, cspec in children.items():
                if cell_text(sheet[f"{cspec['key']}{r}"]) if "key" in cspec else not _row_blank(sheet, r, cspec):
                    _read_item(sheet, r, cspec, child_lists[cname], f"{name}/{n}/{cname}", b, used, r)
            r += 1
        next_row = r
        for cname, lst in child_lists.items():
            if lst:
                item[cname] = lst
    items.append(item)
    return next_row


def _find(sheet, label: str):
    want = key(label)
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None and key(cell_text(cell)) == want:
                return cell
    return None


def _right_of(sheet, label: str):
    found = _find(sheet, label)
    if found is None:
        return None
    for col in range(found.column + 1, min(found.column + 8, sheet.max_column + 1)):
        cell = sheet.cell(row=found.row, column=col)
        if cell_text(cell):
            return cell
    return None


# -- writing a workbook from form data ------------------------------------------------------------------

def write_workbook(form: dict[str, Any], template: Template, path: Path) -> None:
    """Fill a workbook from form data with ``template``: figures become numeric cells formatted to their
    printed precision (``"88.18%"`` → 0.8818 as ``0.00%``), other values text."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if isinstance(template.sheet, str):
        sheet.title = template.sheet
    for ref, text in template.labels.items():
        sheet[ref] = text
    for path_, spec in template.fields.items():
        value = _get(form, path_)
        if value is None or "cell" not in spec:
            continue
        if path_ == "year":
            sheet[spec["cell"]] = f"（{value}年度）"
        elif path_ == "amount_unit" and spec.get("pattern", "").startswith("^[(（]"):
            sheet[spec["cell"]] = f"（{value}）"
        else:
            _put(sheet[spec["cell"]], value)
        if "right_of" in spec:
            label_cell = sheet.cell(row=sheet[spec["cell"]].row, column=sheet[spec["cell"]].column - 1)
            if not label_cell.value:
                label_cell.value = spec["right_of"]
    end = {}
    for name, spec in template.lists.items():
        row = spec.get("first_row", 1)
        for item in form.get(name, []) or []:
            row = _write_item(sheet, row, spec, item)
        if spec.get("last_row") and row > spec["last_row"] + 1:
            raise ValueError(f"{name}: {len(form.get(name, []))} rows do not fit rows {spec.get('first_row')}–{spec['last_row']}")
        end[name] = max(row, spec.get("last_row", 0) + 1)
    trailer = template.trailer
    if trailer:
        row = end.get(trailer["after"], sheet.max_row + 1)
        for spec in trailer["rows"]:
            values = {p: _get(form, p) for p in spec["cells"]}
            if all(v is None for v in values.values()):
                continue
            sheet[f"{trailer['label_column']}{row}"] = spec["label"]
            for p, col in spec["cells"].items():
                if values[p] is not None:
                    _put(sheet[f"{col}{row}"], values[p])
            row += 1
    book.save(path)


def _write_item(sheet, row: int, spec: dict[str, Any], item: dict[str, Any]) -> int:
    children = spec.get("children") or {}
    for field, col in spec["columns"].items():
        rule = (spec.get("split") or {}).get(field)
        if rule and all(f in item for f in rule["into"]):
            _put(sheet[f"{col}{row}"], rule["join"].format(**item))
        elif field in item:
            _put(sheet[f"{col}{row}"], item[field])
    if not children:
        return row + 1
    rows = 1
    for cname, cspec in children.items():
        r = row
        for child in item.get(cname, []) or []:
            r = _write_item(sheet, r, cspec, child)
        rows = max(rows, r - row)
    if rows > 1:  # the task's own cells span its indicator rows, as in the printed form
        for col in spec["columns"].values():
            sheet.merge_cells(f"{col}{row}:{col}{row + rows - 1}")
    return row + rows


def _get(form: dict[str, Any], path: str) -> Any:
    value: Any = form
    for p in path.split("/"):
        if not isinstance(value, dict) or p not in value:
            return None
        value = value[p]
    return value


_FIGURE = re.compile(r"^-?\d+(?:\.(\d+))?(%?)$")


def _put(cell, value: Any) -> None:
    text = str(value)
    m = _FIGURE.match(text)
    if m and not (len(text.split(".")[0].lstrip("-")) > 1 and text.lstrip("-").startswith("0")):
        places = len(m.group(1) or "")
        try:
            number = Decimal(text.rstrip("%"))
        except InvalidOperation:
            cell.value = text
            return
        zeros = "0." + "0" * places if places else "0"
        if m.group(2):
            cell.value = float(number / 100)
            cell.number_format = zeros + "%"
        else:
            cell.value = int(number) if places == 0 else float(number)
            cell.number_format = zeros
        return
    cell.value = text

"""Shared machinery for file imports: streaming CSV rows with their line numbers, column
mapping, a report of what happened, and a progress bar on a terminal.

An app offers an importer by defining ``importers.py`` with functions decorated by
``@importer("kind")``; each takes ``(path, mapping, options, stdout, stderr)`` and returns an
ImportReport. ``heard import KIND FILE`` finds them.
"""

from __future__ import annotations

import csv
import importlib
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps

from .exporting import unescape_cell
from .validation import strip_nul

IMPORTERS: dict = {}


def importer(kind: str):
    def register(fn):
        IMPORTERS[kind] = fn
        return fn

    return register


def load_importers() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("heard."):
            try:
                importlib.import_module(f"{config.name}.importers")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.importers":
                    raise


@dataclass
class RowProblem:
    line: int
    message: str
    field: str | None = None

    def describe(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"line {self.line}{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({p.line for p in self.problems})

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def reject(self, line: int, message: str, field_name: str | None = None) -> None:
        self.problems.append(RowProblem(line, message, field_name))

    def summary_lines(self) -> list[str]:
        lines = [
            f"{self.kind}: {self.total} row{'s' if self.total != 1 else ''} read; {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.rejected} rejected."
        ]
        lines.extend(self.notes)
        if self.rejected:
            lines.append("Rejected rows were not imported; the good rows were kept. Fix the rows below and run the same file again.")
        return lines

    def as_dict(self) -> dict:
        return {
            "kind": self.kind, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": self.rejected, "problems": [p.as_dict() for p in self.problems], "notes": self.notes,
        }


def open_text(path: str):
    """Open a file (or '-' for stdin) as text, accepting UTF-8 with or without a BOM and .gz."""
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    if path.endswith(".gz"):
        import gzip

        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def csv_rows(handle, mapping: dict[str, str] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` for each data row of a CSV file, streaming.

    The dialect (comma, semicolon, tab) is sniffed from the first few KB. ``mapping`` renames
    columns (file column -> heard field); headers are also normalised (trimmed, lowercased,
    spaces to underscores) so "Time Zone" matches ``time_zone``. Line numbers count physical
    lines, header = line 1, so quoted newlines keep the numbers true to the file.
    """
    sample = handle.read(8192)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    stream = _chain(sample, handle)
    reader = csv.reader(stream, dialect)
    try:
        header = next(reader)
    except StopIteration:
        return
    mapping = {k.strip(): v.strip() for k, v in (mapping or {}).items()}
    names = []
    for column in header:
        column = strip_nul(column).strip()
        names.append(mapping.get(column) or column.lower().replace(" ", "_").replace("-", "_"))
    previous_line = reader.line_num
    for values in reader:
        line = previous_line + 1
        previous_line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        # A NUL (which PostgreSQL cannot store) is dropped rather than losing the row; a
        # cell heard's own export escaped against formula injection is read back as written.
        values = [unescape_cell(strip_nul(v)) for v in values]
        row = {name: (values[i] if i < len(values) else "") for i, name in enumerate(names)}
        if len(values) > len(names):
            row["__extra__"] = values[len(names):]
        yield line, row


def _chain(sample: str, handle) -> Iterator[str]:
    # The sniffed sample may end mid-line: finish that line, then stream the rest.
    yield from io.StringIO(sample + handle.readline())
    yield from handle


def progress(iterable, *, total=None, desc="", stream=None, enabled=True, unit="rows"):
    """A tqdm progress bar with rows/s when writing to a terminal; a plain iterator otherwise."""
    stream = stream or sys.stderr
    if not enabled or not getattr(stream, "isatty", lambda: False)():
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit=f" {unit}", unit_scale=True, file=stream, dynamic_ncols=True)

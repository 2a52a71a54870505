"""CSV files heard writes for people to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is a formula
to Excel, LibreOffice and Google Sheets: a feedback text such as ``=HYPERLINK("http://evil",
"Click")`` would run when the export is opened. Every export writes through ``csv_writer``,
which puts a ``'`` in front of such cells (OWASP's advice); ``core.importing.csv_rows`` takes
it off again, so importing an export gives back the text that was exported.
"""

from __future__ import annotations

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet will show it, never run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """The text ``safe_cell`` escaped (for imports of heard's own exports)."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **options) -> _SafeWriter:
    """A ``csv.writer`` over ``out`` whose cells are escaped against formula injection."""
    return _SafeWriter(csv.writer(out, **options))

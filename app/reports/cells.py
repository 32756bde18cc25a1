"""Cell text safe for the files the office opens: XML-legal for XLSX and DOCX, inert in a spreadsheet as CSV.

Imported data (unit and column names from a spreadsheet, department names from an API call) reaches the exports
unchanged otherwise: a control character makes python-docx and openpyxl refuse to write the file, and a CSV cell
starting with = + - @ is run as a formula when the office opens the CSV in Excel or WPS.
"""

from __future__ import annotations

import re

# Characters XML 1.0 does not allow (C0 controls other than tab, newline and carriage return; U+FFFE, U+FFFF;
# lone surrogates).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def xml_text(value: object) -> str:
    """The value as text without the characters an XLSX or DOCX cannot hold."""
    return _XML_ILLEGAL.sub("", str(value))


def csv_text(value: object) -> str:
    """The value as a CSV cell a spreadsheet shows as text: a leading ' before = + - @ (OWASP's advice)."""
    text = xml_text(value)
    return "'" + text if text.startswith(_FORMULA_START) else text

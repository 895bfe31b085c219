"""Checking a report.json against JSON schema 1 (documented in ``report.py``)
before anything reads it: a tampered or truncated report is refused with the
first field that is wrong, named by its path
(``patches[0].targets[1].hunks[3].verdict: not a verdict``).

Only the fields this version knows are checked; unknown fields are ignored,
as the versioning rule says.  A field marked required has been written by
every version of schema 1; the others may be missing in an older report
and are read with a default.  Numbers are integers of a sane size (line
numbers, counts), never booleans, floats or 10**100."""
from __future__ import annotations

import json

from .model import Verdict

MAX_INT = 2**31 - 1
VERDICTS = frozenset(v.value for v in Verdict)


class ReportInvalid(ValueError):
    """A report that does not follow the schema: ``where`` is the field's path."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


def parse_report(data: bytes) -> object:
    """The JSON document of a report file's bytes (ReportInvalid when it is not JSON)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ReportInvalid("", f"not UTF-8 (byte {err.start})") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ReportInvalid("", "nested too deeply to be a report") from None
    except ValueError as err:  # JSONDecodeError, or an integer of more than 4300 digits
        raise ReportInvalid("", f"not JSON: {err}") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number a report holds")


# ---------------------------------------------------------------------------
# the schema: field -> (check, required)


def _str(v) -> str | None:
    return None if isinstance(v, str) else "not a string"


def _opt_str(v) -> str | None:
    return None if v is None or isinstance(v, str) else "not a string or null"


def _bool(v) -> str | None:
    return None if isinstance(v, bool) else "not true or false"


def _int(v) -> str | None:
    if isinstance(v, bool) or not isinstance(v, int):
        return "not an integer"
    return None if -MAX_INT <= v <= MAX_INT else "not an integer of a sane size"


def _count(v) -> str | None:
    return _int(v) or (None if v >= 0 else "negative")


def _verdict(v) -> str | None:
    return None if isinstance(v, str) and v in VERDICTS else "not a verdict"


PLACE = {"path": (_str, True), "function": (_opt_str, False), "start": (_count, True), "end": (_count, True)}
RENAME = {"old": (_str, True), "new": (_str, True), "evidence": ([_str], False)}
HUNK = {
    "path": (_str, True), "index": (_count, True), "verdict": (_verdict, True), "clean": (_bool, False),
    "needs_human": (_bool, False), "reason": (_str, False), "base": (PLACE, False), "target": (PLACE, False),
    "renames": ([RENAME], False), "warnings": ([_str], False), "reference": (_opt_str, False),
    "regenerated": (_opt_str, False), "target_text": (_opt_str, False),
}
CHECK = {"name": (_str, True), "ok": (_bool, True), "detail": (_opt_str, False)}
TARGET = {
    "target": (_str, True), "commit": (_opt_str, False), "verdict": (_verdict, False), "complete": (_bool, False),
    "patch_file": (_opt_str, False), "checks": ([CHECK], False), "history": ([_str], False),
    "diff": (_opt_str, False), "hunks": ([HUNK], True),
}
REPAIR = {"path": (_str, True), "hunk": (_count, True), "restored": (_count, True), "reindented": (_count, True),
          "moved_by": (_int, True)}
PATCH = {
    "source": (_opt_str, False), "subject": (_opt_str, False), "author": (_opt_str, False),
    "date": (_opt_str, False), "upstream": (_opt_str, False), "message_id": (_opt_str, False),
    "body": (_opt_str, False), "base": (_opt_str, False), "base_commit": (_opt_str, False),
    "repairs": ([REPAIR], False), "reference_diff": (_opt_str, False), "complete": (_bool, False),
    "targets": ([TARGET], True),
}
SERIES = {"target": (_str, True), "dir": (_opt_str, False), "files": ([_str], False),
          "cover_letter": (_opt_str, False), "skipped": (_opt_str, False)}
REPORT = {"schema": (_int, True), "tool": (_opt_str, False), "patches": ([PATCH], True),
          "series": ([SERIES], False)}


def validate(doc: object) -> None:
    """Raise ReportInvalid naming the first field of ``doc`` that schema 1 does not allow."""
    if not isinstance(doc, dict):
        raise ReportInvalid("", "not a JSON object")
    _check(doc, REPORT, "")


def _check(value, spec, where: str) -> None:
    if isinstance(spec, dict):
        _object(value, spec, where)
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise ReportInvalid(where, "not a list")
        for i, item in enumerate(value):
            _check(item, spec[0], f"{where}[{i}]")
    else:
        problem = spec(value)
        if problem:
            raise ReportInvalid(where, problem)


def _object(value, spec: dict, where: str) -> None:
    if not isinstance(value, dict):
        raise ReportInvalid(where, "not an object" if where else "not a JSON object")
    for key, (check, required) in spec.items():
        field = f"{where}.{key}" if where else key
        if key not in value:
            if required:
                raise ReportInvalid(field, "missing")
            continue
        if value[key] is None and isinstance(check, dict):  # base/target places: null = not placed
            continue
        _check(value[key], check, field)

"""yaml.v3's scalars: resolve.go's resolve() and parseTimestamp(), at v3.0.1 (commit f6f7691).

A plain scalar's type comes from its text (resolve()); an explicitly tagged one must decode
as its tag says ("cannot decode !!str `x` as a !!float"). Numbers follow Go's strconv
(ParseInt/ParseUint with base 0, ParseFloat), timestamps Go's time.Parse with yaml.v3's four
layouts. Expectations are checked against Go itself (tests/oracle/stackfile_oracle.go).
"""

from __future__ import annotations

import base64
import calendar
import math
import re
from typing import Any

from .gofmt import GoTime


class GoYamlError(ValueError):
    """One line: what in the YAML the CLI would not read, and where."""


CORE = "tag:yaml.org,2002:"
_MAP = {
    **{s: True for s in ("true", "True", "TRUE")},
    **{s: False for s in ("false", "False", "FALSE")},
    **{s: None for s in ("", "~", "null", "Null", "NULL")},
    **{s: math.nan for s in (".nan", ".NaN", ".NAN")},
    **{s: math.inf for s in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")},
    **{s: -math.inf for s in ("-.inf", "-.Inf", "-.INF")},
}
# resolve.go yamlStyleFloat.
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
# resolve.go allowedTimestampFormats, as time.Parse reads them: "2006-1-2T15:4:5.999999999Z07:00"
# (and with a lower-case t), "2006-1-2 15:4:5.999999999" (a run of spaces matches the one
# space; no zone), "2006-1-2". A fraction takes a point or a comma and 1-9 digits; a zone is Z
# or +-hh:mm (hours up to 24, minutes up to 60, as time.Parse allows).
_TIMESTAMP = re.compile(
    r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?:(?P<t>[Tt])|(?P<sp> +))(?P<H>[0-9]{1,2}):(?P<M>[0-9]{1,2}):(?P<S>[0-9]{1,2})"
    r"(?:[.,](?P<f>[0-9]{1,9}))?(?P<z>Z|(?P<zs>[-+])(?P<zh>[0-9]{2}):(?P<zm>[0-9]{2}))?)?$"
)
_KINDS = {"int": (int,), "float": (int, float), "bool": (bool,), "null": (type(None),), "timestamp": (GoTime,)}


def resolve_plain(text: str) -> Any:
    """resolve("", text): a plain scalar's value (str, int, float, bool, None or GoTime)."""
    if text in _MAP:
        return _MAP[text]
    if not text or text[0] not in "+-0123456789.":
        return text
    if text[0] == ".":
        value = _go_parse_float(text) if _FLOAT.match(text) else None
        return text if value is None else value
    timestamp = parse_timestamp(text)
    if timestamp is not None:
        return timestamp
    plain = text.replace("_", "")
    number = _go_parse_int(plain)
    if number is not None:
        return number
    if _FLOAT.match(plain):
        value = _go_parse_float(plain)
        if value is not None:
            return value
    return text


def resolve_tagged(tag: str, text: str, line: int) -> Any:
    """An explicitly tagged scalar: !!str takes any text, !!binary base64, the rest must resolve
    to their own kind (an integer passes as a !!float), else yaml.v3's "cannot decode"."""
    if tag == CORE + "str":
        return text
    if tag == CORE + "binary":
        try:
            return base64.b64decode("".join(text.split()), validate=True).decode("utf-8")
        except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
            raise GoYamlError(
                f"!!binary value (line {line}) is not base64 of UTF-8 text; allowed: a plain string"
            ) from None
    kind = tag[len(CORE) :] if tag.startswith(CORE) else None
    if kind not in _KINDS:
        short = f"!!{kind}" if kind else tag
        raise GoYamlError(f"tag {short} (line {line}); allowed: plain YAML scalars, lists and mappings")
    value = resolve_plain(text)
    if isinstance(value, _KINDS[kind]) and not (kind in ("int", "float") and isinstance(value, bool)):
        return value  # an int as a !!float is float64 to yaml.v3, then whole again once written back out
    # yaml.v3's words (resolve.go): the tag the text resolves to, the text, the tag asked for.
    raise GoYamlError(f"cannot decode !!{_resolved_tag(value)} `{text}` as a !!{kind} (line {line})")


def _resolved_tag(value: Any) -> str:
    for kind, types in (("bool", bool), ("null", type(None)), ("int", int), ("float", float), ("timestamp", GoTime)):
        if isinstance(value, types):
            return kind
    return "str"


def _go_parse_int(text: str) -> int | None:
    """Go's strconv.ParseInt(s, 0, 64), then ParseUint: 0x, 0o, 0b and a leading 0 (octal)."""
    sign, digits = (text[0], text[1:]) if text[:1] in ("+", "-") else ("", text)
    lower = digits.lower()
    base = {"0x": 16, "0o": 8, "0b": 2}.get(lower[:2], 0)
    if base:
        digits = digits[2:]
    elif len(digits) > 1 and digits[0] == "0":
        base, digits = 8, digits[1:]
    else:
        base = 10
    if not digits or not all(c in "0123456789abcdef"[:base] for c in digits.lower()):
        return None
    value = int(digits, base) * (-1 if sign == "-" else 1)
    if -(2**63) <= value < 2**64:  # ParseInt's range, then ParseUint's (a sign never reaches it)
        return value
    return None


def _go_parse_float(text: str) -> float | None:
    """Go's strconv.ParseFloat(s, 64): beyond float64's range it fails (ErrRange), so yaml.v3
    keeps the text as a string (`1e400`); an underflow is 0."""
    value = float(text)
    return value if math.isfinite(value) else None


def parse_timestamp(text: str) -> GoTime | None:
    """resolve.go parseTimestamp(): time.Parse with each layout in turn, or None (a string)."""
    m = _TIMESTAMP.match(text)
    if not m:
        return None
    year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None  # time.Parse: "month out of range", "day out of range" (year 0 is a leap year, as in Go)
    if m["H"] is None:
        return GoTime(f"{year:04d}-{month:02d}-{day:02d} 00:00:00", 0)
    hour, minute, second = int(m["H"]), int(m["M"]), int(m["S"])
    if hour >= 24 or minute >= 60 or second >= 60:
        return None
    if bool(m["t"]) != bool(m["z"]):
        return None  # a T takes a zone (RFC 3339); a space takes none
    offset = 0
    if m["zs"]:
        hours, minutes = int(m["zh"]), int(m["zm"])
        if hours > 24 or minutes > 60:
            return None  # time.Parse: "time zone offset hour" / "minute" out of range
        offset = (hours * 60 + minutes) * 60 * (-1 if m["zs"] == "-" else 1)
    fraction = (m["f"] or "").rstrip("0")
    clock = f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}" + (
        f".{fraction}" if fraction else ""
    )
    return GoTime(clock, offset)

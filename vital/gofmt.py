"""Go's text for the values the Pulumi CLI hands on: encoding/json numbers, fmt's %v and %s, time.Time.

The CLI is a Go program, so a config value reaches the program as Go prints it, not as Python
would. Each function names the Go function it follows (Go's standard library; checked against
Go itself by tests/oracle/stackfile_oracle.go, whose output tests/fixtures/stackfile-oracle.json
holds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

# encoding/json (encode.go floatEncoder) writes a float64 with 'e' below 1e-6 or from 1e21 on.
JSON_E_BELOW = 1e-6
JSON_E_FROM = 1e21
# strconv.FormatFloat(f, 'g', -1, 64), what fmt's %v prints: 'e' when the exponent is below -4
# or at least 6 ("if precision was the shortest possible, use precision 6", ftoa.go).
G_E_BELOW = -4
G_E_FROM = 6


def _digits(value: float) -> tuple[str, int]:
    """The shortest digits that read back as `value` (Python's repr finds the same ones as Go's
    strconv), and the decimal exponent of the first digit."""
    _sign, digits, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    # An int for a finite value ("n", "N" or "F" only for NaN and infinities, which callers handle first).
    return text, cast(int, exponent) + len(text) - 1


def _fixed(value: float) -> str:
    digits, exp = _digits(value)
    if exp < 0:
        body = "0." + "0" * (-exp - 1) + digits
    elif exp + 1 >= len(digits):
        body = digits + "0" * (exp + 1 - len(digits))
    else:
        body = digits[: exp + 1] + "." + digits[exp + 1 :]
    return ("-" if _negative(value) else "") + body


def _negative(value: float) -> bool:
    """Whether Go prints a minus sign: below zero, and -0."""
    return repr(value).startswith("-")


def _exponent(value: float) -> str:
    digits, exp = _digits(value)
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{'-' if _negative(value) else ''}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def json_float(value: float) -> str:
    """encoding/json's float64: 'f' between 1e-6 and 1e21, else 'e' with `e-07` cleaned to `e-7`."""
    if not math.isfinite(value):
        raise ValueError(f"json: unsupported value: {format_g(value)}")
    if value == 0 or JSON_E_BELOW <= abs(value) < JSON_E_FROM:
        return _fixed(value)
    text = _exponent(value)
    head, _, exp = text.partition("e")
    return f"{head}e{exp[0]}{exp[1:].lstrip('0') if exp[0] == '-' else exp[1:]}"


def format_g(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 64): what yaml.v3 writes for a float and fmt's %v prints."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return {math.inf: "+Inf", -math.inf: "-Inf"}[value]
    if value == 0:
        return "-0" if _negative(value) else "0"
    exp = _digits(value)[1]
    return _exponent(value) if exp < G_E_BELOW or exp >= G_E_FROM else _fixed(value)


def json_scalar(value: Any) -> str:
    """A bool or number as encoding/json writes it (what the CLI hands the program)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json_float(value)
    raise TypeError(type(value).__name__)


@dataclass(frozen=True)
class GoTime:
    """A YAML timestamp as time.Time holds it: the wall clock and the zone's offset in seconds."""

    clock: str  # "2026-11-02 10:00:00.5": date, time and the fraction with its trailing zeros cut
    offset: int  # seconds east of UTC

    def string(self) -> str:
        """time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST". A zero offset is UTC
        (yaml.v3 writes it back as `Z` when the CLI re-encodes the file); any other is a fixed
        zone with no name, which Go prints as its offset (on a machine whose local zone is UTC)."""
        return f"{self.clock} {self._offset('')} {'UTC' if self.offset == 0 else self._offset('')}"

    def rfc3339(self) -> str:
        """time.Time.Format(time.RFC3339Nano), what yaml.v3 writes for a time.Time."""
        date, _, clock = self.clock.partition(" ")
        return f"{date}T{clock}{'Z' if self.offset == 0 else self._offset(':')}"

    def _offset(self, colon: str) -> str:
        sign = "-" if self.offset < 0 else "+"
        hours, minutes = divmod(abs(self.offset) // 60, 60)
        return f"{sign}{hours:02d}{colon}{minutes:02d}"


def format_v(value: Any) -> str:
    """fmt's %v of a decoded YAML scalar (how Pulumi names a non-string key, config/object.go)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_g(value)
    if isinstance(value, GoTime):
        return value.string()
    return str(value)


def format_s(value: Any, big: bool = False) -> str:
    """fmt's %s of a decoded YAML scalar that is not a string: `%!s(int=1)`, as Go reports a verb
    that does not fit its operand; a time.Time prints itself (it has a String method).
    `big`: an integer past int64, which yaml.v3 decodes as uint64."""
    if value is None:
        return "%!s(<nil>)"
    if isinstance(value, GoTime):
        return value.string()
    kind = "bool" if isinstance(value, bool) else "float64" if isinstance(value, float) else "uint64" if big else "int"
    return f"%!s({kind}={format_v(value)})"

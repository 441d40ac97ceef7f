"""Small markdown helpers shared by synth's tables, the policy section and the PR diff.

Pure text, no SDK imports, so tools.diff can use them without loading Pulumi.
"""

from __future__ import annotations

import re
from typing import Any


def short_type(type_: str) -> str:
    """vercel:index/projectDomain:ProjectDomain -> vercel:ProjectDomain (others unchanged)."""
    package, _, rest = type_.partition(":")
    module, _, name = rest.partition(":")
    return f"{package}:{name}" if "/" in module else type_


def parent_name(urn: str | None) -> str:
    """The name part of a URN (a resource's parent, say)."""
    return urn.rsplit("::", 1)[-1] if urn else ""


def cell(text: Any) -> str:
    """Text that stays inside one markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", "<br>")


def more_lines(n: int, what: str) -> list[str]:
    """The note under a table cut short: `n` more `what` not shown (nothing when none is left out)."""
    return ["", f"_… and {n} more {what} not shown._"] if n > 0 else []


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code(text: str) -> str:
    """Inline code that survives a table cell: no newline, escaped pipes, a fence longer than any run of backticks."""
    text = text.replace("\n", " ").replace("|", "\\|")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"

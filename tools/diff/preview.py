"""One stack's `pulumi preview` log, summed up for the PR comment (the infra-pr workflow's
preview job runs this after the preview, pass or fail).

    python -m tools.diff.preview --stack NAME --exit-code N --log FILE [--run-url URL] [--format json|markdown]

Prints one JSON object, {"stack", "exit", "status", "markdown"}, which the job passes on as
its output; sticky.py puts it in the one PR comment. With `--format markdown` it prints only
the markdown section: infra-deploy's production job appends it to its job summary (production
is the one stack PRs do not preview for real). Standard library only, so it runs on
the runner's Python whether or not the project's virtualenv got built.

What is read from the CLI's text output (`--diff --color never`): the "Resources:" block,
`[mandatory]` and `[advisory]` policy lines (as pkg/backend/display's
renderDiffPolicyViolationEvent writes them: `[level]  policy  (type: name)`, the message on
the lines below; pulumi-policy's "can't run policy" notes counted apart, a value unknown until
apply), and `error:` lines. The exit code decides the verdict; the log's last lines are
always shown, whatever the format.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from ..entry import EXIT_USAGE, OneLineParser, UsageError
from ..redact import redact

MAX_SECTION_CHARS = 5000
TAIL_LINES = 40
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_LEVEL = re.compile(r"\[(mandatory|advisory)\]")
_UNKNOWN = re.compile(r"can't run policy")


def _fence(lines: list[str], info: str = "text") -> list[str]:
    longest = max((len(m) for line in lines for m in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{info}", *lines, fence]


def resources_block(lines: list[str]) -> list[str]:
    """The indented lines under `Resources:` (the CLI's change summary), stripped."""
    for i, line in enumerate(lines):
        if line.strip() == "Resources:":
            block = []
            for item in lines[i + 1 :]:
                if not item.strip() or not item.startswith((" ", "\t")):
                    break
                block.append(item.strip())
            return block
    return []


def summarize(stack: str, exit_code: int, log: str | None) -> dict[str, Any]:
    if log is None:
        return {
            "stack": stack,
            "exit": exit_code,
            "status": "❌ did not run (an earlier step failed)",
            "errors": [],
            "resources": [],
            "tail": [],
        }
    # The workflows pipe the CLI through tools.redact already; redact again so no path skips it.
    lines = [redact(_ANSI.sub("", line)).rstrip() for line in log.splitlines()]
    levels = [m.group(1) for line in lines for m in [_LEVEL.search(line)] if m]
    unknown = sum(1 for line in lines if _UNKNOWN.search(line))
    mandatory, advisory = levels.count("mandatory"), max(0, levels.count("advisory") - unknown)
    resources = resources_block(lines)
    changes = [r for r in resources if not r.endswith("unchanged")]
    if exit_code == 0:
        status = "✅ " + (", ".join(changes) if changes else "no changes")
    elif mandatory:
        status = f"❌ {mandatory} mandatory policy violation{'s' if mandatory != 1 else ''}"
    else:
        status = f"❌ preview failed (exit {exit_code})"
    if advisory:
        status += f" · ⚠️ {advisory} advisory"
    if unknown:
        status += f" · {unknown} check{'s' if unknown != 1 else ''} at apply"
    errors = [line.strip() for line in lines if line.strip().startswith("error:")][:5]
    return {
        "stack": stack,
        "exit": exit_code,
        "status": status,
        "errors": errors,
        "resources": resources,
        "tail": lines[-TAIL_LINES:],
    }


def to_markdown(summary: dict[str, Any], run_url: str | None) -> str:
    lines = [f"<details><summary><b>{summary['stack']}</b>: {summary['status']}</summary>", ""]
    if summary["resources"]:
        lines += _fence(["Resources:", *summary["resources"]]) + [""]
    if summary["errors"]:
        lines += _fence(summary["errors"]) + [""]
    if run_url:
        lines += [f"[The job log]({run_url}) has the whole preview.", ""]
    head = "\n".join(lines)
    tail = list(summary["tail"])
    while tail:
        fold = ["<details><summary>The log's last lines</summary>", "", *_fence(tail), "", "</details>", ""]
        text = head + "\n" + "\n".join(fold) + "\n</details>\n"
        if len(text) <= MAX_SECTION_CHARS:
            return text
        tail = tail[len(tail) // 4 + 1 :]  # drop the oldest lines until it fits
    return head + "\n</details>\n"


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m tools.diff.preview", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--exit-code", required=True, help="the preview's exit code (empty: it did not run)")
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--run-url")
    parser.add_argument("--format", choices=("json", "markdown"), default="json")
    try:
        args = parser.parse_args(argv)
        if args.exit_code != "" and not args.exit_code.isdigit():
            raise UsageError(f"--exit-code: expected a number or nothing, found {args.exit_code!r}")
    except UsageError as err:
        print(f"preview: {err}; see --help", file=sys.stderr)
        return EXIT_USAGE
    ran = args.exit_code != "" and args.log.is_file()
    log = args.log.read_text(errors="replace") if ran else None
    summary = summarize(args.stack, int(args.exit_code) if ran else -1, log)
    markdown = to_markdown(summary, args.run_url)
    if args.format == "markdown":
        print(markdown)
        return 0
    print(json.dumps({key: summary[key] for key in ("stack", "exit", "status")} | {"markdown": markdown}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

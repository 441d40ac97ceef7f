"""A small, hashed runtime for the privileged jobs (issue 23, problem 8).

The deploy and drift jobs installed the whole test toolchain (`make venv`: moto, pytest, cmarkgfm
...) from a file of direct pins only, with unpinned transitive dependencies and no hashes, while
holding every stack's key; and `tools/doctor/crypter.py` imported `cryptography`, which arrived
only through moto. Now:

- requirements.txt is the runtime lock, requirements-dev.txt the runtime plus tests and operator
  tools, both compiled by pip-tools from their .in files (`make lock`): every line an exact pin
  with its sha256 hashes, so pip's hash-checking mode can install each (it is all-or-nothing per
  invocation: pip's "Secure installs" docs);
- every third-party package the runtime's code imports (the program, both packs, the bootstrap
  program and every tool a privileged job runs, found in the workflows) is in the runtime lock;
- every job that holds a credential installs `make runtime` (requirements.txt with
  --require-hashes) and nothing else.
"""

from __future__ import annotations

import importlib.metadata as md
import re
import subprocess
from pathlib import Path

import pytest

from tests.test_workflows import jobs, load, WORKFLOWS, NAMES

ROOT = Path(__file__).resolve().parent.parent
RUNTIME, DEV = ROOT / "requirements.txt", ROOT / "requirements-dev.txt"
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?P<rest>.*)$")
_HASH = re.compile(r"^\s+--hash=sha256:[0-9a-f]{64}\s*\\?$")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path) -> dict[str, str]:
    """name -> version of a pip-compile lock; fails on any line that is not a pin, a hash or a comment."""
    pins: dict[str, str] = {}
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _PIN.match(line)
        if found:
            assert found["rest"].strip() == "\\", f"{path.name}:{i + 1}: {line!r} has no --hash after it"
            hashes = [h for h in lines[i + 1:i + 200] if h.startswith("    --hash=")]
            assert hashes and lines[i + 1].startswith("    --hash="), f"{path.name}:{i + 1}: {found['name']} has no hash"
            pins[normalize(found["name"])] = found["version"]
            continue
        assert _HASH.match(line), f"{path.name}:{i + 1}: {line!r} is neither an exact pin nor a sha256 hash"
    return pins


def direct(path: Path) -> dict[str, str]:
    """The exact pins an .in file asks for (its -r/-c lines aside)."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line!r} is not an exact pin"
            found[normalize(name.split("[")[0])] = version
    return found


def test_every_lock_line_is_an_exact_pin_with_hashes():
    runtime, dev = locked(RUNTIME), locked(DEV)
    assert len(runtime) > 30 and "pulumi" in runtime  # the whole closure, not only the direct pins
    # The dev lock is the runtime plus tests: the runtime's packages at the runtime's versions.
    assert {name: dev.get(name) for name in runtime} == runtime
    assert "pytest" not in runtime and "moto" not in runtime and "pytest" in dev


def test_the_locks_hold_what_their_in_files_ask_for():
    """An .in file changed without `make lock` leaves its lock behind: each direct pin is in its lock."""
    runtime, dev = locked(RUNTIME), locked(DEV)
    assert {n: runtime.get(n) for n in direct(ROOT / "requirements.in")} == direct(ROOT / "requirements.in")
    assert {n: dev.get(n) for n in direct(ROOT / "requirements-dev.in")} == direct(ROOT / "requirements-dev.in")
    assert "-c requirements.txt" in (ROOT / "requirements-dev.in").read_text()  # the same versions in both


def test_the_lock_parser_refuses_an_unhashed_or_loose_line(tmp_path):
    for text in ("pulumi==3.272.0\n", "pulumi>=3 \\\n    --hash=sha256:" + "a" * 64 + "\n",
                 "pulumi==3.272.0 \\\n    --hash=md5:abc\n"):
        path = tmp_path / "lock.txt"
        path.write_text(text)
        with pytest.raises(AssertionError):
            locked(path)


# ---- the runtime's code imports only what the runtime lock holds ----------------------------

PACKAGES = ("vital", "program", "components", "tools", "vital_policies", "bootstrap", "identity_policies")
# What the CLI runs: the program (__main__.py imports these), both packs' rules, the bootstrap program.
RUNTIME_ENTRIES = ("program.build", "program.load", "vital.stackfile", "vital_policies.catalog",
                   "identity_policies.catalog", "bootstrap.build", "bootstrap.config")
_PYTHON_M = re.compile(r"python3? -m ((?:tools)(?:\.\w+)*)")


def privileged(job: dict) -> bool:
    """A job that holds a credential: an OIDC token for a role, or a secret."""
    text = str(job)
    return job.get("permissions", {}).get("id-token") == "write" or "secrets." in text


def privileged_tools() -> set[str]:
    found = set()
    wf = {name: load(WORKFLOWS / f"{name}.yml") for name in NAMES}
    for _, _, job in jobs(wf):
        if privileged(job) or any("make runtime" in s.get("run", "") for s in job["steps"]):
            for step in job["steps"]:
                found.update(_PYTHON_M.findall(step.get("run", "")))
    return found


def external_imports(entries: set[str]) -> set[str]:
    """Top-level third-party packages the entries import, directly or through our modules,
    lazy imports inside functions included (grimp reads every import statement)."""
    import grimp

    graph = grimp.build_graph(*PACKAGES, include_external_packages=True)
    ours = lambda m: m.split(".")[0] in PACKAGES  # noqa: E731
    reached = set(entries)
    for entry in entries:
        reached |= {m for m in graph.find_upstream_modules(entry) if ours(m)}
    return {imported.split(".")[0] for module in reached for imported in graph.find_modules_directly_imported_by(module)
            if not ours(imported)}


def test_the_runtime_lock_holds_every_package_the_runtime_imports():
    tools = privileged_tools()
    assert {"tools.redact", "tools.diff.preview", "tools.deploy", "tools.policy.committed", "tools.rotate",
            "tools.oidc"} <= tools, tools
    externals = external_imports({*RUNTIME_ENTRIES, *tools})
    distributions = md.packages_distributions()
    needed = {normalize(dist) for top in externals for dist in distributions.get(top, [])}
    standard = {top for top in externals if top not in distributions}
    assert {"pulumi", "pulumi-policy", "pydantic", "publicsuffixlist", "ruamel-yaml"} <= needed  # not vacuous
    assert needed - {"vital-expert-infra"} - set(locked(RUNTIME)) == set()
    assert standard <= set(__import__("sys").stdlib_module_names), standard - set(__import__("sys").stdlib_module_names)


def test_cryptography_is_declared_where_the_doctor_uses_it():
    assert "cryptography" in external_imports({"tools.doctor.cli"})
    assert "cryptography" in direct(ROOT / "requirements-dev.in")


# ---- the privileged jobs install the runtime, hashed, and nothing else ----------------------

def test_make_runtime_installs_only_the_runtime_lock_with_hashes(tmp_path):
    venv = tmp_path / "venv"
    dry = subprocess.run(["make", "-n", "-B", "runtime", f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True,
                         timeout=30, check=True).stdout
    installs = [line for line in dry.splitlines() if " -m pip install " in line]
    assert installs == [f"{venv}/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt",
                        f"{venv}/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e ."]


def test_every_job_that_holds_a_credential_installs_the_runtime_only():
    wf = {name: load(WORKFLOWS / f"{name}.yml") for name in NAMES}
    checked = 0
    for name, job_id, job in jobs(wf):
        runs = [s.get("run", "") for s in job["steps"]]
        installs = [r for r in runs if "make venv" in r or "make runtime" in r or "pip install" in r]
        if privileged(job):
            assert installs == ["make runtime"], f"{name}/{job_id}: {installs}"
            checked += 1
        elif installs:
            assert installs in (["make runtime"], ["make venv"]), f"{name}/{job_id}: {installs}"
    assert checked >= 8

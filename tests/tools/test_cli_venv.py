"""A virtualenv the Pulumi CLI made itself runs the policy pack (issue 27, item 17).

The CLI's Python toolchain (pulumi/pulumi sdk/python/toolchain/pip.go InstallDependencies)
creates the virtualenv with `python -m venv <dir>` and installs `pip install -r
requirements.txt` into it, nothing else: the project's own package (`vital`, which `make venv`
installs with `pip install -e .`) is not there. The pack must start all the same, launched as
the CLI launches it (`python -u -m pulumi.policy <engine> .` in policies/).

The test builds such an interpreter without the network: a fresh `python -m venv --without-pip`
whose site-packages reaches the project virtualenv's installed requirements through a .pth
line. Python reads .pth files only in site directories, so the project virtualenv's own
`__editable__` hook for `vital` is not run: `vital` is importable only as the pack arranges it.
"""

from __future__ import annotations

import site
import subprocess
import sys
from pathlib import Path

import pytest

from dev import pack_process as process
from dev.pack_process import PackProcess
from vital.names import PROJECT


@pytest.fixture(scope="module")
def cli_made_python(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("cli-venv") / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    own_site = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                              capture_output=True, text=True, check=True, timeout=30).stdout.strip()
    requirements = next(p for p in site.getsitepackages() if Path(p, "pulumi_policy").is_dir())
    Path(own_site, "requirements.pth").write_text(requirements + "\n")
    return python


def test_the_cli_made_virtualenv_has_the_requirements_and_not_the_project(cli_made_python, tmp_path):
    probe = "import pulumi_policy, pulumi\ntry:\n import vital\nexcept ModuleNotFoundError:\n print('no vital')"
    done = subprocess.run([str(cli_made_python), "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "no vital", done.stderr


def test_the_pack_starts_from_the_cli_made_virtualenv(cli_made_python, monkeypatch):
    monkeypatch.setattr(process, "pack_python", lambda pack_dir=process.PACK_DIR: cli_made_python)
    with PackProcess(PROJECT, "production", {f"{PROJECT}:tier": "production"}) as pack:
        assert pack.info is not None and pack.info.name  # GetAnalyzerInfo answered: the pack imported vital

"""The policy pack as its own process, started exactly as `pulumi preview --policy-pack policies` starts it.

(pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go and the
`pulumi-analyzer-policy-python` shim): the interpreter of PulumiPolicy.yaml's `virtualenv`
runs `python -u -m pulumi.policy <engine-address> .` in the pack's directory, with
PULUMI_PROJECT, PULUMI_STACK, PULUMI_DRY_RUN and PULUMI_CONFIG (the stack's config,
"ns:key" -> string) in its environment; it prints its gRPC port and serves the Analyzer
protocol (dev/pack_client.py). Nothing dials the engine address:
pulumi/policy/__main__.py parses it and never uses it, and pulumi.log falls back to stderr
without an engine, so any string will do.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import grpc
import yaml

from tools.mockrt import Registration, Rendered
from tools.policy.analyzer import ENGINE_ADDRESS
from tools.policy.config import PackInfo
from tools.policy.diagnostics import to_violations
from tools.policy.errors import PolicyPackError
from tools.projects import INFRA

from .pack_client import AnalyzerClient

PACK_DIR = INFRA.pack_dir
STARTUP_TIMEOUT_S = 30.0
CALL_TIMEOUT_S = 60.0


def pack_python(pack_dir: Path = PACK_DIR) -> Path:
    """The interpreter the CLI's shim would use: PulumiPolicy.yaml's virtualenv, else this one."""
    manifest = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text()) or {}
    runtime = manifest.get("runtime")
    options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    if venv:
        candidate = pack_dir / venv / "bin" / "python"
        if candidate.exists():
            return candidate
    return Path(sys.executable)


class PackProcess:
    """One running pack for one stack (PULUMI_STACK is per process), usable for many analyses.

    with PackProcess("vital-expert-infra", "production", config) as pack:
        result = pack.run(rendered.resources, pack_config)
    """

    def __init__(
        self,
        project: str,
        stack: str,
        config: Mapping[str, str] | None = None,
        dry_run: bool = True,
        pack_dir: Path = PACK_DIR,
        startup_timeout: float = STARTUP_TIMEOUT_S,
        call_timeout: float = CALL_TIMEOUT_S,
    ) -> None:
        self.project, self.stack, self.dry_run = project, stack, dry_run
        self.config = dict(config or {})
        self.pack_dir = Path(pack_dir)
        self.startup_timeout, self.call_timeout = startup_timeout, call_timeout
        self.proc: subprocess.Popen | None = None
        self.client: AnalyzerClient | None = None
        self.info: PackInfo | None = None
        self.startup_s: float | None = None  # spawn to GetAnalyzerInfo answered
        self._stderr: IO[bytes] | None = None
        self._spawned_at = 0.0

    # lifecycle

    def __enter__(self) -> PackProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> PackProcess:
        self.spawn()
        self.wait_ready()
        return self

    def spawn(self) -> None:
        """Start the process (returns at once; wait_ready() waits for it to serve)."""
        python = pack_python(self.pack_dir)
        env = dict(os.environ)
        env.pop("PYTHONHOME", None)
        env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
        env.update(
            {
                "PULUMI_PROJECT": self.project,
                "PULUMI_STACK": self.stack,
                "PULUMI_DRY_RUN": "true" if self.dry_run else "false",
                "PULUMI_CONFIG": json.dumps(self.config),
            }
        )
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - the pack writes to it until close() closes it
        self._spawned_at = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                [str(python), "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, "."],
                cwd=self.pack_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except OSError as err:
            self.close()
            raise PolicyPackError(f"policy pack {self.pack_dir} failed to start: {err}") from None

    def wait_ready(self) -> None:
        try:
            port = self._read_port()
            self.client = AnalyzerClient(f"127.0.0.1:{port}", self.pack_dir, self.call_timeout, self.stderr_tail)
            self.info = self.client.introduce(self.project, self.stack, self.config, self.dry_run, self._left)
            self.startup_s = time.monotonic() - self._spawned_at
        except grpc.FutureTimeoutError:
            self.close()
            raise PolicyPackError(
                f"policy pack {self.pack_dir} did not accept a connection within {self.startup_timeout:g} s"
            ) from None
        except grpc.RpcError as err:
            detail = (err.details() or "").strip().splitlines()
            message = self._failure(f"answered {err.code().name}: {detail[-1] if detail else 'no detail'}")
            self.close()
            raise PolicyPackError(message) from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop the pack: bounded waits, then kill; safe to call twice."""
        if self.client is not None:
            self.client.close()
            self.client = None
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _left(self) -> float:
        return max(0.1, self.startup_timeout - (time.monotonic() - self._spawned_at))

    def _read_port(self) -> int:
        assert self.proc is not None and self.proc.stdout is not None
        out = self.proc.stdout
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(out, selectors.EVENT_READ)
            while b"\n" not in buffer:
                if time.monotonic() - self._spawned_at > self.startup_timeout:
                    raise PolicyPackError(self._failure(f"printed no port within {self.startup_timeout:g} s"))
                if not selector.select(timeout=0.05):
                    continue
                chunk = os.read(out.fileno(), 4096)
                if not chunk:  # the pack exited
                    with suppress(subprocess.TimeoutExpired):
                        self.proc.wait(timeout=5)
                    raise PolicyPackError(self._failure(f"exited with code {self.proc.returncode} before serving"))
                buffer += chunk
        line = buffer.partition(b"\n")[0]
        try:
            port = int(line.strip())
        except ValueError:
            raise PolicyPackError(self._failure(f"printed {line[:80]!r} instead of its port")) from None
        # Keep reading stdout so a rule's stray print can never fill the pipe and stall the pack.
        threading.Thread(target=_drain, args=(out,), daemon=True).start()
        return port

    def _failure(self, what: str) -> str:
        return f"policy pack {self.pack_dir} failed to start: it {what}; its stderr ends: {self.stderr_tail() or '(empty)'}"

    def stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        lines = [line.strip() for line in self._stderr.read().decode(errors="replace").splitlines() if line.strip()]
        return lines[-1] if lines else ""

    # analysis

    def configure(self, pack_config: Mapping[str, Any] | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
        """Validate the pack config against the schemas, then send it (replacing any earlier one)."""
        assert self.client is not None, "start() first"
        return self.client.configure(pack_config)

    def analyze(self, resources: Sequence[Registration]) -> list[dict[str, Any]]:
        """Analyze every custom resource, then the whole stack; the violations, sorted."""
        assert self.client is not None, "start() first"
        return to_violations(self.client.analyze(resources), resources, self.info)

    def run(self, resources: Sequence[Registration], pack_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self.configure(pack_config)
        assert self.info is not None, "start() first"
        return {"pack": self.info.label, "violations": self.analyze(resources)}


def _drain(stream) -> None:
    try:
        while stream.read(4096):
            pass
    except (OSError, ValueError):
        pass


# ---- entry points ----------------------------------------------------------------------------------


def analyze(
    rendered: Rendered,
    pack_config: Mapping[str, Any] | None = None,
    dry_run: bool = True,
    config: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Start the pack for the rendered stack, analyze it, stop the pack.

    `config` is the stack's config as the CLI passes it (e.g. vital.stackfile.read(stack).config);
    the pack reads the tier and plan from it. Returns {"pack": "name@vX", "violations": [{"policy",
    "enforcementLevel", "urn", "message"}]}. Raises PolicyConfigError for a bad pack config and
    PolicyPackError when the pack fails to start or answer.
    """
    with PackProcess(rendered.project, rendered.stack, config, dry_run) as pack:
        return pack.run(rendered.resources, pack_config)


@contextmanager
def spawned(stacks: Iterable[tuple[str, str, Mapping[str, str]]], dry_run: bool = True) -> Iterator[list[PackProcess]]:
    """One pack process per (project, stack, config), all spawned at once and closed on exit.

    Each still needs wait_ready() before use, so the caller can work while they start.
    """
    packs: list[PackProcess] = []
    try:
        for project, stack, config in stacks:
            pack = PackProcess(project, stack, config, dry_run)
            packs.append(pack)
            pack.spawn()
        yield packs
    finally:
        for pack in packs:
            pack.close()


def analyze_stacks(
    stacks: Iterable[tuple[Rendered, Mapping[str, str]]],
    pack_config: Mapping[str, Any] | None = None,
    dry_run: bool = True,
) -> list[dict[str, Any]]:
    """analyze() for several stacks: one pack process per stack, all started before the first is used."""
    jobs = list(stacks)
    results = []
    with spawned(((r.project, r.stack, config) for r, config in jobs), dry_run) as packs:
        for pack, (rendered, _) in zip(packs, jobs, strict=True):
            pack.wait_ready()
            results.append(pack.run(rendered.resources, pack_config))
    return results

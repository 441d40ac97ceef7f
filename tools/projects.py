"""The repository's two Pulumi projects, as synth renders them: the tiers' (the repository's root)
and the bootstrap project (bootstrap/): where each keeps its program, stack files and pack."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from vital import stackfile
from vital.names import TIERS
from vital.trust import BOOTSTRAP_STACK


@dataclass(frozen=True)
class Project:
    key: str  # what --project takes
    root: Path
    stacks: tuple[str, ...]  # what --stack all means

    @property
    def program(self) -> Path:
        return self.root / "__main__.py"

    @property
    def project_file(self) -> Path:
        return self.root / "Pulumi.yaml"

    @property
    def pack_dir(self) -> Path:
        return self.root / "policies"

    @cached_property
    def name(self) -> str:
        """Pulumi.yaml's `name`: URNs, config namespace, the DIY backend's paths."""
        return stackfile.project(self.project_file)["name"]

    def stack_file(self, stack: str) -> Path:
        return self.root / f"Pulumi.{stack}.yaml"


INFRA = Project("infra", stackfile.ROOT, TIERS)
BOOTSTRAP = Project("bootstrap", stackfile.ROOT / "bootstrap", (BOOTSTRAP_STACK,))
PROJECTS = {p.key: p for p in (INFRA, BOOTSTRAP)}

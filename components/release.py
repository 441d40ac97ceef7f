"""ReleaseGates: a project's production deployments wait for the app repository's checks, then roll
out in stages (strategy: "production safety through multi-stage validation")."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumiverse_vercel as vercel

from vital.facts import DEPLOYMENT_CHECK_BLOCKS_ALIAS

from .base import VitalComponent
from .specs import ReleaseSpec


@dataclass(frozen=True)
class ReleaseGatesOutputs:
    check_names: list[str]
    staged: bool


class ReleaseGates(VitalComponent[ReleaseGatesOutputs]):
    """Exposes `checks` (one ProjectDeploymentCheck per GitHub check) and `rolling_release` (or None)."""

    TYPE = "vital:vercel:ReleaseGates"

    def __init__(
        self, name: str, spec: ReleaseSpec, project_id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, opts)
        # A gate, not a runner: the app repository's workflow reports the check run on the commit;
        # the production alias is assigned only once it passes.
        self.checks = [
            vercel.ProjectDeploymentCheck(
                self.child(f"check-{check}"),
                project_id=project_id,
                name=f"GitHub: {check}",
                requires=spec.requires,
                blocks=DEPLOYMENT_CHECK_BLOCKS_ALIAS,
                targets=["production"],
                is_rerequestable=False,  # never for a git-provider source
                source=vercel.ProjectDeploymentCheckSourceArgs(
                    kind="git-provider", provider="github", external_check_name=check
                ),
                opts=self.opts(),
            )
            for check in spec.checks
        ]
        self.rolling_release = (
            vercel.ProjectRollingRelease(
                self.child("rolling-release"),
                project_id=project_id,
                advancement_type=spec.advancement,
                stages=[
                    vercel.ProjectRollingReleaseStageArgs(
                        target_percentage=stage.percent,
                        duration=stage.minutes if spec.advancement == "automatic" else None,
                    )
                    for stage in spec.stages
                ],
                opts=self.opts(),
            )
            if spec.stages
            else None
        )
        self.done(ReleaseGatesOutputs(check_names=list(spec.checks), staged=bool(spec.stages)))

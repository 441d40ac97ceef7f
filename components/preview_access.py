"""PreviewAccess: the ways past a tier's Deployment Protection that the strategy's demos and tests need.

Automation (end-to-end runs) gets one ProjectProtectionBypass per project; its secret goes to the
tier's GitHub environment. People (client demos, stakeholder reviews) get a ShareableLink per
alias: a URL that opens that one protected branch or deployment without a Vercel login.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumiverse_vercel as vercel

from .base import VitalComponent
from .specs import PreviewAccessSpec


@dataclass(frozen=True)
class PreviewAccessOutputs:
    bypass_secrets: dict[str, pulumi.Output[str]]
    link_urls: dict[str, pulumi.Output[str]]


class PreviewAccess(VitalComponent[PreviewAccessOutputs]):
    """Exposes `bypass_secrets` (app name -> secret Output) and `link_urls` (alias -> secret Output)."""

    TYPE = "vital:vercel:PreviewAccess"

    def __init__(
        self,
        name: str,
        spec: PreviewAccessSpec,
        project_ids: Mapping[str, pulumi.Input[str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        self.bypasses = {
            app: vercel.ProjectProtectionBypass(
                self.child(f"bypass-{app}"),
                project_id=project_ids[app],
                # Vercel generates the secret. is_env_var makes this the bypass builds see as
                # VERCEL_AUTOMATION_BYPASS_SECRET even when the project already had one (a solo
                # bypass is the default anyway; an older one would otherwise stay it).
                note="GitHub Actions end-to-end runs",
                is_env_var=True,
                opts=self.opts(),
            )
            for app in spec.bypass_apps
        }
        self.links = {
            link.alias: vercel.ShareableLink(
                self.child(f"link-{link.alias}"),
                alias=link.alias,
                ttl_seconds=link.ttl_seconds,
                rotation_id=link.rotation,
                # Vercel keeps one link per alias and cannot create a replacement first.
                opts=self.opts(delete_before_replace=True),
            )
            for link in spec.links
        }
        self.done(
            PreviewAccessOutputs(
                bypass_secrets={app: pulumi.Output.secret(b.secret) for app, b in self.bypasses.items()},
                link_urls={alias: pulumi.Output.secret(link.url) for alias, link in self.links.items()},
            )
        )

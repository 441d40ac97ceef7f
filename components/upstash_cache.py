"""UpstashCache: the tier's own Redis database (every tier owns one; preview's is shared by its PR deployments)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import upstash_pulumi as upstash

from .base import VitalComponent
from .specs import CacheSpec


@dataclass(frozen=True)
class UpstashCacheOutputs:
    rest_url: pulumi.Output[str]
    rest_token: pulumi.Output[str]


class UpstashCache(VitalComponent[UpstashCacheOutputs]):
    """Exposes `rest_url` and `rest_token` (secret) for the Vercel env vars, from this stack's own
    database only: no stack reads another's cache or its read-write token."""

    TYPE = "vital:upstash:UpstashCache"

    def __init__(self, name: str, spec: CacheSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        # Production's data must survive any stack mistake: protect refuses a delete,
        # retain_on_delete keeps the database even if protection is lifted and it is removed.
        keep = {"protect": spec.protect, "retain_on_delete": spec.retain_on_delete}
        self.database = upstash.RedisDatabase(
            self.child("redis"),
            database_name=spec.database_name,
            region="global",
            primary_region=spec.primary_region,
            tls=True,
            eviction=spec.eviction,
            budget=spec.budget_usd,  # None: the provider's default ($20 a month)
            opts=self.opts(**{k: v for k, v in keep.items() if v}),
        )
        self.done(
            UpstashCacheOutputs(
                rest_url=self.database.endpoint.apply(lambda host: f"https://{host}"),
                rest_token=pulumi.Output.secret(self.database.rest_token),
            )
        )

"""UpstashCache: the tier's Redis database, or the one it shares through a stack reference."""

from __future__ import annotations

import pulumi
import upstash_pulumi as upstash

from vital.names import REST_TOKEN_OUTPUT, REST_URL_OUTPUT

from .base import VitalComponent
from .specs import CacheSpec, RedisSpec


class UpstashCache(VitalComponent):
    """Exposes `rest_url` and `rest_token` (secret) for the Vercel env vars."""

    TYPE = "vital:upstash:UpstashCache"

    def __init__(self, name: str, spec: CacheSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        self.database = self._database(spec.database) if spec.database else None
        self.shared_from = None
        if self.database is not None:
            self.rest_url = self.database.endpoint.apply(lambda host: f"https://{host}")
            self.rest_token = pulumi.Output.secret(self.database.rest_token)
        else:
            # Preview shares a cache (seed): read it from the stack that owns it.
            self.shared_from = pulumi.StackReference(self.child("shared"), stack_name=spec.shared_stack, opts=self.opts())
            self.rest_url = self.shared_from.require_output(REST_URL_OUTPUT)
            self.rest_token = pulumi.Output.secret(self.shared_from.require_output(REST_TOKEN_OUTPUT))
        self.done({"rest_url": self.rest_url, "rest_token": self.rest_token})

    def _database(self, spec: RedisSpec) -> upstash.RedisDatabase:
        # Production's data must survive any stack mistake: protect refuses a delete,
        # retain_on_delete keeps the database even if protection is lifted and it is removed.
        keep = {"protect": spec.protect, "retain_on_delete": spec.retain_on_delete}
        return upstash.RedisDatabase(
            self.child("redis"),
            database_name=spec.database_name,
            region="global",
            primary_region=spec.primary_region,
            tls=True,
            eviction=spec.eviction,
            budget=spec.budget_usd,  # None: the provider's default ($20 a month)
            opts=self.opts(**{k: v for k, v in keep.items() if v}),
        )

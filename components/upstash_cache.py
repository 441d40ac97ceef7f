"""UpstashCache: the tier's Redis database, or the one it shares through a stack reference."""

from __future__ import annotations

import pulumi
import upstash_pulumi as upstash

from .base import VitalComponent
from .config import StackConfig

from vital.names import REST_TOKEN_OUTPUT, REST_URL_OUTPUT, redis_database_name


class UpstashCache(VitalComponent):
    """Exposes `rest_url` and `rest_token` (secret) for the Vercel env vars."""

    TYPE = "vital:upstash:UpstashCache"

    def __init__(self, name: str, config: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        tier = config.tier_defaults
        self.database = None
        self.shared_from = None
        if tier.owns_cache:
            # Production's data must survive any stack mistake: protect refuses a delete,
            # retain_on_delete keeps the database even if protection is lifted and it is removed.
            keep = {"protect": True, "retain_on_delete": True} if tier.protect else {}
            self.database = upstash.RedisDatabase(
                self.child("redis"),
                database_name=redis_database_name(tier.project_suffix),
                region="global",
                primary_region=config.upstash_primary_region,
                tls=True,
                eviction=not tier.protect,  # production keeps keys; caches may evict
                opts=self.opts(**keep),
            )
            self.rest_url = self.database.endpoint.apply(lambda host: f"https://{host}")
            self.rest_token = pulumi.Output.secret(self.database.rest_token)
        else:
            # Preview shares a cache (seed): read it from the stack that owns it.
            self.shared_from = pulumi.StackReference(self.child("shared"), stack_name=config.shared_cache_stack,
                                                     opts=self.opts())
            self.rest_url = self.shared_from.require_output(REST_URL_OUTPUT)
            self.rest_token = pulumi.Output.secret(self.shared_from.require_output(REST_TOKEN_OUTPUT))
        self.done({"rest_url": self.rest_url, "rest_token": self.rest_token})

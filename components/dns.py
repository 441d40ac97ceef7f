"""DnsRecords: the record each custom domain needs, in a zone on Vercel's nameservers (docs/dns.md)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumiverse_vercel as vercel

from .base import VitalComponent
from .specs import DnsRecordsSpec


@dataclass(frozen=True)
class DnsRecordsOutputs:
    domains: list[str]


class DnsRecords(VitalComponent[DnsRecordsOutputs]):
    """One `vercel.DnsRecord` per custom domain; exposes `domains`.

    A record depends on nothing: it names the zone and the value Vercel documents, not the
    project. Nor does a ProjectDomain wait for its record: without `wait_for_ready` (unset) the
    provider creates the domain at once and Vercel verifies it when the record resolves, so the
    two can be created in either order.
    """

    TYPE = "vital:vercel:DnsRecords"

    def __init__(self, name: str, spec: DnsRecordsSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        # Production: a deleted record takes the domain off the internet within one TTL, so the
        # records are protected like the project and its domains.
        keep = {"protect": True} if spec.protect else {}
        self.records = [
            vercel.DnsRecord(
                self.child(record.domain),
                domain=record.zone,
                name=record.name,
                type=record.type,
                value=record.value,
                ttl=record.ttl_s,
                comment=record.comment,
                # The provider replaces a record when its zone or type changes (vital.facts
                # DNS_RECORD_REPLACED_ON), and a type change keeps the name: a CNAME may not share
                # a name with any other record (RFC 1034 section 3.6.2), so the new record could
                # not be created beside the old one. Delete first; the gap lasts one apply.
                opts=self.opts(delete_before_replace=True, **keep),
            )
            for record in spec.records
        ]
        self.done(DnsRecordsOutputs(domains=[record.domain for record in spec.records]))

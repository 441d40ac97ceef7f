"""DnsRecords, built alone from a DnsRecordsSpec, and the spec's own invariants."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from components.dns import DnsRecords
from components.specs import DnsRecordSpec, DnsRecordsSpec
from tests.components.conftest import build, component, of_type

APP = DnsRecordSpec(domain="app.example.com", zone="example.com", name="app", type="CNAME",
                    value="cname.vercel-dns-0.com", comment="app.example.com to Vercel project web")
APEX = DnsRecordSpec(domain="example.com", zone="example.com", name="", type="A", value="76.76.21.21")


def test_one_record_per_domain_parented_named_and_protected(recorder):
    records = build(lambda: DnsRecords("dns-production", DnsRecordsSpec(records=(APP, APEX), managed=True, protect=True)))
    assert records.outputs.domains == ["app.example.com", "example.com"]
    with pytest.raises(dataclasses.FrozenInstanceError):  # typed, frozen outputs (components/base.py)
        records.outputs.domains = []  # type: ignore[misc]
    parent = component(recorder, "vital:vercel:DnsRecords")
    found = {r.name: r for r in of_type(recorder, ":DnsRecord")}
    assert set(found) == {"dns-production-app.example.com", "dns-production-example.com"}
    assert found["dns-production-app.example.com"].inputs == {
        "domain": "example.com", "name": "app", "type": "CNAME", "value": "cname.vercel-dns-0.com", "ttl": 60,
        "comment": "app.example.com to Vercel project web"}
    assert found["dns-production-example.com"].inputs["name"] == "" and found["dns-production-example.com"].inputs["type"] == "A"
    for record in found.values():
        assert record.parent == parent.urn and record.type == "vercel:index/dnsRecord:DnsRecord"
        assert record.protect and record.delete_before_replace
        # Nothing to wait for: the zone and the documented value, not the project.
        assert record.dependencies == [] and not any(record.property_dependencies.values())
    assert not parent.protect  # protect is set per child, never inherited from the component


def test_records_outside_production_are_not_protected(recorder):
    build(lambda: DnsRecords("dns-preview", DnsRecordsSpec(records=(APP,), managed=True)))
    (record,) = of_type(recorder, ":DnsRecord")
    assert not record.protect and record.delete_before_replace


@pytest.mark.parametrize("changes, message", [
    ({"name": "", "domain": "example.com"}, "a CNAME cannot sit at the apex"),
    ({"name": "www"}, "is not 'app.example.com'"),
    ({"zone": "other.com"}, "is not 'app.example.com'"),
    ({"ttl_s": 59}, "greater than or equal to 60"),
    ({"ttl_s": 2**31}, "less than or equal to 2147483647"),
    ({"type": "AAAA"}, "'A' or 'CNAME'"),
    ({"comment": "x" * 501}, "at most 500 characters"),
    ({"value": ""}, "at least 1 character"),
])
def test_a_record_spec_refuses_what_the_provider_or_dns_would(changes, message):
    with pytest.raises(ValidationError, match=message):
        DnsRecordSpec(**{**APP.model_dump(), **changes})


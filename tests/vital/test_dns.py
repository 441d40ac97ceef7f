"""vital.dns: which record a custom domain needs, in which zone."""

from __future__ import annotations

import pytest

from vital import dns, validators
from vital.dns import VERCEL_DNS_TARGETS

CNAME, A = VERCEL_DNS_TARGETS["subdomain"], VERCEL_DNS_TARGETS["apex"]


@pytest.mark.parametrize("domain, zone, expected", [
    ("app.vitalexpert.com", None, ("vitalexpert.com", "app", "CNAME", CNAME.value)),
    ("app.vitalexpert.com", "vitalexpert.com", ("vitalexpert.com", "app", "CNAME", CNAME.value)),
    ("vitalexpert.com", None, ("vitalexpert.com", "", "A", A.value)),
    ("a.b.vitalexpert.com", "b.vitalexpert.com", ("b.vitalexpert.com", "a", "CNAME", CNAME.value)),
    ("dev.vitalexpert.com", "dev.vitalexpert.com", ("dev.vitalexpert.com", "", "A", A.value)),
    # The Public Suffix List knows co.uk is a suffix, so the zone is example.co.uk, not co.uk.
    ("shop.example.co.uk", None, ("example.co.uk", "shop", "CNAME", CNAME.value)),
    ("example.co.uk", None, ("example.co.uk", "", "A", A.value)),
])
def test_the_record_a_domain_needs(domain, zone, expected):
    record = dns.record_for(domain, zone)
    assert (record.zone, record.name, record.type, record.value) == expected and record.domain == domain


def test_a_domain_outside_its_zone_has_no_record():
    with pytest.raises(ValueError, match="app.example.org is not in the zone vitalexpert.com"):
        dns.record_for("app.example.org", "vitalexpert.com")


def test_within_compares_whole_labels():
    assert dns.within("a.b.vitalexpert.com", "vitalexpert.com") and dns.within("vitalexpert.com", "vitalexpert.com")
    assert not dns.within("notvitalexpert.com", "vitalexpert.com") and not dns.within("vitalexpert.com", "app.vitalexpert.com")


def test_the_accepted_values_are_the_documented_ones_current_first():
    assert dns.accepted_values("CNAME") == ("cname.vercel-dns-0.com", "cname.vercel-dns.com")
    assert dns.accepted_values("A") == ("76.76.21.21",) and dns.accepted_values("AAAA") == ()


def test_a_zone_is_not_a_public_suffix():
    assert validators.dns_zone("vitalexpert.com") == "vitalexpert.com"
    assert validators.dns_zone("preview.vitalexpert.com") == "preview.vitalexpert.com"
    for suffix in ("co.uk", "com.au"):
        with pytest.raises(ValueError, match="not a public suffix"):
            validators.dns_zone(suffix)
    with pytest.raises(ValueError, match="host name"):
        validators.dns_zone("*.vitalexpert.com")

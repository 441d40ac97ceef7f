"""An allow-list entry that covers every address is no allow-list: the config refuses it in
adminAllowlist and trustedIps (one line, the value named), and the admin-allowlist policy does not
count a deny whose list holds it (tests/policies/test_firewall_policy.py)."""

from __future__ import annotations

import pytest

from vital import validators


@pytest.mark.parametrize("value, every", [
    ("0.0.0.0/0", True), ("::/0", True), ("0.0.0.0/1", False), ("203.0.113.0/24", False), ("203.0.113.7", False),
    ("::1", False), ("not-an-address", False), (None, False), (7, False),
])
def test_covers_every_address(value, every):
    assert validators.covers_every_address(value) is every


def test_an_allowlist_entry_must_be_narrower_than_every_address():
    assert validators.allowlist_cidr("203.0.113.0/24") == "203.0.113.0/24"
    for value in ("0.0.0.0/0", "::/0"):
        with pytest.raises(ValueError) as err:
            validators.allowlist_cidr(value)
        assert str(err.value) == ("allowed: an address or network narrower than every address; 0.0.0.0/0 or ::/0 "
                                  "in an allow-list lets anyone in")
    with pytest.raises(ValueError, match="^allowed: an IP address or a network in CIDR notation"):
        validators.allowlist_cidr("203.0.113.7/24")  # host bits set: cidr()'s own check first

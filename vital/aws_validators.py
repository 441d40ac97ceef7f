"""Checks of AWS values the bootstrap project and the backend's operations take: a state bucket's
name, a region, a KMS key id, a lifecycle's days (vital/facts.py has each rule's source).

Like vital.validators, each raises ValueError whose text starts "allowed: ...", and no pydantic:
the policy packs may import it.
"""

from __future__ import annotations

import re

from vital import facts


def s3_bucket_name(value: str) -> str:
    """AWS's naming rules for general-purpose buckets (vital.facts has the source)."""
    reserved = [p for p in facts.S3_BUCKET_RESERVED_PREFIXES if value.startswith(p)]
    reserved += [s for s in facts.S3_BUCKET_RESERVED_SUFFIXES if value.endswith(s)]
    if reserved:
        raise ValueError(f"allowed: an S3 bucket name; AWS reserves {reserved[0]!r}")
    if (
        not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", value)
        or ".." in value
        or re.fullmatch(r"[0-9]+(\.[0-9]+){3}", value)
    ):
        raise ValueError(
            "allowed: an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-', starting and "
            "ending with a letter or digit, no '..', not an IP address"
        )
    return value


def aws_region(value: str) -> str:
    if not re.fullmatch(facts.AWS_REGION_PATTERN, value):
        raise ValueError("allowed: an AWS region code such as eu-central-1")
    return value


def kms_key_id(value: str) -> str:
    if not re.fullmatch(facts.KMS_KEY_ID_PATTERN, value):
        raise ValueError(
            "allowed: a KMS key id, such as 1234abcd-12ab-34cd-56ef-1234567890ab "
            "(`aws kms describe-key --key-id alias/NAME --query KeyMetadata.KeyId`)"
        )
    return value


def lifecycle_days(value: int) -> int:
    if isinstance(value, bool) or not 1 <= value <= facts.S3_LIFECYCLE_DAYS_MAX:
        raise ValueError(f"allowed: a whole number of days from 1 to {facts.S3_LIFECYCLE_DAYS_MAX}")
    return value

"""Where the state bucket is: its region, read with HeadBucket. Nothing here creates or changes
it: the bucket and its settings are the bootstrap stack's (bootstrap/components.py)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from tools.backend.clients import Backend
from tools.backend.errors import BackendError, http_status, region_header


def head_bucket_region(b: Backend) -> str | None:
    """Region the bucket lives in, None when no bucket has that name."""
    try:
        response = b.s3.head_bucket(Bucket=b.bucket, ExpectedBucketOwner=b.account())
    except ClientError as exc:
        status = http_status(exc)
        if status == 404:
            return None
        if status == 403:
            raise BackendError(
                f"HeadBucket on bucket {b.bucket!r} returned 403 for account {b.account()}: the bucket is "
                "owned by another account, or these credentials lack s3:ListBucket on it; expected a "
                f"bucket owned by {b.account()} - check --bucket or grant access"
            ) from exc
        region = region_header(exc.response)
        if region:
            return region
        raise
    return response.get("BucketRegion") or region_header(response) or bucket_location(b)


def bucket_location(b: Backend) -> str:
    location = b.s3.get_bucket_location(Bucket=b.bucket).get("LocationConstraint")
    # S3 reports us-east-1 as no constraint and old eu-west-1 buckets as "EU".
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def read_bucket(b: Backend) -> str | None:
    region = head_bucket_region(b)
    if region is not None and region != b.target.region:
        raise BackendError(
            f"bucket {b.bucket!r} is in region {region}, expected {b.target.region}: rerun with --region {region}"
        )
    if region is None:
        raise BackendError(
            f"bucket {b.bucket!r} does not exist in {b.target.region}; the bootstrap stack makes it "
            f"(`make bootstrap`, docs/bootstrap.md)"
        )
    return region

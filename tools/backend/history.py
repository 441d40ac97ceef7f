"""A stack's stored state versions in the bucket, and restoring one of them as current."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from tools.backend.bucket import read_bucket
from tools.backend.clients import Backend
from tools.backend.errors import BackendError


@dataclass(frozen=True)
class Version:
    version_id: str
    last_modified: datetime
    size: int
    current: bool
    delete_marker: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_modified"] = self.last_modified.isoformat()
        return data


def state_keys(stack: str, project: str) -> list[str]:
    """Where Pulumi's DIY backend keeps a stack's state: project-scoped first, then legacy."""
    keys = []
    for base in (f".pulumi/stacks/{project}/{stack}", f".pulumi/stacks/{stack}"):
        keys += [f"{base}.json", f"{base}.json.gz"]  # .gz when PULUMI_DIY_BACKEND_GZIP is set
    return keys


def list_versions(b: Backend, key: str) -> list[Version]:
    """Stored versions of exactly `key`, newest first (S3's listing order)."""
    versions: list[Version] = []
    paginator = b.s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=b.bucket, Prefix=key):
        for item in page.get("Versions", []):
            if item["Key"] == key:
                versions.append(Version(item["VersionId"], item["LastModified"], item["Size"], item["IsLatest"]))
        for item in page.get("DeleteMarkers", []):
            if item["Key"] == key:
                versions.append(Version(item["VersionId"], item["LastModified"], 0, item["IsLatest"], True))
    # Versions and delete markers come in separate lists; within one second, current wins.
    return sorted(versions, key=lambda v: (v.last_modified, v.current), reverse=True)


def current_version(versions: list[Version]) -> Version | None:
    return next((v for v in versions if v.current), None)


def find_state(b: Backend, stack: str, project: str) -> tuple[str, list[Version]]:
    read_bucket(b)  # a missing or wrong-region bucket gets its own clear message
    keys = state_keys(stack, project)
    for key in keys:
        versions = list_versions(b, key)
        if versions:
            return key, versions
    raise BackendError(
        f"no state for stack {stack!r} in bucket {b.bucket!r}: looked for "
        + ", ".join(keys)
        + f" (project {project!r}; pass --project if the stack belongs to another)"
    )


def restore(b: Backend, key: str, versions: list[Version], version_id: str) -> tuple[str, str]:
    """Copy `version_id` over `key`; returns (previous current id, new current id)."""
    wanted = next((v for v in versions if v.version_id == version_id), None)
    if wanted is None:
        raise BackendError(
            f"unknown version id {version_id!r} for s3://{b.bucket}/{key}; expected one of the "
            f"{len(versions)} versions listed by `history`"
        )
    if wanted.delete_marker:
        raise BackendError(f"version {version_id!r} of s3://{b.bucket}/{key} is a delete marker, not a state file")
    current = current_version(versions)
    # A copy (not a delete of newer versions) keeps the replaced state, so a restore can be undone.
    response = b.s3.copy_object(
        Bucket=b.bucket,
        Key=key,
        CopySource={"Bucket": b.bucket, "Key": key, "VersionId": version_id},
    )
    return (current.version_id if current else ""), response.get("VersionId", "")

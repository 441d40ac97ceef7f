"""`status`: each stack's state in the bucket, as the DIY backend keeps it (vital/diy.py): its
checkpoint, the last write, how many versions S3 keeps of it, and any lock.

Findings (exit 1): a stack with no checkpoint (not created yet, or deleted: a delete marker is
current), and a lock older than `stale_after` (a killed `up` leaves its lock; docs/locks.md says
how to clear it with `pulumi cancel`). A younger lock is reported, not a finding: an update
may be running. The bucket's own settings are not checked here any more: they are the
bootstrap stack's, and its drift is `pulumi preview --refresh --expect-no-changes` on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tools.backend.bucket import read_bucket
from tools.backend.clients import Backend
from tools.backend.history import Version, current_version, list_versions
from vital import diy

# The checkpoint's keys: plain, gzip or zstd (pkg/backend/diy state.go `stackPath`).
CHECKPOINT_SUFFIXES = ("", ".gz", ".zst")


@dataclass(frozen=True)
class Lock:
    key: str
    last_modified: datetime
    stale: bool


@dataclass(frozen=True)
class StackState:
    stack: str
    project: str
    key: str  # the checkpoint found, else the one the backend would write
    versions: tuple[Version, ...] = ()
    locks: tuple[Lock, ...] = field(default_factory=tuple)

    @property
    def current(self) -> Version | None:
        return current_version(list(self.versions))

    @property
    def exists(self) -> bool:
        return self.current is not None and not self.current.delete_marker

    def findings(self, stale_after: timedelta) -> list[str]:
        found = []
        if self.current is not None and self.current.delete_marker:
            found.append(
                f"stack {self.stack}: its checkpoint {self.key} was deleted (a delete marker is current); "
                f"`python -m tools.backend restore {self.project}/{self.stack} --version-id ID` brings one back"
            )
        elif not self.exists:
            found.append(
                f"stack {self.stack}: no checkpoint at {self.key} (not created yet: "
                f"`pulumi stack init`, docs/bootstrap.md)"
            )
        minutes = int(stale_after.total_seconds() // 60)
        found += [
            f"stack {self.stack}: lock {lock.key} is older than {minutes} minutes: a stopped `pulumi up` "
            f"left it (docs/locks.md: `pulumi cancel --stack {self.stack}`)"
            for lock in self.locks
            if lock.stale
        ]
        return found

    def as_json(self, stale_after: timedelta) -> dict[str, Any]:
        current = self.current
        return {
            "stack": self.stack,
            "project": self.project,
            "key": self.key,
            "exists": self.exists,
            "versions": len([v for v in self.versions if not v.delete_marker]),
            "lastWrite": current.last_modified.isoformat() if current else None,
            "locks": [
                {"key": lock.key, "lastModified": lock.last_modified.isoformat(), "stale": lock.stale}
                for lock in self.locks
            ],
            "findings": self.findings(stale_after),
        }


def _checkpoint(b: Backend, stack: str, project: str) -> tuple[str, list[Version]]:
    base = diy.checkpoint_key(stack, project)
    for suffix in CHECKPOINT_SUFFIXES:
        versions = list_versions(b, base + suffix)
        if versions:
            return base + suffix, versions
    return base, []


def _locks(b: Backend, stack: str, project: str, now: datetime, stale_after: timedelta) -> list[Lock]:
    locks = []
    paginator = b.s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=b.bucket, Prefix=diy.lock_prefix(stack, project)):
        for item in page.get("Contents", []):
            locks.append(Lock(item["Key"], item["LastModified"], now - item["LastModified"] > stale_after))
    return locks


def stack_state(b: Backend, stack: str, now: datetime, stale_after: timedelta) -> StackState:
    project = diy.project_of(stack)
    key, versions = _checkpoint(b, stack, project)
    return StackState(stack, project, key, tuple(versions), tuple(_locks(b, stack, project, now, stale_after)))


def status(b: Backend, stacks: tuple[str, ...], now: datetime, stale_after: timedelta) -> list[StackState]:
    read_bucket(b)  # a missing or wrong-region bucket gets its own clear message first
    return [stack_state(b, stack, now, stale_after) for stack in stacks]

"""Where Pulumi's DIY (S3) backend keeps each stack, key by key: what the CLI reads and writes.

Read from pulumi/pulumi pkg/backend/diy (project layout, `.pulumi/meta.yaml` version 1, the
layout every new bucket gets):

- `.pulumi/meta.yaml`: read by every command that opens the backend (meta.go
  `ensurePulumiMeta` / `readPulumiMeta`); written once, by the first login to an empty bucket.
- the checkpoint, `.pulumi/stacks/<project>/<stack>.json` (store.go
  `projectReferenceStore.StackBasePath`), or `.json.gz` / `.json.zst` with compression; a
  write first copies it to `<file>.bak` (state.go `backupTarget`), and with
  PULUMI_RETAIN_CHECKPOINTS a copy `<file>.<unix-nanos>` stays beside it: all `<stack>.json*`;
- the stack's tags, `<stack>.pulumi-tags` beside the checkpoint (stack_tags.go
  `stackTagsPath`), read on every preview and up (state.go `getTarget`, stack.go): a missing
  file is "no tags", anything else but NotFound is fatal (pulumi/pulumi#19882);
- history, `.pulumi/history/<project>/<stack>/<stack>-<nanos>.history.json` and
  `.checkpoint.json` (`HistoryDir`, state.go `addToHistory`);
- backups, `.pulumi/backups/<project>/<stack>/<stack>.<nanos>.json` (`BackupDir`, `backupStack`);
- the lock, `.pulumi/locks/organization/<project>/<stack>/<lock-id>.json` (lock.go
  `stackLockDir`, `lockPath`; a DIY backend's only organization is `organization`).

Listing: every command lists `.pulumi/stacks/` (backend.go, the legacy-stack warning), the
stack's checkpoint by its key prefix (state.go `stackPath`) and its lock directory
(lock.go `checkForLock`), so every role that opens the backend needs `s3:ListBucket`.
"""

from __future__ import annotations

from .names import PROJECT
from .trust import BOOTSTRAP_PROJECT, BOOTSTRAP_STACK

STATE_DIR = ".pulumi"
META_KEY = f"{STATE_DIR}/meta.yaml"
ORGANIZATION = "organization"


def project_of(stack: str) -> str:
    """The project a stack belongs to: the bootstrap stack to the bootstrap project, the rest to the tiers'."""
    return BOOTSTRAP_PROJECT if stack == BOOTSTRAP_STACK else PROJECT


def checkpoint_key(stack: str, project: str | None = None) -> str:
    """The uncompressed checkpoint's key (the CLI picks `.json.gz`/`.json.zst` when compressing)."""
    return f"{STATE_DIR}/stacks/{project or project_of(stack)}/{stack}.json"


def lock_prefix(stack: str, project: str | None = None) -> str:
    return f"{STATE_DIR}/locks/{ORGANIZATION}/{project or project_of(stack)}/{stack}/"


def stack_keys(stack: str, project: str | None = None) -> tuple[str, ...]:
    """Key patterns (IAM `*` wildcards) of every object the CLI reads or writes for one stack."""
    project = project or project_of(stack)
    return (
        f"{STATE_DIR}/stacks/{project}/{stack}.json*",
        f"{STATE_DIR}/stacks/{project}/{stack}.pulumi-tags",
        f"{STATE_DIR}/history/{project}/{stack}/*",
        f"{STATE_DIR}/backups/{project}/{stack}/*",
        f"{lock_prefix(stack, project)}*",
    )

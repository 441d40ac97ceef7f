#!/usr/bin/env bash
# `make bootstrap`: the bootstrap stack's one command, the first run and every later one
# (docs/bootstrap.md). An operator runs it with their own AWS credentials and a GITHUB_TOKEN
# that administers the infrastructure repository; `pulumi up` shows the preview and asks.
#
# - The stack already lives in the state bucket: `pulumi up` there.
# - Otherwise (a new account: no bucket yet), the first `up` keeps its state in bootstrap/.state
#   (git-ignored, on this machine), then `pulumi stack migrate` moves the stack into the bucket it
#   made, sealed with its own key (alias/pulumi-state-bootstrap), and a second `up` there shows
#   nothing left to do. Run again after an interruption: each step picks up where it stopped.
# Then GitHub's live subject prefix is checked against the stack (python -m tools.oidc check),
# and what to set in GitHub, with each tier's `pulumi stack init` line, is printed from the
# stack's outputs (python -m tools.backend settings).
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(cd .. && pwd)"
PY="$ROOT/.venv/bin/python"
STACK=bootstrap
WAIT=1800  # every CLI call has a deadline: 30 minutes (an up waits for the operator's answer)

fail() { echo "make bootstrap: $*" >&2; exit 2; }
command -v pulumi >/dev/null || fail "no pulumi CLI on PATH; install the version pinned in requirements.txt"
pin="$(sed -n 's/^pulumi==\([^ ]*\).*/\1/p' "$ROOT/requirements.txt")"
found="$(timeout 60 pulumi version)"
[ "${found#v}" = "$pin" ] || fail "pulumi is $found; allowed: v$pin, the version pinned in requirements.txt"
[ -n "${GITHUB_TOKEN:-}" ] || fail "GITHUB_TOKEN is not set; allowed: a token that administers the infrastructure repository (the stack sets its OIDC subject template)"

read -r BUCKET REGION < <(cd "$ROOT" && "$PY" -c '
from tools.projects import BOOTSTRAP
from vital import stackfile
config = stackfile.read("bootstrap", None, (), BOOTSTRAP.project_file).config
print(config[BOOTSTRAP.name + ":bucket"], config["aws:region"])')
S3="s3://$BUCKET?region=$REGION"
STATE_DIR="${BOOTSTRAP_STATE_DIR:-$PWD/.state}"
LOCAL="file://$STATE_DIR"
KMS="awskms://alias/pulumi-state-$STACK?region=$REGION"

if PULUMI_BACKEND_URL="$S3" timeout 120 pulumi stack select --non-interactive "$STACK" >/dev/null 2>&1; then
  echo "the $STACK stack lives in $S3"
  PULUMI_BACKEND_URL="$S3" timeout "$WAIT" pulumi up --stack "$STACK" --policy-pack policies
else
  echo "no $STACK stack in $S3 yet: the first up keeps its state in bootstrap/.state"
  mkdir -p "$STATE_DIR"
  # The stack holds no secret; its state is sealed with its own KMS key once it moves.
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
  PULUMI_BACKEND_URL="$LOCAL" timeout 120 pulumi stack select --non-interactive --create --secrets-provider passphrase "$STACK"
  PULUMI_BACKEND_URL="$LOCAL" timeout "$WAIT" pulumi up --stack "$STACK" --policy-pack policies
  PULUMI_BACKEND_URL="$S3" timeout 600 pulumi stack migrate "$LOCAL" "$STACK" --secrets-provider "$KMS" --yes
  echo "the $STACK stack now lives in $S3: commit bootstrap/Pulumi.$STACK.yaml (its secretsprovider), then delete bootstrap/.state"
  PULUMI_BACKEND_URL="$S3" timeout "$WAIT" pulumi up --stack "$STACK" --policy-pack policies
fi

(cd "$ROOT" && "$PY" -m tools.oidc --api-url "${GITHUB_API_URL:-https://api.github.com}" check)
PULUMI_BACKEND_URL="$S3" timeout 120 pulumi stack output --json --stack "$STACK" | (cd "$ROOT" && "$PY" -m tools.backend settings)

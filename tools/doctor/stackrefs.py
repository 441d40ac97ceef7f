"""A StackReference's name as the DIY backend parses it (pulumi/pulumi at sdk 3.260).

pkg/backend/diy/store.go: the project layout (projectReferenceStore.ParseReference) takes
`<stack>`, `<org>/<stack>` and `<org>/<project>/<stack>`, where the org must be "organization"
(or empty) and a missing project is the current one; the legacy layout
(legacyReferenceStore.ParseReference) takes a bare stack name only. Names are checked by
sdk/go/common/tokens: stack_name.go ParseStackName and project.go ValidateProjectName.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z0-9_.-]*")
MAX_NAME = 100


def stack_name_problem(name: str) -> str | None:
    """tokens.ParseStackName's message, or None."""
    if name == "":
        return "a stack name may not be empty"
    if len(name) > MAX_NAME:
        return f"a stack name cannot exceed {MAX_NAME} characters"
    end = _NAME.match(name).end()
    if end != len(name):
        return (f"a stack name may only contain alphanumeric, hyphens, underscores, or periods: "
                f"invalid character {name[end]!r} at position {end}")
    return None


def project_name_problem(name: str) -> str | None:
    """tokens.ValidateProjectName's message, or None."""
    if name == "":
        return "project names may not be empty"
    if len(name) > MAX_NAME:
        return f"project names are limited to {MAX_NAME} characters"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        return "project names may only contain alphanumerics, hyphens, underscores, and periods"
    return None


def diy_reference_problem(reference: str, legacy: bool) -> str | None:
    """Why the DIY backend refuses this StackReference name, in its words, or None."""
    if legacy:
        return stack_name_problem(reference)
    if reference == "":
        return "stack name must not be empty"
    parts = reference.split("/")
    org, project, name = {1: ("", "", parts[0]), 2: (parts[0], "", parts[-1])}.get(
        len(parts), (parts[0], parts[1], parts[2]) if len(parts) == 3 else ("", "", ""))
    if org not in ("", "organization"):
        return "organization name must be 'organization'"
    return (project_name_problem(project) if project else None) or stack_name_problem(name)

"""Row-level security, as Supabase's own security advisors report it.

The strategy asks for RLS on every table in production. The program does not create tables (the
app's migrations do), so the rule reads what the Supabase settings resource observed from
GET /v1/projects/{ref}/advisors/security (components/supabase/observed.py): tables in an
exposed schema without RLS (lints rls_disabled_in_public, policy_exists_rls_disabled).
Before the resource has read Supabase (a first preview) there is nothing to judge yet.
"""

from __future__ import annotations

from pulumi_policy import StackValidationArgs

from vital.policy_report import Report

from . import context
from .pack_config import setting
from .resources import elements, get, is_supabase_settings, label, peek


def rls(args: StackValidationArgs, report: Report) -> None:
    """Supabase's security advisors report no table without row-level security."""
    ctx = context.for_rule(args)
    if ctx.tier not in setting(args.get_config(), "rls", "tiers"):
        return
    settings = [r for r in args.resources if is_supabase_settings(r)]
    if not any(
        peek(r.props, key) is not None for r in settings for key in ("tables_without_rls", "observation_errors")
    ):
        args.not_applicable(
            "Supabase has not been read yet (the settings resource reports its security advisors "
            "once it exists); the check runs on the next preview"
        )
    for resource in settings:
        errors = peek(resource.props, "observation_errors")
        error = get(errors, "rls") if errors is not None else None
        if isinstance(error, str):
            report(
                f"{label(resource)} (tier {ctx.tier}): the security advisors could not be read ({error}); "
                f"allowed: a token with the advisors_read permission, and no table without RLS",
                resource.urn,
            )
            continue
        tables = [t for t in elements(peek(resource.props, "tables_without_rls")) if isinstance(t, str)]
        if tables:
            shown = ", ".join(tables[:10]) + (f" and {len(tables) - 10} more" if len(tables) > 10 else "")
            report(
                f"{label(resource)} (tier {ctx.tier}): Supabase's security advisors report {len(tables)} table(s) "
                f"without row-level security: {shown}; allowed: RLS enabled on every table in an exposed schema "
                f"(ALTER TABLE ... ENABLE ROW LEVEL SECURITY, in a migration)",
                resource.urn,
            )

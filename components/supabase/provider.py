"""The Pulumi dynamic provider for the settings of an existing Supabase project.

The project is never created or deleted: *create* adopts it (records the settings it found
as ``original``, then patches only the managed fields that differ), *update* patches only
what changed, *read* reports the live values (drift), and *delete* puts ``original`` back.

Managed fields: ``default_pool_size`` (Supavisor pooler), ``site_url`` and
``uri_allow_list`` (auth), and optionally ``allowed_cidrs`` (network restrictions;
``None`` = not managed).

Pickled by reference. When the resource is registered, Pulumi pickles the provider object
with dill (``pulumi.dynamic.dynamic.serialize_provider``) into the resource's ``__provider``
input, and the provider host unpickles it. Because ``SupabaseSettingsProvider`` lives in an
importable module (never ``__main__``), dill records its class as this module's path and
name, and the host imports this module to rebuild it: the pickle carries no code. The
instance holds nothing but ``_sleep`` (``None`` outside tests): no sockets, locks, clients
or credentials. A client is built per call from the resource's properties and the access
token, which the provider reads at each call from its own process's environment,
``SUPABASE_ACCESS_TOKEN``: the engine starts the dynamic provider's process with the CLI's
environment (pulumi/pulumi sdk/go/common/resource/plugin/plugin.go, ExecPlugin:
``environment := os.Environ()``). The token is never an input, so never in state, where every
role that decrypts the stack (a pull request's preview, for preview and pre-production) could
read it; it lives only in that short-lived client, which refuses to be pickled. ``check`` and
``diff`` make no API call, so a preview needs no token. The tests unpickle the provider in a
fresh process.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pulumi.dynamic

from vital.names import SUPABASE_ACCESS_TOKEN_ENV

from .client import SupabaseApiError, SupabaseManagementClient
from .endpoints import (
    auth_patch,
    get_auth,
    get_network,
    get_pool_size,
    require_network_entitlement,
    restore_original,
    set_auth,
    set_network,
    set_pool_size,
)
from .observed import OBSERVED_FIELDS, observe
from .settings import (
    OUTPUT_FIELDS,
    RECORDED_FIELDS,
    changed_fields,
    field_differs,
    is_unknown,
    join_uri_allow_list,
    network_cidrs,
    normalize_props,
    split_cidrs,
    split_uri_allow_list,
    validate_props,
)

log = logging.getLogger(__name__)


if TYPE_CHECKING:
    from .retry import SleepFn


class SupabaseSettingsProvider(pulumi.dynamic.ResourceProvider):
    """CRUD for the settings of an existing Supabase project (see module doc).

    ``sleep`` (default ``time.sleep``) is what retries wait with; tests inject
    a recorder. The instance holds nothing else, so dill pickles it cleanly.
    """

    def __init__(self, sleep: SleepFn | None = None) -> None:
        super().__init__()
        self._sleep = sleep

    def _client(self, p: Mapping[str, Any]) -> SupabaseManagementClient:
        return SupabaseManagementClient(
            project_ref=p["project_ref"],
            access_token=os.environ.get(SUPABASE_ACCESS_TOKEN_ENV, ""),
            api_url=p["api_url"],
            timeout_seconds=p["timeout_seconds"],
            max_attempts=p["max_attempts"],
            retry_base_delay_seconds=p["retry_base_delay_seconds"],
            max_retry_sleep_seconds=p["max_retry_sleep_seconds"],
            sleep=self._sleep,
        )

    @staticmethod
    def _outputs(p: Mapping[str, Any], original: Mapping[str, Any]) -> dict[str, Any]:
        outs = {key: p.get(key) for key in OUTPUT_FIELDS if key != "original"}
        for key in RECORDED_FIELDS:  # optional: absent rather than null, as state keeps it
            if outs[key] is None:
                del outs[key]
        outs["original"] = copy.deepcopy(dict(original))
        return outs

    # -- check / diff -----------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        inputs = normalize_props(news)
        return pulumi.dynamic.CheckResult(inputs, validate_props(inputs))

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        """Only managed fields and connection settings count; a different
        project_ref is a different project, so it replaces (adopt the new one,
        then restore the old one).

        A changed api_url / timeout / retry setting alone is reported as an
        in-place update that makes no API call: Pulumi hands refresh and delete
        the *stored* outputs, not the program's inputs. So is an access token
        that an earlier version stored in state (settings.DROPPED_FIELDS): the
        update writes outputs without it, never a replacement.
        """
        olds, news = normalize_props(_olds), normalize_props(_news)
        replaces = []
        if is_unknown(news.get("project_ref")) or olds.get("project_ref") != news.get("project_ref"):
            replaces.append("project_ref")
        changes = changed_fields(olds, news)
        return pulumi.dynamic.DiffResult(
            changes=bool(replaces or changes),
            replaces=replaces,
            delete_before_replace=False,
        )

    # -- create / update --------------------------------------------------------

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        """Adopt the project: record what is there as `original`, then patch
        only the managed fields that differ. Everything is read before anything
        is written; if a write fails, the writes already made are undone."""
        p = normalize_props(props)
        client = self._client(p)
        manage_network = p.get("allowed_cidrs") is not None

        live_pool = get_pool_size(client)
        live_auth = get_auth(client)
        original: dict[str, Any] = {
            "pooler": {"default_pool_size": live_pool},
            "auth": dict(live_auth),
        }
        if manage_network:
            live_net, entitlement = get_network(client)
            require_network_entitlement(client, entitlement)
            original["network_restrictions"] = live_net

        changed: list[str] = []
        try:
            if live_pool != p["default_pool_size"]:
                changed.append("pooler")
                set_pool_size(client, p["default_pool_size"])
            body = auth_patch(live_auth, p["site_url"], p["uri_allow_list"])
            if body:
                changed.append("auth")
                set_auth(client, body)
            if manage_network and frozenset(network_cidrs(live_net)) != frozenset(p["allowed_cidrs"]):
                changed.append("network_restrictions")
                set_network(client, split_cidrs(p["allowed_cidrs"]))
        except Exception as exc:
            self._undo_partial_create(client, original, changed, exc)
            raise
        return pulumi.dynamic.CreateResult(p["project_ref"], {**self._outputs(p, original), **observe(client)})

    @staticmethod
    def _undo_partial_create(
        client: SupabaseManagementClient, original: Mapping[str, Any], changed: Sequence[str], exc: Exception
    ) -> None:
        if not changed:
            return
        try:
            restore_original(client, original, changed)
        except Exception as undo_exc:
            raise SupabaseApiError(
                f"{exc}; undoing the partial adoption ({', '.join(changed)}) also failed: "
                f"{undo_exc}; the settings before adoption were {json.dumps(original, sort_keys=True)}",
                project_ref=client.project_ref,
            ) from None

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        """Patch only the managed fields whose desired value changed. A field
        that stops being managed (allowed_cidrs -> None) gets its original back."""
        olds, news = normalize_props(_olds), normalize_props(_news)
        original: dict[str, Any] = copy.deepcopy(dict(olds.get("original") or {}))
        client = self._client(news)

        if field_differs("default_pool_size", olds.get("default_pool_size"), news["default_pool_size"]):
            set_pool_size(client, news["default_pool_size"])

        body: dict[str, Any] = {}
        if field_differs("site_url", olds.get("site_url"), news.get("site_url")):
            body["site_url"] = news.get("site_url")
        if field_differs("uri_allow_list", olds.get("uri_allow_list"), news["uri_allow_list"]):
            body["uri_allow_list"] = join_uri_allow_list(news["uri_allow_list"])
        if body:
            set_auth(client, body)

        self._update_network(client, olds, news.get("allowed_cidrs"), original)
        # What Supabase reported stays as last observed (create and refresh observe; an update
        # calls nothing it does not have to).
        observed = {key: olds[key] for key in OBSERVED_FIELDS if key in olds}
        return pulumi.dynamic.UpdateResult({**self._outputs(news, original), **observed})

    @staticmethod
    def _update_network(
        client: SupabaseManagementClient, olds: Mapping[str, Any], want: list[str] | None, original: dict[str, Any]
    ) -> None:
        """Apply `want` to the network restrictions, adopting them when they start being
        managed and giving the recorded ones back when they stop (updates `original`)."""
        if want is not None:
            if original.get("network_restrictions") is None:  # starts being managed: adopt it
                live_net, entitlement = get_network(client)
                require_network_entitlement(client, entitlement)
                original["network_restrictions"] = live_net
                current: list[str] | None = network_cidrs(live_net)
            else:
                current = olds.get("allowed_cidrs")
            if field_differs("allowed_cidrs", current, want):
                set_network(client, split_cidrs(want))
        elif original.get("network_restrictions") is not None:  # stops being managed: give it back
            restore_original(client, original, ["network_restrictions"])
            del original["network_restrictions"]

    # -- read / delete ----------------------------------------------------------

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        """Return the live values of the managed fields, so refresh shows drift
        and the next diff patches it back."""
        p = normalize_props(props)
        p["project_ref"] = p.get("project_ref") or id_
        client = self._client(p)
        outs = self._outputs(p, p.get("original") or {})
        outs["default_pool_size"] = get_pool_size(client)
        live_auth = get_auth(client)
        outs["site_url"] = live_auth["site_url"]
        outs["uri_allow_list"] = split_uri_allow_list(live_auth["uri_allow_list"])
        if p.get("allowed_cidrs") is not None:
            live_net, _ = get_network(client)
            live = network_cidrs(live_net)
            # keep the recorded order when only the order differs
            outs["allowed_cidrs"] = (
                list(p["allowed_cidrs"]) if frozenset(live) == frozenset(p["allowed_cidrs"]) else live
            )
        # What Supabase reports of backups and row-level security: refresh and the drift job see the truth.
        outs.update(observe(client))
        return pulumi.dynamic.ReadResult(p["project_ref"], outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Put back the settings recorded at adoption (the project stays)."""
        p = normalize_props(_props)
        original = p.get("original") or {}
        if "pooler" not in original and "auth" not in original:
            log.warning(
                "supabase project %s: no record of the settings before adoption; leaving them as they are",
                p.get("project_ref") or _id,
            )
            return
        client = self._client(p)
        restore_original(client, original, ["pooler", "auth", "network_restrictions"])

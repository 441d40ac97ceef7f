"""The one adapter for the Pulumi SDK internals this project relies on.

The mock runtime, the config reader and the tests need a few names that the Pulumi SDKs do
not export as public API (underscored names, module-level state). Every use goes through
this module, so an SDK upgrade that moves one fails here, in one place, with a message that
says what moved, and tests/test_pulumi_internals.py pins each name's behaviour.

Imported lazily by whoever needs it: importing `vital` alone never imports pulumi.
"""

from __future__ import annotations

import importlib
import inspect
import os
import runpy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def _require(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ImportError(
            f"the installed SDK has no {module}.{name}, which this project uses through "
            f"vital/pulumi_internals.py; an SDK upgrade moved it: update the adapter"
        ) from None


# The wrapper the engine and SDK put around a secret value: {SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": ...}.
SECRET_SIG_KEY: str = _require("pulumi.runtime.rpc", "_special_sig_key")
SECRET_SIG_VALUE: str = _require("pulumi.runtime.rpc", "_special_secret_sig")
# The string that stands for a value not known during preview.
UNKNOWN: str = _require("pulumi.runtime.rpc", "UNKNOWN")

# Runs a coroutine to completion from synchronous code, on the SDK's own loop.
sync_await = _require("pulumi.runtime.sync_await", "_sync_await")
# Runs a program function the way the language host does (waits for every registration).
run_pulumi_func = _require("pulumi.runtime.stack", "run_pulumi_func")
serialize_properties = _require("pulumi.runtime.rpc", "serialize_properties")
MockMonitor = _require("pulumi.runtime.mocks", "MockMonitor")


def all_config() -> dict[str, str]:
    """Every config value the runtime holds ("ns:key" -> string), as the CLI passed it."""
    return dict(_require("pulumi.runtime.config", "CONFIG").get())


def is_config_secret(key: str) -> bool:
    return bool(_require("pulumi.runtime.config", "is_config_secret")(key))


def reset_program_state() -> None:
    """Forget the previous run's root Stack, pending RPCs and outputs (several runs per process)."""
    settings = importlib.import_module("pulumi.runtime.settings")
    _require("pulumi.runtime.settings", "ROOT").set(None)
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()


def root_resource() -> Any:
    return _require("pulumi.runtime.settings", "get_root_resource")()


@contextmanager
def stack_runtime(project: str, stack: str, config: Mapping[str, str] | None = None) -> Iterator[None]:
    """Point pulumi.get_stack() and pulumi.Config at a stack and its config, then restore them.

    What pulumi-policy does before each Analyze call, for rules run in this process.
    """
    settings = _require("pulumi.runtime.settings", "SETTINGS")
    config_var = _require("pulumi.runtime.config", "CONFIG")
    saved = (settings.project, settings.stack)
    settings.project, settings.stack = project, stack
    token = config_var.set(dict(config or {}))
    try:
        yield
    finally:
        config_var.reset(token)
        settings.project, settings.stack = saved


@contextmanager
def without_source_positions() -> Iterator[None]:
    """Register resources without the SDK capturing a stack trace for each (then restore it).

    pulumi.runtime.resource._get_stack_trace walks and formats the whole Python stack for every
    registration, so the engine can point at the line that created a resource; nothing offline
    reads it (the recording monitor ignores sourcePosition and stackTrace), and it is about a
    fifth of the render. The empty StackTrace is what the SDK itself sends when it finds no
    user frame.
    """
    module: Any = importlib.import_module("pulumi.runtime.resource")  # patched below: typed as Any
    original = _require("pulumi.runtime.resource", "_get_stack_trace")
    empty = _require("pulumi.runtime.proto.source_pb2", "StackTrace")
    module._get_stack_trace = empty
    try:
        yield
    finally:
        module._get_stack_trace = original


# What pulumi-policy's servicer reads from its process environment before every Analyze call
# (_PolicyAnalyzerServicer._configure_runtime_settings); the CLI sets them for the pack's process.
_PACK_ENVIRONMENT = ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_DRY_RUN", "PULUMI_ORGANIZATION", "PULUMI_CONFIG")


@contextmanager
def analyzer_runtime(project: str, stack: str, config: Mapping[str, str] | None = None) -> Iterator[None]:
    """The runtime a pack process has when the CLI starts it for `stack`, inside this process.

    pulumi.get_stack() and pulumi.Config answer for `stack` and its config (no secret keys:
    the CLI passes the pack none), and the process environment holds none of the variables
    the servicer would otherwise apply over the whole runtime (pulumi.runtime.configure
    replaces every setting, the mock monitor included). Everything is restored on exit, so
    no stack's config or settings reach the next one.
    """
    secret_keys = _require("pulumi.runtime.config", "_SECRET_KEYS")
    saved_env = {name: os.environ.pop(name) for name in _PACK_ENVIRONMENT if name in os.environ}
    token = secret_keys.set(set())
    try:
        with stack_runtime(project, stack, config):
            yield
    finally:
        secret_keys.reset(token)
        os.environ.update(saved_env)


def load_policy_pack(pack_dir: Path) -> Any:
    """The pack's own analyzer servicer (pulumi-policy's _PolicyAnalyzerServicer), built in this process.

    Runs the pack's entry point (`<pack_dir>/__main__.py`, as `python -m pulumi.policy` runs
    it) with pulumi_policy.PolicyPack recording its arguments instead of serving gRPC, then
    builds the servicer from them exactly as PolicyPack.__init__ does (version "0.0.1", the
    pack's level or advisory). Raises ValueError when the entry point builds no pack.
    """
    pulumi_policy: Any = importlib.import_module("pulumi_policy")  # patched below: typed as Any
    policy: Any = importlib.import_module("pulumi_policy.policy")
    servicer_class = _require("pulumi_policy.policy", "_PolicyAnalyzerServicer")
    built: list[tuple[tuple, dict]] = []

    def record(*args: Any, **kwargs: Any) -> None:
        built.append((args, kwargs))

    originals = (pulumi_policy.PolicyPack, policy.PolicyPack)
    pulumi_policy.PolicyPack = policy.PolicyPack = record
    try:
        runpy.run_path(str(pack_dir), run_name="__main__")
    finally:
        pulumi_policy.PolicyPack, policy.PolicyPack = originals
    if len(built) != 1:
        raise ValueError(f"{pack_dir / '__main__.py'} built {len(built)} policy packs; allowed: exactly one")
    args, kwargs = built[0]
    bound = inspect.signature(originals[0]).bind(*args, **kwargs)
    bound.apply_defaults()
    pack = dict(bound.arguments)
    level = pack.pop("enforcement_level") or policy.EnforcementLevel.ADVISORY
    return servicer_class(pack.pop("name"), "0.0.1", pack.pop("policies"), level, pack.pop("initial_config"), **pack)


def policy_property_steps() -> tuple[Any, Any]:
    """pulumi-policy's two steps from a resource's properties (as MessageToDict gives them) to
    what a policy reads: deserialize_properties, then unknown_checking_proxy."""
    return (
        _require("pulumi_policy.deserialize", "deserialize_properties"),
        _require("pulumi_policy.proxy", "unknown_checking_proxy"),
    )


def _refuse_write(_proxy: Any, key: Any, _value: Any) -> None:
    raise TypeError(
        f"a policy wrote {key!r} into a resource's props; pulumi-policy gives each policy its own copy, "
        f"synth's in-process pack one shared by every policy of a call, so a policy must only read them"
    )


@contextmanager
def policy_conversions(once: Any) -> Iterator[None]:
    """pulumi-policy's servicer converting properties through `once` for one call: its
    MessageToDict (standing in for google.protobuf.json_format), deserialize_properties and
    unknown_checking_proxy, the names pulumi_policy/policy.py imports and Analyze and
    AnalyzeStack read at call time; then the originals again. Meanwhile a write into the props
    (_DictProxy.__setitem__, their only setter) raises TypeError: every policy of the call reads
    the same ones (tools/protostruct.py)."""
    policy: Any = importlib.import_module("pulumi_policy.policy")  # patched below: typed as Any
    proxy_class: Any = _require("pulumi_policy.proxy", "_DictProxy")
    names = ("json_format", "deserialize_properties", "unknown_checking_proxy")
    originals = {name: _require("pulumi_policy.policy", name) for name in names}
    setter = proxy_class.__setitem__
    try:
        policy.json_format = once
        policy.deserialize_properties = once.deserialize_properties
        policy.unknown_checking_proxy = once.unknown_checking_proxy
        proxy_class.__setitem__ = _refuse_write
        yield
    finally:
        for name, original in originals.items():
            setattr(policy, name, original)
        proxy_class.__setitem__ = setter


def not_applicable_error() -> type[BaseException]:
    """What a policy rule raises through args.not_applicable(reason) (pulumi-policy)."""
    return _require("pulumi_policy.policy", "_NotApplicableError")

"""The access token stays secret, and the provider pickles by reference.

Pulumi pickles the provider with dill when the resource is registered (the `__provider`
input) and its provider host (`python -m pulumi.dynamic`) unpickles it in another process.
The tests here run that host for real and drive it over gRPC as the engine does.
"""

from __future__ import annotations

import base64
import logging
import os
import pickletools
import select
import subprocess
import sys
import tempfile
import traceback
from contextlib import contextmanager
from typing import Iterator

import dill
import grpc
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from components.supabase.client import SupabaseApiError, SupabaseManagementClient
from components.supabase.provider import SupabaseSettingsProvider
from tests.fakes.supabase_api import Fault
from tests.stacks import ROOT

from .support import REF, SITE, TOKEN, UNKNOWN_REF, create, make_props, serialize, via_state

HOST_START_SECONDS = 60  # a deadline for the host to start, not a timing assertion


# --------------------------------------------------------------------------
# the token stays secret
# --------------------------------------------------------------------------


def _exception_texts(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), "".join(traceback.format_exception(exc))]


def test_canary_token_never_appears_in_errors_logs_or_plain_outputs(api, caplog):
    sleeps: list[float] = []
    provider = SupabaseSettingsProvider(sleep=sleeps.append)
    texts: list[str] = []
    caplog.set_level(logging.DEBUG)

    state = create(provider, make_props(api, allowed_cidrs=["10.0.0.0/8"]))
    state = via_state(provider.update(REF, state, make_props(api, default_pool_size=33, allowed_cidrs=["10.0.0.0/8"])).outs)
    read = provider.read(REF, state).outs
    texts += [repr(provider.diff(REF, state, make_props(api)).__dict__)]
    texts += [repr(f.__dict__) for f in provider.check({}, make_props(api, project_ref="bad")).failures]
    texts += [repr(state), repr(read)]  # what state holds: no token at all, secret or not

    faults = [
        Fault(status=401), Fault(status=403), Fault(status=429, retry_after="9999"),
        # a server that echoes the credential back must not get it into our message
        Fault(status=500, times=4, body={"message": f"bad header Authorization: Bearer {TOKEN}"}),
        Fault(status=200, hang_seconds=5.0, body=[]),
    ]
    for fault in faults:
        api.inject(fault)
        with pytest.raises(SupabaseApiError) as err:
            provider.read(REF, make_props(api, timeout_seconds=0.5))
        texts += _exception_texts(err.value)
        api.faults.clear()
    with pytest.raises(SupabaseApiError) as err:
        provider.read(UNKNOWN_REF, make_props(api, project_ref=UNKNOWN_REF))
    texts += _exception_texts(err.value)
    assert any("Bearer [redacted]" in t for t in texts)

    provider.delete(REF, state)
    texts.append(repr(SupabaseManagementClient(project_ref=REF, access_token=TOKEN)))
    texts.append(caplog.text)
    texts += [r.getMessage() for r in caplog.records]
    assert caplog.records, "expected the retries and writes to be logged"
    leaks = [t for t in texts if TOKEN in t]
    assert not leaks, leaks


def test_the_client_itself_refuses_to_be_pickled():
    client = SupabaseManagementClient(project_ref=REF, access_token=TOKEN)
    with pytest.raises(TypeError):
        dill.dumps(client)


# --------------------------------------------------------------------------
# the provider pickles by reference
# --------------------------------------------------------------------------


def pickled_globals(raw: bytes) -> list[tuple[str, str]]:
    """The (module, name) of every class or function a pickle refers to by name."""
    found, strings = [], []
    for opcode, arg, _ in pickletools.genops(raw):
        if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
            strings.append(arg)
        elif opcode.name == "STACK_GLOBAL":
            found.append((strings[-2], strings[-1]))
        elif opcode.name == "GLOBAL":
            found.append(tuple(arg.split(" ", 1)))
    return found


def test_the_pickle_names_the_provider_class_and_holds_no_token_or_code(api):
    provider = SupabaseSettingsProvider()
    create(provider, make_props(api))  # a provider that has held a client keeps nothing of it
    raw = base64.b64decode(serialize_provider(provider))  # what pulumi.dynamic.Resource stores
    assert TOKEN.encode() not in raw
    # by reference: the class by its module path, and no code (dill's _create_type,
    # _create_function, _create_code would rebuild a class or function by value)
    assert pickled_globals(raw) == [("components.supabase.provider", "SupabaseSettingsProvider")]
    clone = dill.loads(raw)
    assert type(clone) is SupabaseSettingsProvider and vars(clone) == {"_sleep": None}


@contextmanager
def provider_host() -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    """Pulumi's dynamic provider host in a fresh Python, in the program's directory, as the
    CLI starts it; it imports nothing of this project until a pickle names a module."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen([sys.executable, "-u", "-m", "pulumi.dynamic"], cwd=ROOT, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr)
        channel = None
        try:
            ready, _, _ = select.select([proc.stdout], [], [], HOST_START_SECONDS)
            line = proc.stdout.readline() if ready else b""
            if not line.strip().isdigit():
                stderr.seek(0)
                pytest.fail(f"provider host did not start: {stderr.read().decode(errors='replace')[-2000:]}")
            channel = grpc.insecure_channel(f"127.0.0.1:{int(line)}")
            grpc.channel_ready_future(channel).result(timeout=HOST_START_SECONDS)
            yield provider_pb2_grpc.ResourceProviderStub(channel)
        finally:
            if channel is not None:
                channel.close()
            proc.kill()
            proc.wait()


def test_pulumis_provider_host_unpickles_the_provider_in_a_fresh_process_and_creates(api):
    props = make_props(api)
    props["__provider"] = serialize_provider(SupabaseSettingsProvider())
    with provider_host() as host:
        request = provider_pb2.CreateRequest(urn="urn:pulumi:test::vital-expert-infra::"
                                                 "pulumi-python:dynamic:Resource::settings",
                                             properties=serialize(props))
        response = host.Create(request, timeout=HOST_START_SECONDS)
    outs = rpc.deserialize_properties(response.properties)
    assert response.id == REF
    assert outs["site_url"] == SITE and outs["original"]["pooler"] == {"default_pool_size": 15}
    assert api.auth(REF)["site_url"] == SITE  # the host really called the API

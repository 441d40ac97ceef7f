"""Component structure under the recording mocks: tokens, parents, names, apps."""


import pytest

from tests.stacks import of_type, one, render, with_config

FOUR_APPS = [
    {"name": "vital-expert"},
    {"name": "pharma-app", "rootDirectory": "standalone-apps/pharma-app", "domains": ["pharma.vitalexpert.com"]},
    {"name": "payers-app", "rootDirectory": "standalone-apps/payers-app", "env": {"NEXT_PUBLIC_APP": "payers"}},
    {"name": "digital-health-app", "rootDirectory": "standalone-apps/digital-health-app"},
]


@pytest.mark.parametrize("stack", ["production", "pre-production", "preview"])
def test_every_child_is_parented_to_its_component_and_named_after_it(committed, stack):
    doc = committed[stack]
    components = {r["urn"]: r for r in doc["resources"] if r["type"].startswith("vital:")}
    assert {r["type"] for r in components.values()} >= {"vital:vercel:VercelApp", "vital:github:GitHubEnvironment"}
    for res in doc["resources"]:
        if res["type"].startswith("vital:"):
            # A top-level component hangs off the stack; release gates and alerts off their VercelApp.
            if res["type"] in ("vital:vercel:ReleaseGates", "vital:vercel:ProjectAlerts"):
                assert components[res["parent"]]["type"] == "vital:vercel:VercelApp"
                assert res["name"].startswith(components[res["parent"]]["name"] + "-")
            else:
                assert res["parent"].endswith(f"pulumi:pulumi:Stack::vital-expert-infra-{stack}")
            continue
        parent = components[res["parent"]]
        assert res["name"].startswith(parent["name"] + "-"), res["name"]


def test_component_type_tokens_follow_vital_module_type(committed):
    tokens = {r["type"] for doc in committed.values() for r in doc["resources"] if r["type"].startswith("vital:")}
    assert tokens == {"vital:vercel:VercelApp", "vital:github:GitHubEnvironment", "vital:github:GitHubBranch",
                      "vital:supabase:SupabaseProject", "vital:upstash:UpstashCache", "vital:vercel:ReleaseGates",
                      "vital:vercel:ProjectAlerts", "vital:vercel:PreviewAccess", "vital:vercel:DnsRecords"}


def test_four_apps_make_four_projects_with_their_root_directories(tmp_path):
    doc = render("production", with_config("production", tmp_path, apps=FOUR_APPS))
    projects = {r["inputs"]["name"]: r["inputs"] for r in of_type(doc, ":Project")}
    assert set(projects) == {"vital-expert-production", "pharma-app-production", "payers-app-production", "digital-health-app-production"}
    assert projects["pharma-app-production"]["rootDirectory"] == "standalone-apps/pharma-app"
    assert "rootDirectory" not in projects["vital-expert-production"]
    domains = sorted(r["inputs"]["domain"] for r in of_type(doc, ":ProjectDomain"))
    assert domains == ["app.vitalexpert.com", "pharma.vitalexpert.com"]  # stack domains go to the first app
    assert len(of_type(doc, ":FirewallConfig")) == 4 and len(of_type(doc, ":ProjectDeploymentRetention")) == 4
    variables = sorted(r["inputs"]["variableName"] for r in of_type(doc, ":ActionsEnvironmentVariable")
                       if r["inputs"]["variableName"].startswith("VERCEL_PROJECT_ID"))
    assert variables == ["VERCEL_PROJECT_ID", "VERCEL_PROJECT_ID_DIGITAL_HEALTH_APP", "VERCEL_PROJECT_ID_PAYERS_APP", "VERCEL_PROJECT_ID_PHARMA_APP"]
    payer_env = [r for r in of_type(doc, ":ProjectEnvironmentVariable") if r["name"].startswith("payers-app-")]
    assert "NEXT_PUBLIC_APP" in {r["inputs"]["key"] for r in payer_env}
    assert len(doc["outputs"]["projectNames"]) == 4
    assert doc["outputs"]["projectIds"] == "[unknown]"  # a first preview: no project has an id yet


def test_project_id_flows_into_children(committed):
    doc = committed["production"]
    project = one(doc, ":Project")["urn"]
    for suffix in (":ProjectEnvironmentVariable", ":ProjectDomain", ":ProjectRoute", ":FirewallConfig", ":ProjectDeploymentRetention",
                   ":ProjectDeploymentCheck", ":ProjectRollingRelease", ":CustomAlertRule"):
        for res in of_type(doc, suffix):
            # The project's id, unknown until the first `pulumi up` creates the project.
            assert res["inputs"]["projectId"] == "[unknown]"
            assert project in res["dependencies"], res["name"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_sdk_warnings_reach_the_log(tmp_path):
    """A deprecated field logged by the provider SDK arrives in the rendered logs (stderr in synth)."""
    from tools.mockrt import run_program

    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumiverse_vercel as vercel\n"
        "vercel.Project('x', vercel.ProjectArgs(name='x', serverless_function_region='iad1'))\n"
    )
    rendered = run_program("production", {}, [], program=program)
    assert any("serverless_function_region is deprecated" in m for level, m in rendered.logs if level == "warning")


def test_synth_prints_sdk_warnings_to_stderr(tmp_path, monkeypatch, capsys):
    from tools import mockrt, synth

    program = tmp_path / "__main__.py"
    program.write_text(
        "import runpy, pathlib\n"
        f"runpy.run_path({str(mockrt.PROGRAM)!r}, run_name='__main__')\n"
        "import pulumi\npulumi.log.warn('a warning from the program')\n"
    )
    monkeypatch.setattr(mockrt, "PROGRAM", program)
    real = mockrt.run_program
    monkeypatch.setattr(mockrt, "run_program", lambda *a, **k: real(*a, **{**k, "program": program}))
    assert synth.main(["--stack", "preview"]) == 0
    err = capsys.readouterr().err
    assert "preview: warning: a warning from the program" in err

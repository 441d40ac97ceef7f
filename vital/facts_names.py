"""Platform facts about names: what Vercel and GitHub accept as the names the program sends them,
and which providers refuse a config key their schema lacks.

Part of the facts table (vital/facts.py re-exports every name here); docs/names.md lists every
name the program sends, where it comes from and which rule below holds it.
"""

from __future__ import annotations

__all__ = [
    "VERCEL_PROJECT_NAME_PATTERN", "VERCEL_PROJECT_NAME_FORBIDDEN", "VERCEL_ROUTE_NAME_MAX",
    "GITHUB_ACTIONS_NAME_PATTERN", "GITHUB_ACTIONS_RESERVED_PREFIX", "GITHUB_ENVIRONMENT_NAME_MAX",
    "BRIDGED_PROVIDERS",
]

# A Vercel project's name (the length, 1 to 52, is facts.VERCEL_PROJECT_NAME_MAX):
# - lower-case letters, digits and '-' only: terraform-provider-vercel vercel/resource_project.go
#   ("name": RegexMatches ^[a-z0-9\-]{0,100}$), commit c8a6711c565f; the API itself also takes
#   '.' and '_', which the provider refuses;
# - never the sequence '---': Vercel REST API, POST /v11/projects (vercel.com/docs/rest-api/
#   projects/create-a-new-project, `name`), whose 400 answer reads "Project names can be up to
#   100 characters long and must be lowercase. They can include letters, digits, and the
#   following characters: '.', '_', '-'. However, they cannot contain the sequence '---'."
#   The provider's regex lets '---' through, so only a live create would refuse it.
VERCEL_PROJECT_NAME_PATTERN = r"^[a-z0-9-]+$"
VERCEL_PROJECT_NAME_FORBIDDEN = "---"
# A project route's name: 1 to 256 characters.
# Source: terraform-provider-vercel vercel/resource_project_route.go ("name": LengthBetween(1, 256)).
VERCEL_ROUTE_NAME_MAX = 256

# GitHub Actions secret and configuration variable names: letters, digits and '_', not starting
# with a digit, and not starting with GITHUB_ (in any case: names are case-insensitive, and
# GitHub stores them upper-cased).
# Sources: docs.github.com/en/actions/reference/security/secrets ("Naming your secrets": "Can only
# contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_) ... Must not start with
# the GITHUB_ prefix. Must not start with a number. Are case insensitive when referenced. GitHub
# stores secret names as uppercase regardless of how they are entered."), and
# docs.github.com/en/actions/reference/workflows-and-actions/variables ("Naming conventions for
# configuration variables": the same rules).
GITHUB_ACTIONS_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
GITHUB_ACTIONS_RESERVED_PREFIX = "GITHUB_"
# A GitHub environment's name: at most 255 characters, case-insensitive, unique in the repository.
# Source: docs.github.com/en/actions/how-tos/deploy/configure-and-manage-deployments/manage-
# environments ("Creating an environment": "Environment names are not case sensitive. An
# environment name may not exceed 255 characters and must be unique within the repository.").
GITHUB_ENVIRONMENT_NAME_MAX = 255

# Providers built with the Terraform bridge, whose CheckConfig refuses a config key in their
# namespace that their schema lacks (tools/provider_config.py; the keys come from each installed
# SDK). Package name -> where the bridge is used.
BRIDGED_PROVIDERS = {
    "vercel": "pulumiverse/pulumi-vercel provider/resources.go: pfbridge.ShimProvider(vercel.New()) (Plugin Framework)",
    "github": "pulumi/pulumi-github provider/resources.go: shimv2.NewProvider(github.Provider()) (SDKv2)",
    "upstash": "upstash/pulumi-upstash provider/resources.go: shimv2.NewProvider(upstash.Provider()) (SDKv2)",
    "aws": "pulumi/pulumi-aws provider/resources.go: the Terraform AWS provider, SDKv2 and Plugin Framework muxed",
}

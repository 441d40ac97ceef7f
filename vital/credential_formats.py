"""The credential formats detect-secrets knows, as its detectors hold them: a table, so judging a
value does not import the library.

Source: Yelp's detect-secrets 1.5.0 (https://github.com/Yelp/detect-secrets/tree/v1.5.0/detect_secrets/plugins),
the `secret_type` and `denylist` of each RegexBasedDetector this project uses (vital/secrets.py). The
library's package imports `requests` and its HTTP stack on the way to any detector (for a verify
step this project never runs): about 50 ms of every process that checks a config. Matching is
the library's own: RegexBasedDetector.analyze_string (every pattern's findall; a match with groups
yields its non-empty groups) and, for JSON Web Tokens, JwtTokenDetector.is_formally_valid.

tests/vital/test_credential_formats.py holds every row to the installed library's detector
(type, patterns, flags) and every answer to the library's, so a detect-secrets upgrade that changes
one fails there, naming the row.
"""

from __future__ import annotations

import base64
import json
import re

# (plugin module, detector class, secret_type, ((pattern, flags), ...)); re.UNICODE is implied.
LIBRARY_DETECTORS = (
    (
        "artifactory",
        "ArtifactoryDetector",
        "Artifactory Credentials",
        (
            ('(?:\\s|=|:|"|^)AKC[a-zA-Z0-9]{10,}(?:\\s|"|$)', 0),
            ('(?:\\s|=|:|"|^)AP[\\dABCDEF][a-zA-Z0-9]{8,}(?:\\s|"|$)', 0),
        ),
    ),
    (
        "aws",
        "AWSKeyDetector",
        "AWS Access Key",
        (
            ("(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}", 0),
            (
                "aws.{0,20}?(?:key|pwd|pw|password|pass|token).{0,20}?[\\'\\\"]([0-9a-zA-Z/+]{40})[\\'\\\"]",
                re.IGNORECASE,
            ),
        ),
    ),
    (
        "azure_storage_key",
        "AzureStorageKeyDetector",
        "Azure Storage Account access key",
        (("AccountKey=[a-zA-Z0-9+\\/=]{88}", 0),),
    ),
    (
        "basic_auth",
        "BasicAuthDetector",
        "Basic Auth Credentials",
        (("://[^:/\\?\\#\\[\\]@!\\$\\&'\\(\\)\\*\\+,;=\\s]+:([^:/\\?\\#\\[\\]@!\\$\\&'\\(\\)\\*\\+,;=\\s]+)@", 0),),
    ),
    (
        "discord",
        "DiscordBotTokenDetector",
        "Discord Bot Token",
        (("[MNO][a-zA-Z\\d_-]{23,25}\\.[a-zA-Z\\d_-]{6}\\.[a-zA-Z\\d_-]{27}", 0),),
    ),
    ("github_token", "GitHubTokenDetector", "GitHub Token", (("(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}", 0),)),
    (
        "gitlab_token",
        "GitLabTokenDetector",
        "GitLab Token",
        (
            ("(glpat|gldt|glft|glsoat|glrt)-[A-Za-z0-9_\\-]{20,50}(?!\\w)", 0),
            ("GR1348941[A-Za-z0-9_\\-]{20,50}(?!\\w)", 0),
            ("glcbt-([0-9a-fA-F]{2}_)?[A-Za-z0-9_\\-]{20,50}(?!\\w)", 0),
            ("glimt-[A-Za-z0-9_\\-]{25}(?!\\w)", 0),
            ("glptt-[A-Za-z0-9_\\-]{40}(?!\\w)", 0),
            ("glagent-[A-Za-z0-9_\\-]{50,1024}(?!\\w)", 0),
            ("gloas-[A-Za-z0-9_\\-]{64}(?!\\w)", 0),
        ),
    ),
    (
        "jwt",
        "JwtTokenDetector",
        "JSON Web Token",
        (("eyJ[A-Za-z0-9-_=]+\\.[A-Za-z0-9-_=]+\\.?[A-Za-z0-9-_.+/=]*?", 0),),
    ),
    ("mailchimp", "MailchimpDetector", "Mailchimp Access Key", (("[0-9a-z]{32}-us[0-9]{1,2}", 0),)),
    ("npm", "NpmDetector", "NPM tokens", (("\\/\\/.+\\/:_authToken=\\s*((npm_.+)|([A-Fa-f0-9-]{36})).*", 0),)),
    ("openai", "OpenAIDetector", "OpenAI Token", (("sk-[A-Za-z0-9-_]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}", 0),)),
    (
        "private_key",
        "PrivateKeyDetector",
        "Private Key",
        (
            ("BEGIN DSA PRIVATE KEY", 0),
            ("BEGIN EC PRIVATE KEY", 0),
            ("BEGIN OPENSSH PRIVATE KEY", 0),
            ("BEGIN PGP PRIVATE KEY BLOCK", 0),
            ("BEGIN PRIVATE KEY", 0),
            ("BEGIN RSA PRIVATE KEY", 0),
            ("BEGIN SSH2 ENCRYPTED PRIVATE KEY", 0),
            ("PuTTY-User-Key-File-2", 0),
        ),
    ),
    (
        "pypi_token",
        "PypiTokenDetector",
        "PyPI Token",
        (
            ("pypi-AgEIcHlwaS5vcmc[A-Za-z0-9-_]{70,}", 0),
            ("pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9-_]{70,}", 0),
        ),
    ),
    ("sendgrid", "SendGridDetector", "SendGrid API Key", (("SG\\.[a-zA-Z0-9_-]{22}\\.[a-zA-Z0-9_-]{43}", 0),)),
    (
        "slack",
        "SlackDetector",
        "Slack Token",
        (
            ("xox(?:a|b|p|o|s|r)-(?:\\d+-)+[a-z0-9]+", re.IGNORECASE),
            (
                "https://hooks\\.slack\\.com/services/T[a-zA-Z0-9_]+/B[a-zA-Z0-9_]+/[a-zA-Z0-9_]+",
                re.IGNORECASE | re.VERBOSE,
            ),
        ),
    ),
    ("square_oauth", "SquareOAuthDetector", "Square OAuth Secret", (("sq0csp-[0-9A-Za-z\\\\\\-_]{43}", 0),)),
    ("stripe", "StripeDetector", "Stripe Access Key", (("(?:r|s)k_live_[0-9a-zA-Z]{24}", 0),)),
    ("telegram_token", "TelegramBotTokenDetector", "Telegram Bot Token", (("\\d{8,10}:[0-9A-Za-z_-]{35}", 0),)),
    (
        "twilio",
        "TwilioKeyDetector",
        "Twilio API Key",
        (
            ("AC[a-z0-9]{32}", 0),
            ("SK[a-z0-9]{32}", 0),
        ),
    ),
)
JWT_TYPE = "JSON Web Token"


def jwt_formally_valid(token: str) -> bool:
    """detect_secrets/plugins/jwt.py, JwtTokenDetector.is_formally_valid: every part base64url
    (padding added), the first two JSON."""
    for index, part_text in enumerate(token.split(".")):
        try:
            part = part_text.encode("ascii")
            missing = len(part) % 4
            if missing == 1:
                raise TypeError("Incorrect padding")
            part += b"=" * {0: 0, 2: 2, 3: 3}[missing]
            decoded = base64.urlsafe_b64decode(part)
            if index < 2:
                json.loads(decoded.decode("utf-8"))
        except (TypeError, ValueError, UnicodeDecodeError):
            return False
    return True


def findall(patterns: tuple[re.Pattern, ...], value: str) -> list[str]:
    """detect_secrets/plugins/base.py, RegexBasedDetector.analyze_string, as a list."""
    found: list[str] = []
    for pattern in patterns:
        for match in pattern.findall(value):
            if isinstance(match, tuple):
                found.extend(part for part in match if part)
            else:
                found.append(match)
    return found

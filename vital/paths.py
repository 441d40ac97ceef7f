"""Path classes: the one table the program's header routes and firewall rules and the policy pack share.

Every request path belongs to exactly one class, decided in this order:

- `admin`: under an admin path (config adminPaths, default /admin and /api/admin);
- `api`: under /api;
- `build`: Next.js's content-hashed build output, /_next/static/;
- `static`: other static assets: optimized images (/_next/image), favicon.ico, robots.txt,
  sitemap.xml and files with a common static extension (never under /api, where a route
  handler may answer /api/og.png);
- `public`: a page listed in config publicCachePaths (the only pages a shared cache may keep);
- `pages`: everything else, the app's own pages (signed-in users' pages among them).

`classify` says which class a path is in; the `*_RE` patterns and `route_patterns` are the
same classes as regular expressions, written for Vercel (tests/vital/test_paths.py holds the
two to each other on sample paths).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ADMIN, API, BUILD, STATIC, PUBLIC, PAGES = "admin", "api", "build", "static", "public", "pages"
# Classes a WAF rate limit never counts and a shared cache may keep.
STATIC_CLASSES = (BUILD, STATIC)
# What a tier's rate limit may count (config rateLimitScope): the api class, always, and the
# page classes (pages, public and admin) when the tier says so; never the static classes.
RATE_LIMIT_SCOPES = (API, PAGES)

API_PREFIX = "/api"
BUILD_PREFIX = "/_next/static/"
# Static files Next.js and Vercel serve at fixed paths (the image optimizer answers /_next/image?url=...).
STATIC_FILES = ("/favicon.ico", "/robots.txt", "/sitemap.xml")
IMAGE_OPTIMIZER = "/_next/image"
STATIC_EXTENSIONS = (
    "css",
    "js",
    "mjs",
    "map",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "avif",
    "svg",
    "ico",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "eot",
    "mp4",
    "webm",
    "webmanifest",
)
# Next.js's own paths under /_next are internal: /_next/data serves a page's data, per user.
NEXT_INTERNAL = "/_next"


@dataclass(frozen=True)
class PathClass:
    name: str
    what: str
    # Paths the tests and the policy pack probe the class with (admin and public take theirs from config).
    samples: tuple[str, ...]


PATH_CLASSES = (
    PathClass(ADMIN, "admin routes (config adminPaths)", ()),
    PathClass(API, "API routes under /api", ("/api/x", "/api/chat/stream")),
    PathClass(
        BUILD, "content-hashed build output under /_next/static/", ("/_next/static/a.js", "/_next/static/css/b.css")
    ),
    PathClass(
        STATIC,
        "optimized images, favicon, robots.txt, sitemap.xml, static files",
        ("/_next/image", "/favicon.ico", "/robots.txt", "/sitemap.xml", "/fonts/inter.woff2", "/images/logo.png"),
    ),
    PathClass(PUBLIC, "pages listed in config publicCachePaths", ()),
    PathClass(
        PAGES, "every other path: the app's pages", ("/", "/dashboard", "/settings/profile", "/_next/data/b/x.json")
    ),
)
CLASSES = {c.name: c for c in PATH_CLASSES}

# ---- as regular expressions --------------------------------------------------------------------
# For the WAF (no lookaround, so any regex engine reads them alike): API_RE is the api class (with
# admin routes under /api), STATIC_RE matches every build and static path (and /api/x.png too,
# which the firewall's API condition counts anyway).
_EXT = "|".join(STATIC_EXTENSIONS)
API_RE = r"^/api(?:/|$)"
STATIC_RE = (
    r"^/(?:_next/static/|_next/image(?:/|$)|favicon\.ico$|robots\.txt$|sitemap\.xml$)"
    rf"|\.(?:{_EXT})$"
)

# For project routes (srcSyntax regex, anchored, lookaheads allowed).
_BUILD_BODY = r"/_next/static/.*"
_ASSET_BODY = (
    r"(?!/api(?:/|$))(?:/_next/image(?:/.*)?|/favicon\.ico|/robots\.txt|/sitemap\.xml"
    rf"|/.*\.(?:{_EXT}))"
)


def is_under(path: str, prefix: str) -> bool:
    """The path is the prefix itself or below it (/admin covers /admin and /admin/x, not /administrator)."""
    prefix = prefix.rstrip("/") or "/"
    return prefix == "/" or path == prefix or path.startswith(prefix + "/")


def _is_static(path: str) -> bool:
    if is_under(path, IMAGE_OPTIMIZER) or path in STATIC_FILES:
        return True
    name = path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[-1] in STATIC_EXTENSIONS


def is_public(path: str, public_paths: Iterable[str]) -> bool:
    """Listed in publicCachePaths: the entry itself, or below an entry that ends in /*."""
    for entry in public_paths:
        if entry.endswith("/*"):
            if is_under(path, entry[:-2] or "/"):
                return True
        elif path == entry:
            return True
    return False


def classify(path: str, admin_paths: Sequence[str] = (), public_paths: Sequence[str] = ()) -> str:
    if any(is_under(path, p) for p in admin_paths):
        return ADMIN
    if is_under(path, API_PREFIX):
        return API
    if path.startswith(BUILD_PREFIX):
        return BUILD
    if _is_static(path):
        return STATIC
    if is_public(path, public_paths):
        return PUBLIC
    return PAGES


def _public_body(public_paths: Sequence[str]) -> str:
    parts = []
    for entry in public_paths:
        if entry.endswith("/*"):
            base = entry[:-2]
            parts.append(f"{re.escape(base)}(?:/.*)?" if base else "/.*")
        else:
            parts.append(re.escape(entry))
    return "|".join(parts)


def route_patterns(public_paths: Sequence[str] = ()) -> dict[str, str]:
    """The src of each header-route group (regex syntax), disjoint by construction:
    `build`, `static`, `public` (only when pages are listed) and `rest` (api, admin and pages)."""
    assets = f"(?:{_BUILD_BODY}|{_ASSET_BODY})$"
    patterns = {BUILD: f"^{_BUILD_BODY}$", STATIC: f"^(?!{_BUILD_BODY}$){_ASSET_BODY}$"}
    rest = f"^(?!{assets})"
    if public_paths:
        body = _public_body(public_paths)
        patterns[PUBLIC] = f"^(?!{assets})(?:{body})$"
        rest += f"(?!(?:{body})$)"
    patterns["rest"] = rest + "/.*$"
    return patterns


# ---- config: publicCachePaths ------------------------------------------------------------------

_ENTRY_RE = re.compile(r"^/(?:[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*)?(?:/\*)?$")


def public_path(entry: str, admin_paths: Sequence[str]) -> str:
    """One publicCachePaths entry: a page path, or a page subtree written /path/*; raises ValueError("allowed: ...")."""
    allowed = (
        "allowed: a page path such as /pricing, or a subtree such as /blog/*, outside /api, /_next, the admin "
        "paths and static files"
    )
    if not isinstance(entry, str) or not _ENTRY_RE.match(entry) or entry in ("/*",):
        raise ValueError(f"{allowed} (found {entry!r})")
    base = entry[:-2] if entry.endswith("/*") else entry
    inside = [
        p
        for p in (API_PREFIX, NEXT_INTERNAL, *admin_paths)
        if is_under(base, p) or (entry.endswith("/*") and is_under(p, base))
    ]
    if inside or classify(base, admin_paths) != PAGES:
        raise ValueError(f"{allowed} (found {entry!r})")
    return entry

"""The path classes: `classify` and the regular expressions the routes and the WAF use agree."""

import re

import pytest

from vital import paths

ADMIN = ("/admin", "/api/admin")
PUBLIC = ("/", "/pricing", "/blog/*")
PATHS = {
    "/": "public", "/pricing": "public", "/blog": "public", "/blog/a/b": "public", "/pricing/x": "pages",
    "/dashboard": "pages", "/settings/profile": "pages", "/_next/data/b/x.json": "pages", "/administrator": "pages",
    "/api/x": "api", "/api": "api", "/api/og.png": "api", "/apix": "pages",
    "/admin": "admin", "/admin/users": "admin", "/api/admin/x": "admin",
    "/_next/static/a.js": "build", "/_next/static/css/b.css": "build",
    "/_next/image": "static", "/favicon.ico": "static", "/robots.txt": "static", "/sitemap.xml": "static",
    "/fonts/inter.woff2": "static", "/blog/cover.png": "static", "/images/logo.PNG": "pages",
}
GROUP = {"build": "build", "static": "static", "public": "public", "api": "rest", "admin": "rest", "pages": "rest"}


@pytest.mark.parametrize("path", PATHS)
def test_every_path_is_in_one_class_and_matches_that_class_route_only(path):
    assert paths.classify(path, ADMIN, PUBLIC) == PATHS[path]
    matched = [group for group, src in paths.route_patterns(PUBLIC).items() if re.search(src, path)]
    assert matched == [GROUP[PATHS[path]]], matched


@pytest.mark.parametrize("path", PATHS)
def test_the_waf_patterns_tell_api_and_static_apart_like_classify(path):
    cls = paths.classify(path, ADMIN, PUBLIC)
    assert (re.search(paths.API_RE, path) is not None) is (cls in ("api",) or path.startswith("/api/admin"))
    if cls in paths.STATIC_CLASSES:
        assert re.search(paths.STATIC_RE, path)
    elif cls != "api" and not path.startswith("/api"):
        assert not re.search(paths.STATIC_RE, path)


def test_without_public_pages_the_rest_route_takes_every_page():
    patterns = paths.route_patterns(())
    assert set(patterns) == {"build", "static", "rest"}
    assert re.search(patterns["rest"], "/") and re.search(patterns["rest"], "/pricing")


def test_every_sample_path_is_in_its_class():
    for cls in paths.PATH_CLASSES:
        for sample in cls.samples:
            assert paths.classify(sample) == cls.name, sample


@pytest.mark.parametrize("entry", ["/", "/pricing", "/blog/*", "/about-us/team"])
def test_public_path_accepts_pages(entry):
    assert paths.public_path(entry, ADMIN) == entry


@pytest.mark.parametrize("entry", ["/*", "pricing", "/api/plans", "/api/*", "/admin", "/admin/*", "/_next/data/x",
                                   "/robots.txt", "/logo.png", "/a b", "/x/*/y"])
def test_public_path_refuses_what_may_not_be_shared(entry):
    with pytest.raises(ValueError, match="^allowed: a page path"):
        paths.public_path(entry, ADMIN)


def test_a_subtree_holding_an_admin_path_is_refused():
    with pytest.raises(ValueError):
        paths.public_path("/ops/*", ("/ops/admin",))

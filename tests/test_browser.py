"""What every page does in Chromium: it loads without errors, asks nothing of another
host, runs no Mermaid, and nothing on it breaks its Content-Security-Policy, which
refuses a script injected from anywhere else."""

import re

import pytest

from conftest import EDITION_PAGES, SEARCH_PAGES

CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", [*EDITION_PAGES, *SEARCH_PAGES])
def test_page_loads_without_errors_requests_elsewhere_or_policy_violations(visit, name, theme):
    v = visit(name, color_scheme=theme)
    v.set_theme(theme)
    v.page.wait_for_timeout(50)
    assert v.errors == []
    assert v.blocked == [], f"{len(v.blocked)} requests left the site"
    assert v.csp_violations() == []


@pytest.mark.parametrize("name", [*EDITION_PAGES, *SEARCH_PAGES])
def test_page_requests_no_mermaid_javascript(visit, name):
    v = visit(name)
    assert [url for url in v.requests if "mermaid" in url.lower() or url.endswith(".mjs")] == []
    assert v.page.evaluate("typeof window.mermaid") == "undefined"


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_page_carries_a_strict_content_security_policy(site):
    for path in site.pages():
        html = path.read_text(encoding="utf-8")
        found = CSP_META.search(html)
        assert found, f"{path.name}: no Content-Security-Policy"
        assert html.index("Content-Security-Policy") < html.index("<script"), (
            f"{path.name}: policy after a script"
        )
        policy = directives(found[1])
        assert policy["script-src"][0] == "'self'"
        assert all(source.startswith("'sha256-") for source in policy["script-src"][1:]), policy["script-src"]
        assert "'unsafe-eval'" not in found[1]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert not re.search(r"https?:|\*", found[1]), "the policy allows another host"


INJECTED = '<script src="https://scripts.example/steal.js"></script><script>window.inlineRan = true</script>'


def test_a_script_injected_into_a_page_is_refused_by_the_policy(visit, site_url):
    """A built page, with a script tag from another host and an inline script added, as an
    attacker would: the policy refuses both. Without the policy the same scripts run."""

    def open_with_injection(keep_policy: bool):
        v = visit("search")
        page = v.page

        def injected_page(route):
            html = route.fetch().text()
            if not keep_policy:
                html = CSP_META.sub("", html)
            route.fulfill(body=html.replace("</head>", INJECTED + "</head>"), content_type="text/html")

        def other_host(route):
            route.fulfill(body="window.stolen = true;", content_type="text/javascript")

        page.route(site_url + "index.html", injected_page)
        page.route("https://scripts.example/**", other_host)
        page.goto(site_url + "index.html", wait_until="load")
        return page.evaluate("[window.stolen === true, window.inlineRan === true]"), v

    (stolen, inline_ran), v = open_with_injection(keep_policy=True)
    assert (stolen, inline_ran) == (False, False)
    assert any(violation.startswith("script-src") for violation in v.csp_violations())
    assert open_with_injection(keep_policy=False)[0] == [True, True], (
        "the injected scripts should run unprotected"
    )

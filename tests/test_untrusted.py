"""Nothing a contributor writes can run, leak or track: each attack below is done in a copy of
the project, as a careless or hostile contributor would, and the build (`nox -s docs`'s
command) must refuse it, name the file, and leave nothing of it in the output."""

import os
import re
import runpy
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, sphinx_build

SECRET = "build-secret-7f3a"  # in the build's environment: it must never reach a page


def nox_docs(project: Path, out: Path, *options: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """What `nox -s docs` runs, every edition with warnings as errors, in the copy."""
    command = [sys.executable, "docs/_ext/editions.py", str(out), "-W", "-n", *options]
    environment = os.environ | {"BUILD_SECRET": SECRET} | (env or {})
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=environment, check=False)


def published(out: Path) -> str:
    """The pages, and any plain-text copy of what they were written from."""
    texts = [path for path in out.rglob("*") if path.suffix in {".html", ".txt"}]
    return "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in texts)


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def translate(project: Path, page: str, change) -> tuple[Path, int]:
    """Change the first translated message of a page's Chinese catalog: the file, and the line."""
    catalog = project / "docs" / "locales" / "zh_CN" / "LC_MESSAGES" / f"{page}.po"
    text = catalog.read_text(encoding="utf-8")
    line = next(match for match in re.finditer(r'^msgstr "(.+)"$', text, re.MULTILINE))
    catalog.write_text(text[: line.start()] + change(line[0]) + text[line.end() :], encoding="utf-8")
    return catalog, text[: line.start()].count("\n") + 1


def refused(result: subprocess.CompletedProcess, *names: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    for name in names:
        assert name in output, f"{name} is not named:\n{output[-3000:]}"
    assert "Traceback" not in output, output[-3000:]
    return output


# -- Scripts, file inclusion, trackers, redirects in pages --------------------------------------

PAGE_ATTACKS = {
    "a script in a raw block": ("```{raw} html\n<script>window.pwnedRaw=1</script>\n```\n", "pwnedRaw"),
    "the build's environment, included": (
        "```{raw} html\n:file: ../../../../../../../../proc/self/environ\n```\n",
        SECRET,
    ),
    "a tracker's preconnect": (
        '```{raw} html\n<link rel="preconnect" href="https://tracker.example">\n```\n',
        "tracker.example",
    ),
    "inline HTML with a DNS prefetch": (
        'Text <link rel="dns-prefetch" href="//tracker.example"> here.\n',
        "tracker.example",
    ),
    "an HTML block that redirects": (
        '<meta http-equiv="refresh" content="2; url=https://elsewhere.example/">\n',
        "elsewhere.example",
    ),
    "an event handler in inline HTML": ('A <img src="x.png" onerror="window.pwned=1"> picture.\n', "onerror"),
}


@pytest.mark.parametrize("attack", PAGE_ATTACKS)
def test_raw_html_and_file_inclusion_in_a_page_are_refused(project_copy, tmp_path, attack):
    text, trace = PAGE_ATTACKS[attack]
    append(project_copy / "docs" / "timeline.md", "\n\n" + text)
    output = refused(nox_docs(project_copy, tmp_path / "out"), "docs/timeline.md")
    assert "raw" in output.lower()
    assert trace not in published(tmp_path / "out")


def test_a_refused_page_is_refused_again_by_the_next_build_of_the_same_folder(project_copy, tmp_path):
    """Sphinx keeps what it read even from a page that warned, and reads only changed pages:
    the second build passed, at exit 0, with the refused page published."""
    append(project_copy / "docs" / "timeline.md", "\n\n" + PAGE_ATTACKS["a script in a raw block"][0])
    for _ in range(2):
        refused(nox_docs(project_copy, tmp_path / "out", "--only", "en"), "docs/timeline.md")


def test_a_script_in_a_translation_is_refused_before_anything_is_built(project_copy, tmp_path):
    catalog, _ = translate(project_copy, "index", lambda line: line[:-1] + '<script>window.pwned=1</script>"')
    output = refused(nox_docs(project_copy, tmp_path / "out"), "docs/locales/zh_CN/LC_MESSAGES/index.po:")
    assert "adds" in output or "HTML" in output
    assert "Nothing was built" in output
    assert not (tmp_path / "out").exists() or "pwned" not in published(tmp_path / "out")
    # sphinx-build on its own refuses it too, and keeps the script out of the page.
    direct = sphinx_build(project_copy / "docs", tmp_path / "direct", "-D", "language=zh_CN")
    assert direct.returncode != 0
    assert catalog.name in direct.stderr
    assert not re.search(r"<script>[^<]*pwned", published(tmp_path / "direct"))


@pytest.mark.parametrize(
    ("attack", "change", "message"),
    [
        ("a closing quote missing", lambda line: line[:-1], "not a line gettext writes"),
        ("a line of garbage", lambda line: line + "\nthis is not gettext", "not a line gettext writes"),
        ("a link to another page", lambda line: line[:-1] + ' {doc}`sources`"', "changes its markup"),
    ],
    ids=["unclosed-quote", "garbage", "changed-link"],
)
def test_a_broken_catalog_is_refused_naming_its_file_and_line(
    project_copy, tmp_path, attack, change, message
):
    catalog, changed = translate(project_copy, "index", change)
    output = refused(
        nox_docs(project_copy, tmp_path / "out"), f"{catalog.relative_to(project_copy)}:", message
    )
    named = int(re.search(rf"{re.escape(catalog.name)}:(\d+):", output)[1])
    assert changed - 3 <= named <= changed + 1, f"line {named} named, line {changed} changed"


# -- The source registry ------------------------------------------------------------------------


def test_a_javascript_url_in_the_source_registry_is_refused(project_copy, tmp_path):
    bib = project_copy / "docs" / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    first_url = re.search(r"^  url = \{([^}]+)\},$", text, re.MULTILINE)
    bib.write_text(text.replace(first_url[1], "javascript:alert(document.cookie)", 1), encoding="utf-8")
    line = text[: first_url.start()].count("\n") + 1
    refused(nox_docs(project_copy, tmp_path / "out"), f"docs/sources.bib:{line}:", "https://")


def test_a_syntax_error_in_the_source_registry_is_one_line_naming_the_right_line(project_copy, tmp_path):
    bib = project_copy / "docs" / "sources.bib"
    lines = bib.read_text(encoding="utf-8").splitlines()
    broken = next(n for n, line in enumerate(lines) if line.strip().startswith("title = {{")) + 1
    lines[broken - 1] = lines[broken - 1].replace("}},", "},", 1)  # a closing brace lost
    bib.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = refused(nox_docs(project_copy, tmp_path / "out"), f"docs/sources.bib:{broken}:")
    assert len([line for line in output.splitlines() if "sources.bib" in line]) == 1


# -- Drawings -----------------------------------------------------------------------------------


def test_a_drawing_with_a_script_is_refused_and_kept_out_of_the_page(project_copy, tmp_path):
    drawing = next((project_copy / "diagrams" / "drawings").glob("scope.wide.light.*.svg"))
    drawing.write_text(drawing.read_text().replace("</svg>", "<script>window.pwnedDrawing=1</script></svg>"))
    refused(nox_docs(project_copy, tmp_path / "out"), drawing.name, "not a valid drawing", "<script>")
    assert "pwnedDrawing" not in published(tmp_path / "out")


def test_a_truncated_drawing_is_named_with_the_command_that_draws_it_again(project_copy, tmp_path):
    drawing = next((project_copy / "diagrams" / "drawings").glob("timeline.wide.dark.*.svg"))
    drawing.write_text(drawing.read_text()[:5000])
    refused(nox_docs(project_copy, tmp_path / "out"), drawing.name, "not well-formed", "`nox -s diagrams`")


# -- The environment ------------------------------------------------------------------------------


def changed_diagram(project: Path) -> None:
    scope = project / "diagrams" / "scope.mmd"
    scope.write_text(scope.read_text().replace("Smart cockpit<br>solutions", "Smart cabins"))


def draw(project: Path, out: Path, *options: str, env: dict) -> subprocess.CompletedProcess:
    return sphinx_build(project / "docs", out, "-D", "mermaid_svg_draw=1", *options, env=os.environ | env)


def test_a_chromium_path_that_is_not_a_browser_says_so(project_copy, tmp_path):
    changed_diagram(project_copy)
    result = draw(project_copy, tmp_path / "out", env={"CHROMIUM_PATH": "/bin/true"})
    refused(
        result,
        "diagrams/scope.mmd",
        "/bin/true could not be started as a headless Chromium",
        "Is it a browser?",
    )


def test_a_browser_that_does_not_answer_is_given_up_on_within_seconds(project_copy, tmp_path):
    hanging = tmp_path / "hanging-browser"
    hanging.write_text("#!/bin/sh\nsleep 300\n")
    hanging.chmod(hanging.stat().st_mode | stat.S_IEXEC)
    changed_diagram(project_copy)
    result = draw(
        project_copy, tmp_path / "out", "-D", "mermaid_svg_timeout=3", env={"CHROMIUM_PATH": str(hanging)}
    )
    refused(result, "diagrams/scope.mmd", "did not answer within 3 s")


def test_drawings_that_cannot_be_saved_are_named(project_copy, tmp_path, chromium):
    not_a_folder = tmp_path / "drawings-file"
    not_a_folder.write_text("a file where the drawings folder should be")
    result = draw(
        project_copy,
        tmp_path / "out",
        "-D",
        f"mermaid_svg_drawings={not_a_folder}",
        env={"CHROMIUM_PATH": chromium},
    )
    refused(result, f"the drawing cannot be saved in {not_a_folder}", "make that folder writable")


def test_a_second_build_of_the_same_folder_is_refused_naming_the_first(project_copy, tmp_path):
    command = [sys.executable, "docs/_ext/editions.py", str(tmp_path / "out"), "-q"]
    first = subprocess.Popen(
        command, cwd=project_copy, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        for _ in range(100):  # until the first holds the folder
            if (tmp_path / ".out.lock").is_file() and (tmp_path / ".out.lock").read_text():
                break
            first.poll()
            subprocess.run(["sleep", "0.05"], check=True)
        second = subprocess.run(command, cwd=project_copy, capture_output=True, text=True, check=False)
    finally:
        assert first.wait(timeout=120) == 0, first.communicate()[0][-2000:]
    refused(second, f"Another build is writing into {tmp_path / 'out'}", f"process {first.pid}")


# -- The policy and publishing ------------------------------------------------------------------


def test_the_policy_allows_only_the_inline_scripts_listed_in_the_configuration(site):
    listed = sorted(runpy.run_path(str(ROOT / "docs" / "conf.py"))["content_security_policy_scripts"])
    for path in site.pages():
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', path.read_text())[1]
        script_src = next(part.split()[1:] for part in policy.split(";") if part.split()[0] == "script-src")
        assert sorted(script_src[1:]) == listed, path.name


def test_only_the_publishing_job_may_publish_and_no_cache_is_restored():
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    build, deploy = workflow.split("\n  deploy:")
    assert re.search(r"^permissions:\n  contents: read\n\n", workflow, re.MULTILINE), "the workflow's default"
    assert "pages: write" not in build
    assert "id-token: write" not in build
    assert "pages: write" in deploy
    assert "id-token: write" in deploy
    assert "actions/cache" not in workflow
    assert "restore-keys" not in workflow


def test_a_script_from_a_template_is_caught_in_the_written_page_and_taken_out(project_copy, tmp_path):
    template = project_copy / "docs" / "_templates" / "search.html"
    template.write_text(
        template.read_text().replace("{{ super() }}", "{{ super() }}<script>window.pwnedTemplate=1</script>")
    )
    output = refused(nox_docs(project_copy, tmp_path / "out"), "search.html: an inline script not listed")
    assert "templates" in output
    assert "pwnedTemplate" not in published(tmp_path / "out")
    assert (tmp_path / "out" / "search.html").is_file(), "the page itself is still written"

"""The README's recipes, followed in a copy of the project as a new maintainer would: add a
page, add a diagram with its Chinese version, translate them, edit an English sentence.
Each step runs the nox session the README names, so the recipes cannot drift from the tools."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from conftest import ROOT
from tools.bench import project_copy

PAGE = """# An example page

Alibaba and FAW announced their alliance on 9 January 2020 {{footcite}}`{key}`.

```{{mermaid}} ../diagrams/example.mmd
:narrow: TB
```

The diagram in words: the example starts, then ends.

## References

```{{footbibliography}}
```
"""
DIAGRAM = """flowchart LR
  accTitle: {title}
  accDescr: {description}
  start["{start}"] --> finish["{finish}"]
  click start href "example.html#an-example-page"
"""


def nox(project: Path, *session: str) -> subprocess.CompletedProcess:
    """A nox session in the copy, with the environments this run already installed."""
    command = [sys.executable, "-m", "nox", "--envdir", str(ROOT / ".nox"), "-s", *session]
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("NOX", "VIRTUAL_ENV"))
    }
    result = subprocess.run(
        command, cwd=project, capture_output=True, text=True, env=environment, check=False
    )
    assert result.returncode == 0, (
        f"nox -s {' '.join(session)} failed:\n{result.stdout[-4000:]}{result.stderr[-4000:]}"
    )
    return result


def translate_everything_left(catalog: Path) -> int:
    """What a translator does in a PO editor: translate each empty or fuzzy message."""
    with catalog.open("rb") as file:
        messages = read_po(file)
    done = 0
    for message in messages:
        if message.id and (not message.string or message.fuzzy):
            message.string = "（译）" + str(message.id)  # the same markup, in other words
            message.flags.discard("fuzzy")
            message.previous_id = []
            done += 1
    with catalog.open("wb") as file:
        write_po(file, messages, width=76)
    return done


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return project_copy(tmp_path_factory.mktemp("recipes"))


def test_a_new_page_with_a_diagram_and_their_translation_build_the_first_time(project):
    key = re.search(r"^@\w+\{([^,]+),", (project / "docs" / "sources.bib").read_text(), re.MULTILINE)[1]
    # Add a page: the page, in the toctree.
    (project / "docs" / "example.md").write_text(PAGE.format(key=key), encoding="utf-8")
    index = project / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("\nglossary\n```", "\nglossary\nexample\n```"))
    # Add a diagram: the English one and its Chinese twin, drawn and checked.
    (project / "diagrams" / "example.mmd").write_text(
        DIAGRAM.format(title="An example", description="It starts, then ends.", start="Start", finish="End")
    )
    (project / "diagrams" / "example.zh_CN.mmd").write_text(
        DIAGRAM.format(title="一个例子", description="先开始，再结束。", start="开始", finish="结束")
    )
    drawn = nox(project, "diagrams")
    assert "0 problems" in drawn.stdout + drawn.stderr
    assert (
        len(list((project / "diagrams" / "drawings").glob("example*.svg"))) == 8
    )  # 2 languages, 2 layouts, 2 themes
    # Translate: the catalogs brought in step, the new messages translated.
    nox(project, "translations")
    catalogs = project / "docs" / "locales" / "zh_CN" / "LC_MESSAGES"
    assert translate_everything_left(catalogs / "example.po") > 0
    translate_everything_left(catalogs / "index.po")  # the toctree changed
    git_repository_commit(project)
    built = nox(project, "docs")
    assert "Translations behind the English" not in built.stdout
    html = project / "docs" / "_build" / "html"
    for page in (html / "example.html", html / "zh-cn" / "example.html"):
        text = page.read_text(encoding="utf-8")
        assert '<div class="diagram" id="diagram-example">' in text, page
        assert "Last updated" in text or "最后更新于" in text, (
            f"{page}: no date, though the page is committed"
        )
    assert "一个例子" in (html / "zh-cn" / "example.html").read_text(encoding="utf-8")


def test_an_edited_english_sentence_is_named_by_nox_s_docs_until_it_is_translated(project):
    page = project / "docs" / "example.md"
    page.write_text(page.read_text(encoding="utf-8").replace("then ends.", "and then it ends."))
    built = nox(project, "docs")
    assert "Translations behind the English" in built.stdout
    assert "zh_CN edition of example shows English (1 new or changed in English)" in built.stdout
    assert "nox -s translations" in built.stdout
    nox(project, "translations")
    catalog = project / "docs" / "locales" / "zh_CN" / "LC_MESSAGES" / "example.po"
    assert '#| msgid "The diagram in words: the example starts, then ends."' in catalog.read_text(
        encoding="utf-8"
    )
    translate_everything_left(catalog)
    assert "Translations behind the English" not in nox(project, "docs").stdout


def git_repository_commit(project: Path) -> None:
    git = ["git", "-C", str(project), "-c", "user.name=recipe", "-c", "user.email=recipe@localhost"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "a page and a diagram, as the README says"], check=True)


def test_the_benchs_fresh_clone_gets_node_modules_of_its_own_not_the_checkouts(tmp_path):
    # A clone that held the copy's node_modules link ran `npm ci` through it, and after
    # `nox -s bench` the real checkout's node_modules was empty.
    copy = project_copy(tmp_path)
    tracked = subprocess.run(
        ["git", "-C", str(copy), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert (copy / "node_modules").is_symlink()
    assert "node_modules" not in tracked
    assert [name for name in tracked if name.endswith(".mo")] == []

"""The inputs contributors edit most, checked before use: the translation catalogs
(docs/locales/LANGUAGE/LC_MESSAGES/*.po) and the source registry (docs/sources.bib).

One check, used by every build (docs/_ext/untrusted_input.py), by
`nox -s docs` before it starts any build (docs/_ext/editions.py), by `python -m
tools.catalogs` and by the tests. A catalog must:

- parse, every line of it: gettext's own parser forgives a missing closing quote and drops
  a character instead, so each line is read here as gettext writes it;
- keep each message's markup: each {footcite} with the same sources in the same order, the
  same {term} and {doc} targets (the words shown may change: ``{term}`智能座舱 <smart
  cockpit>``` keeps the target of ``{term}`smart cockpit```), the same ``{#anchor}`` ids and
  link addresses, and add no HTML.

Those problems are *unsafe*: the build refuses the catalog. An untranslated or fuzzy
message is not (the page shows the English until it is translated): it is reported as work
left.

The registry must be written as it is: one field a line, each entry's closing brace on a
line of its own, braces that match, and every url an https:// or http:// address.
Standard library and Babel only (Sphinx's own dependency).
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
ROLE = re.compile(r"\{(footcite|cite|term|doc|ref)\}`([^`]*)`")
TARGET = re.compile(r"<([^<>]+)>\s*$")
ANCHOR = re.compile(r"\{#([\w-]+)\}")
LINK = re.compile(r"\]\(([^)\s]+)\)")
HTML = re.compile(r"<\s*/?\s*[a-zA-Z][\w:-]*[^<>]*>|<!--")
PO_LINE = re.compile(
    r'^(?:#.*|\s*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"\s*|"(?:[^"\\]|\\.)*"\s*)$'
)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    message: str
    unsafe: bool = True  # the build refuses the catalog

    def __str__(self) -> str:
        where = self.path.relative_to(DOCS.parent) if self.path.is_relative_to(DOCS.parent) else self.path
        return f"{where}:{self.line}: {self.message}" if self.line else f"{where}: {self.message}"


def markup(text: str) -> Counter:
    """What a translation must keep of a message: its roles' targets, anchors, links and HTML."""
    found: Counter = Counter()
    for role, content in ROLE.findall(text):
        target = TARGET.search(content)
        found[(role, (target[1] if target and role != "footcite" else content).strip())] += 1
    found.update(("anchor", anchor) for anchor in ANCHOR.findall(text))
    found.update(("link", url) for url in LINK.findall(text))
    found.update(("HTML", tag) for tag in HTML.findall(ROLE.sub("", text)))
    return found


def catalog_files(language: str, docs: Path = DOCS) -> list[Path]:
    """The pages' catalogs and Sphinx's (the theme's words); not site.po, kept by hand."""
    folder = docs / "locales" / language / "LC_MESSAGES"
    return sorted(path for path in folder.glob("*.po") if path.stem != "site")


def problems(path: Path) -> list[Problem]:
    """Everything wrong with one catalog, unsafe problems and work left alike."""
    from babel.messages.pofile import PoFileError, read_po

    text = path.read_text(encoding="utf-8", errors="replace")
    found = [
        Problem(path, number, f"not a line gettext writes: {line[:60]!r} (a quote missing?)")
        for number, line in enumerate(text.splitlines(), 1)
        if not PO_LINE.match(line)
    ]
    if found:
        return found
    try:
        with path.open("rb") as file:
            catalog = read_po(file, abort_invalid=True)
    except PoFileError as error:
        return [Problem(path, getattr(error, "lineno", None), f"does not parse: {error}")]
    for message in catalog:
        if not message.id:
            continue
        english, translated = str(message.id), str(message.string)
        shown = f"the message {english[:50]!r}"
        if not message.string:
            found.append(Problem(path, message.lineno, f"{shown} is not translated", unsafe=False))
        elif message.fuzzy:
            found.append(
                Problem(path, message.lineno, f"{shown} is fuzzy: the English changed", unsafe=False)
            )
        elif markup(english) != markup(translated):
            lost = sorted(markup(english) - markup(translated))
            added = sorted(markup(translated) - markup(english))
            found.append(
                Problem(path, message.lineno, f"{shown} changes its markup: lost {lost}, added {added}")
            )
    return found


ENTRY = re.compile(r"^@\w+\{[^,\s{}]+,$")
FIELD = re.compile(r"^(\w+)\s*=\s*(.*?),?$")
URL_SCHEMES = ("https://", "http://")


def bib_problems(path: Path) -> list[str]:
    """What is wrong with the source registry, each as "FILE:LINE: what", as the registry is
    written (one field a line, an entry's closing brace on a line of its own)."""
    shown = path.relative_to(DOCS.parent) if path.is_relative_to(DOCS.parent) else path
    found, inside = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("%"):
            continue
        if text.startswith("@"):
            if inside:
                found.append(f"{shown}:{inside}: this entry has no closing brace before line {number}")
            inside = number if ENTRY.match(text) else None
            if not inside:
                found.append(f"{shown}:{number}: an entry starts `@type{{key,` on a line of its own")
        elif text == "}":
            if not inside:
                found.append(f"{shown}:{number}: a closing brace outside any entry")
            inside = None
        elif not inside:
            found.append(f"{shown}:{number}: text outside any entry: {text[:40]!r}")
        elif not (field := FIELD.match(text)):
            found.append(f"{shown}:{number}: not a field (`name = {{value}},`): {text[:40]!r}")
        else:
            name, value = field.groups()
            unescaped = value.replace(r"\{", "").replace(r"\}", "")
            bare = re.fullmatch(r"\w+", value)  # a macro (month = jan) or a number
            if not bare and (unescaped.count("{") != unescaped.count("}") or not value.startswith("{")):
                found.append(f"{shown}:{number}: the braces of the field {name!r} do not match")
            elif name.lower() == "url" and not value.strip("{}").startswith(URL_SCHEMES):
                found.append(f"{shown}:{number}: a source's url must start with https:// or http://")
    if inside:
        found.append(f"{shown}:{inside}: this entry has no closing brace")
    return found


def messages(path: Path) -> set[str]:
    """The message ids of a catalog or template (obsolete ones not included)."""
    from babel.messages.pofile import read_po

    with path.open("rb") as file:
        return {str(message.id) for message in read_po(file) if message.id}


def out_of_step(language: str, templates: Path, docs: Path = DOCS) -> list[Problem]:
    """Where the catalogs of `language` differ from the English pages' messages as
    `sphinx-build -b gettext` extracts them into `templates`: work left, not unsafe."""
    found = []
    catalogs = {path.stem: path for path in catalog_files(language, docs) if path.stem != "sphinx"}
    for template in sorted(templates.glob("*.pot")):
        if template.stem == "sphinx":
            continue
        catalog = catalogs.pop(template.stem, None)
        if catalog is None:
            where = docs / "locales" / language / "LC_MESSAGES" / f"{template.stem}.po"
            found.append(Problem(where, None, "a page without a catalog yet", unsafe=False))
            continue
        english, held = messages(template), messages(catalog)
        for message in sorted(english - held):
            found.append(Problem(catalog, None, f"new or changed in English: {message[:60]!r}", unsafe=False))
        for message in sorted(held - english):
            found.append(
                Problem(catalog, None, f"no longer on the English page: {message[:60]!r}", unsafe=False)
            )
    found += [Problem(path, None, "a catalog of no page", unsafe=False) for path in catalogs.values()]
    return found


def unsafe_problems(language: str, docs: Path = DOCS) -> list[Problem]:
    """What makes the catalogs of `language` unfit to build with (every .po, site.po too)."""
    folder = docs / "locales" / language / "LC_MESSAGES"
    return [problem for path in sorted(folder.glob("*.po")) for problem in problems(path) if problem.unsafe]


def input_problems(language: str, docs: Path = DOCS) -> list[str]:
    """What the build of an edition refuses to start with: its catalogs, the source registry."""
    found = [str(problem) for problem in unsafe_problems(language, docs)] if language != "en" else []
    return found + bib_problems(docs / "sources.bib")

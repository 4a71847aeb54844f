"""A diagram as text: its layouts, and the checks that need no browser."""

import re
from dataclasses import dataclass
from pathlib import Path

DIRECTIONS = ("TB", "TD", "BT", "LR", "RL")
DIRECTION = re.compile(r"^([ \t]*(?:flowchart|graph))[ \t]+(TB|TD|BT|LR|RL)\b", re.MULTILINE)
COMMENT_LINE = re.compile(r"^[ \t]*%%(?!\{).*$", re.MULTILINE)
STATEMENT = re.compile(r"^[ \t]*(?!%%)\S", re.MULTILINE)


class DiagramError(Exception):
    """A diagram that cannot be drawn as written. `line` is a line of its source, if known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Diagram:
    """One diagram as the build found it."""

    code: str
    source: str  # the .mmd file, or the page of a diagram written inline
    line: int | None = None  # where an inline diagram starts on its page; None for a file
    narrow: str | None = None  # the direction of its layout for narrow screens, if it has one

    @property
    def inline(self) -> bool:
        return self.line is not None

    @property
    def stem(self) -> str:
        """What its drawings' file names start with: the file's name without ``.mmd``
        (``partners.zh_CN``), or, written inline, the page's name and the line."""
        path = Path(self.source)
        return f"{path.stem}@{self.line}" if self.inline else path.name.removesuffix(".mmd")

    @property
    def name(self) -> str:
        """Its name in a page's ids: ``partners`` for partners.mmd and partners.zh_CN.mmd."""
        return re.sub(r"[^a-z0-9-]+", "-", self.stem.split(".")[0].split("@")[0].lower())

    def layouts(self) -> dict[str, str]:
        """The diagram as written ("wide") and, if it has one, its "narrow" layout: the
        same diagram with its main direction changed."""
        if not self.narrow:
            return {"wide": self.code}
        narrow, changed = DIRECTION.subn(lambda header: f"{header[1]} {self.narrow}", self.code, count=1)
        if not changed:
            raise DiagramError("a narrow layout needs a `flowchart` diagram with a direction")
        return {"wide": self.code, "narrow": narrow}


def front_matter_end(code: str) -> int:
    """The number of lines of the leading ``---`` settings block (0 if there is none)."""
    lines = code.splitlines()
    if not lines or lines[0].strip() != "---":
        return 0
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    return 0 if end is None else end + 1


def problems(code: str, max_statements: int) -> list[DiagramError]:
    """What is wrong with a diagram before any browser sees it."""
    if not code.strip():
        return [DiagramError("the diagram is empty")]
    body = "\n".join(code.splitlines()[front_matter_end(code) :])
    found = [
        DiagramError(
            f"no `{keyword}:` line after the settings block (the diagram's accessible {what}: "
            "a screen reader announces it)"
        )
        for keyword, what in (("accTitle", "title"), ("accDescr", "description"))
        if not re.search(rf"^\s*{keyword}\s*:", body, re.MULTILINE)
    ]
    statements = len(STATEMENT.findall(body))
    if statements > max_statements:
        found.append(
            DiagramError(
                f"the diagram has {statements} statements, more than the {max_statements} a page "
                "can show readably: split it, or raise mermaid_svg_max_statements"
            )
        )
    return found


def error_line(message: str) -> int | None:
    """Mermaid's messages say "Parse error on line 4:" or "Lexical error on line 3."."""
    match = re.search(r"\bon line (\d+)", message)
    return int(match[1]) if match else None


def as_mermaid_reads_it(code: str) -> tuple[str, int]:
    """The text to give Mermaid, and how many file lines precede its line 1.

    Mermaid numbers lines after a leading ``---`` settings block (and the blank lines
    after it), and deletes ``%%`` comment lines before parsing: they are blanked instead,
    so that its line numbers still point at the file's lines.
    """
    code = COMMENT_LINE.sub("", code)
    end = front_matter_end(code)
    if not end:
        return code, 0
    lines = code.splitlines()
    first = next((i for i in range(end, len(lines)) if lines[i].strip()), end)
    return code, first


def with_file_lines(error: DiagramError, offset: int) -> DiagramError:
    """Mermaid's error, its line numbers counted in the file."""
    line = error.line
    if line is None:
        return error
    message = re.sub(r"\bon line \d+", f"on line {line + offset}", str(error))
    return DiagramError(" ".join(message.split()), line + offset)

"""What the diagrams are drawn with: the Mermaid and the font files that npm installs
from the project's lock file, and their fingerprint.

The fingerprint (package names, versions and integrity hashes from package-lock.json) is
part of every drawing's name, so a new Mermaid or a new font asks for new drawings; it is
read from the lock file, so checking the drawings needs neither npm nor a browser.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sphinx_mermaid_svg.browser import RendererError

MERMAID_SCRIPT = "mermaid/dist/mermaid.min.js"
FONT_FAMILY_RULE = re.compile(r"font-family:\s*[^;]+;")


def package_of(path: str) -> str:
    """The npm package a path inside node_modules belongs to: "@scope/name" or "name"."""
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


@dataclass(frozen=True)
class Assets:
    node_modules: Path
    # Each font family labels are measured with, and the file that provides it inside
    # node_modules: a font file, or a stylesheet of @font-face rules (for a font split into
    # unicode ranges), whose faces are used under this family name.
    fonts: dict[str, str] = field(default_factory=dict)

    @property
    def lock(self) -> dict:
        path = self.node_modules.parent / "package-lock.json"
        return json.loads(path.read_text(encoding="utf-8")).get("packages", {}) if path.is_file() else {}

    def packages(self) -> list[str]:
        return sorted({package_of(MERMAID_SCRIPT), *(package_of(path) for path in self.fonts.values())})

    def fingerprint(self) -> list[str]:
        """What identifies the drawing tools: each package's version and integrity hash, from
        package-lock.json; without a lock file, the installed files' own hashes."""
        lock = self.lock
        if lock:
            return [
                f"{name}@{lock.get(f'node_modules/{name}', {}).get('version')} "
                f"{lock.get(f'node_modules/{name}', {}).get('integrity')}"
                for name in self.packages()
            ]
        files = [self.node_modules / path for path in [MERMAID_SCRIPT, *self.fonts.values()]]
        if not all(path.is_file() for path in files):
            raise RendererError(
                f"Neither {self.node_modules.parent / 'package-lock.json'} nor Mermaid and the fonts in "
                f"{self.node_modules} were found: the drawings' names depend on their versions. Set "
                "mermaid_svg_node_modules to the node_modules beside your package-lock.json."
            )
        return [
            f"{path.relative_to(self.node_modules)} {hashlib.sha256(path.read_bytes()).hexdigest()}"
            for path in files
        ]

    def require(self) -> None:
        """RendererError unless every package is installed at the version the lock pins."""
        lock = self.lock
        for name in self.packages():
            manifest = self.node_modules / name / "package.json"
            installed = json.loads(manifest.read_text())["version"] if manifest.is_file() else None
            pinned = lock.get(f"node_modules/{name}", {}).get("version", installed)
            if installed is None or installed != pinned:
                what = f"{name} {installed} is" if installed else f"{name} is not"
                raise RendererError(
                    f"{what} installed in {self.node_modules}, but the lock file pins {pinned}. "
                    f"Run `npm ci` in {self.node_modules.parent}."
                )
        for family, path in self.fonts.items():
            if not (self.node_modules / path).is_file():
                raise RendererError(
                    f"The font file for {family!r}, {self.node_modules / path}, is missing. "
                    f"Run `npm ci` in {self.node_modules.parent}."
                )

    def font_faces(self, base: str) -> str:
        """@font-face rules for the page that draws: every family from its pinned file, with
        URLs under `base` (the page serves node_modules there), and no local() source, so
        that the machine's own fonts never take part."""
        rules = []
        for family, path in self.fonts.items():
            if path.endswith(".css"):
                folder = f"{base}{path.rsplit('/', 1)[0]}/"
                css = (self.node_modules / path).read_text(encoding="utf-8")
                css = FONT_FAMILY_RULE.sub(f"font-family: {json.dumps(family)};", css)
                rules.append(css.replace("url(./", f"url({folder}"))  # as fontsource writes them
            else:
                rules.append(f"@font-face {{ font-family: {json.dumps(family)}; src: url({base}{path}); }}")
        return "\n".join(rules)

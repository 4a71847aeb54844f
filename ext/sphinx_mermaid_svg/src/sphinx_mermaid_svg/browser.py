"""Finding and starting the headless Chromium that draws the diagrams.

find_chromium() looks, in order, at $CHROMIUM_PATH, the system's Chromium or Chrome and a
browser that `playwright install chromium` put on the machine. launch() starts it with
Playwright, within a time limit, and turns every way that can fail into one sentence
saying what happened and what to do (RendererError).
"""

import os
import subprocess
import sys
from pathlib import Path

ENV_VAR = "CHROMIUM_PATH"
SYSTEM_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
# No sandbox: builds run as root in containers and CI. No background networking: a closed
# network refuses Chromium's own connections by the hundred.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Linux: the browser sees no font of the machine, and renders text alike everywhere.
FONTCONFIG = Path(__file__).with_name("fonts.conf")
HOW_TO_GET_ONE = (
    "Install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`; elsewhere Google Chrome, or "
    f"`python -m playwright install chromium`), or set {ENV_VAR} to a Chromium or Chrome executable."
)


class RendererError(Exception):
    """Nothing can be drawn on this machine as it is: no browser, no Mermaid, no fonts."""


def playwright_chromium() -> str | None:
    """The Chromium that `playwright install chromium` put on this machine, if any."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as p:
        path = p.chromium.executable_path
    return path if Path(path).is_file() else None


def find_chromium(download: bool = False) -> str:
    """A Chromium to draw with, or RendererError saying how to get one. With `download`,
    try Playwright's own download before giving up."""
    named = os.environ.get(ENV_VAR)
    if named:
        if not Path(named).is_file():
            raise RendererError(f"{ENV_VAR}={named} does not exist. {HOW_TO_GET_ONE}")
        return named
    for path in SYSTEM_PATHS:
        if Path(path).is_file():
            return path
    found = playwright_chromium()
    if not found and download:
        print("No Chromium on this machine; trying `playwright install chromium`...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
        found = playwright_chromium()
    if not found:
        raise RendererError(f"No Chromium found. {HOW_TO_GET_ONE}")
    return found


def launch(playwright, executable: str, timeout: float = 20, machine_fonts: bool = False):
    """Start `executable` headless; RendererError if it is not a browser or does not answer
    within `timeout` seconds. The browser that draws sees none of the machine's fonts; pass
    `machine_fonts` for one that shows pages as a reader's would."""
    from playwright.sync_api import Error, TimeoutError

    try:
        return playwright.chromium.launch(
            executable_path=executable,
            args=LAUNCH_ARGS,
            env=dict(os.environ) if machine_fonts else {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG)},
            timeout=timeout * 1000,
        )
    except TimeoutError:
        raise RendererError(
            f"The browser {executable} did not answer within {timeout:g} s. Close other copies of it, "
            f"or set {ENV_VAR} to another Chromium. {HOW_TO_GET_ONE}"
        ) from None
    except Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise RendererError(
            f"{executable} could not be started as a headless Chromium ({first_line}). "
            f"Is it a browser? {HOW_TO_GET_ONE}"
        ) from None

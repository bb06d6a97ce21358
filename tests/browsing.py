"""Chromium and a local web server for the browser tests (Debian's chromium, playwright).

One browser per test worker (the ``browser`` fixture in conftest), one quiet server per site,
and the search box driven as a person types into it.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
NO_CHROMIUM = "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler
          ) -> Iterator[str]:
    """Serve *site* on a free port of 127.0.0.1; yields the root URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def search(page: Any, query: str, *, open_box: bool = True) -> list[str]:
    """Type *query* in the search box and return the result links.

    Material reacts to key presses, which neither fill() nor typing Chinese characters sends,
    and loads its index in a web worker: enter the text, press End as a keyboard would, and
    again if the page was not ready yet.
    """
    box = page.locator("input.md-search__input")
    results = page.locator(".md-search-result__item a")
    if open_box:
        page.locator("label.md-header__button[for='__search']").click()
    else:
        box.click()
    for _ in range(10):
        box.fill(query)
        box.press("End")
        try:
            results.first.wait_for(timeout=3000)
            break
        except Exception:  # playwright's TimeoutError
            continue
    return [results.nth(i).get_attribute("href") or "" for i in range(results.count())]

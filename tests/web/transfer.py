"""Bytes a page costs on the wire, as Chromium counts them (CDP ``Network``
``loadingFinished.encodedDataLength``: headers and body as received, compressed;
0 for what came from the browser's cache). Used by the data budget test
(tests/web/test_data_budget.py) and the page bench (bench/page_load.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page


@dataclass
class Transfer:
    """What was fetched since the last ``take()``: URL path -> bytes on the wire."""

    by_request: dict[str, int] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    cached: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.by_request.values())

    def paths(self) -> list[str]:
        """Every path asked for, from the network or the cache."""
        return sorted({urlsplit(url).path for url in self.urls.values()})

    def fetched(self) -> dict[str, int]:
        """Path -> bytes, for what travelled (not served from the cache)."""
        sizes: dict[str, int] = {}
        for request, size in self.by_request.items():
            if request in self.cached or size == 0:
                continue
            path = urlsplit(self.urls.get(request, "?")).path
            sizes[path] = sizes.get(path, 0) + size
        return sizes

    def table(self) -> str:
        rows = sorted(self.fetched().items(), key=lambda row: -row[1])
        return "\n".join(f"{size:>8} {path}" for path, size in rows) + f"\n{self.total:>8} total"


class Meter:
    """Counts a page's traffic through a CDP session of its own."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.session = context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.current = Transfer()
        self.session.on("Network.requestWillBeSent", self._sent)
        self.session.on("Network.requestServedFromCache", self._from_cache)
        self.session.on("Network.loadingFinished", self._finished)

    def _sent(self, event: dict[str, Any]) -> None:
        self.current.urls[event["requestId"]] = event["request"]["url"]

    def _from_cache(self, event: dict[str, Any]) -> None:
        self.current.cached.add(event["requestId"])

    def _finished(self, event: dict[str, Any]) -> None:
        self.current.by_request[event["requestId"]] = int(event["encodedDataLength"])

    def take(self) -> Transfer:
        """What was counted so far; counting starts again from zero."""
        taken, self.current = self.current, Transfer()
        return taken

    def throttle(self, *, cpu: float, down_kbps: int, up_kbps: int, latency_ms: int) -> None:
        """The issue's phone: a slower CPU and a mobile network (CDP emulation)."""
        self.session.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
        self.session.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": latency_ms,
                "downloadThroughput": down_kbps * 1000 / 8,
                "uploadThroughput": up_kbps * 1000 / 8,
            },
        )

"""Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: file
descriptors 3 and 4, messages as JSON ended by a NUL byte), with nothing but the standard library:
open a page, evaluate in it, emulate print media, print it to PDF. And what the tests read of a
PDF Chromium wrote: its page count and the page and height of each named destination (Chromium
writes one for every element a link on the page points to)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class Browser:
    def __init__(self, binary: str, timeout: float = 120) -> None:
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        # the shell moves them to 3 and 4: numbered above both first, so that neither move overwrites the other
        commands_read, replies_write = (_above(fd, 10) for fd in (commands_read, replies_write))
        self._profile = tempfile.mkdtemp(prefix="targetdsl-chromium-")
        script = (
            'exec "$0" --headless --no-sandbox --disable-gpu --hide-scrollbars --remote-debugging-pipe '
            f'--user-data-dir="$1" 3<&{commands_read} 4>&{replies_write}'
        )
        self._process = subprocess.Popen(
            ["bash", "-c", script, binary, self._profile],  # dash takes no descriptor above 9
            pass_fds=(commands_read, replies_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._timeout = timeout
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        self._last = 0
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", page=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._commands)
        os.close(self._replies)
        shutil.rmtree(self._profile, ignore_errors=True)

    def _message(self) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._replies], [], [], self._timeout)
            if not ready:
                raise RuntimeError("Chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        reply: dict[str, Any] = json.loads(message)
        return reply

    def send(self, method: str, *, page: bool = False, **params: Any) -> dict[str, Any]:
        self._last += 1
        message: dict[str, Any] = {"id": self._last, "method": method, "params": params}
        if page:
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message()
            if reply.get("id") == self._last:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._events.append(reply)

    def _wait(self, event: str) -> None:
        for index, seen in enumerate(self._events):
            if seen.get("method") == event:
                del self._events[index]
                return
        while self._message().get("method") != event:
            pass

    def open(self, page: Path) -> None:
        self._events.clear()
        self.send("Page.navigate", page=True, url=page.as_uri())
        self._wait("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", page=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def media(self, media: str) -> None:
        self.send("Emulation.setEmulatedMedia", page=True, media=media)

    def pdf(self) -> bytes:
        """The page printed as the browser prints it: the page size and margins its CSS asks for."""
        printed = self.send("Page.printToPDF", page=True, preferCSSPageSize=True, printBackground=True)
        return base64.b64decode(printed["data"])

    def screenshot(self, width: int, height: int) -> bytes:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            page=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        shot = self.send("Page.captureScreenshot", page=True, format="png")
        return base64.b64decode(shot["data"])


def _above(descriptor: int, lowest: int) -> int:
    import fcntl

    moved = fcntl.fcntl(descriptor, fcntl.F_DUPFD, lowest)
    os.close(descriptor)
    return moved


def pdf_pages(pdf: bytes) -> list[str]:
    """The page objects of a PDF in reading order (`N 0 R` references), from its page tree."""
    objects = {number: body for number, body in re.findall(rb"(?m)^(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)}
    catalog = next(body for body in objects.values() if re.search(rb"/Type\s*/Catalog\b", body))
    root = re.search(rb"/Pages\s+(\d+) 0 R", catalog)
    assert root is not None, "a PDF without a page tree"
    pages: list[str] = []

    def walk(number: bytes) -> None:
        body = objects[number]
        if re.search(rb"/Type\s*/Pages\b", body):
            kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body)
            assert kids is not None
            for kid in re.findall(rb"(\d+) 0 R", kids.group(1)):
                walk(kid)
        else:
            pages.append(number.decode())

    walk(root.group(1))
    return pages


def destinations(pdf: bytes) -> dict[str, tuple[int, float]]:
    """Each named destination: (page number from 1, height on the page in points, from its bottom)."""
    order = {number: index + 1 for index, number in enumerate(pdf_pages(pdf))}
    found = re.findall(rb"/([\w.-]+) \[(\d+) 0 R /XYZ [-\d.]+ ([-\d.]+)", pdf)
    return {name.decode(): (order[page.decode()], float(y)) for name, page, y in found}

"""Drive `targetdsl lsp` over stdio with real LSP messages, as an editor would."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from queue import Empty, Queue
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
ANSWER_WITHIN = 180  # seconds: how long a silent server is waited for before the test fails


class Client:
    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "targetdsl", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.messages: Queue[dict[str, Any]] = Queue()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode("ascii").partition(":")
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.process.stdin.flush()

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.wait()
            if message.get("id") == self.next_id and "method" not in message:
                assert "error" not in message, message
                return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait(self, method: str | None = None) -> dict[str, Any]:
        while True:
            try:
                # a bound on a hang, not on speed: a server starting on a loaded machine builds its
                # parsers first, which can take a while
                message = self.messages.get(timeout=ANSWER_WITHIN)
            except Empty:
                raise AssertionError("the language server did not answer") from None
            if method is None or message.get("method") == method:
                return message

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=ANSWER_WITHIN)
        self.reader.join(timeout=ANSWER_WITHIN)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def client() -> Any:
    client = Client()
    client.request("initialize", {"processId": None, "rootUri": ROOT.as_uri(), "capabilities": {}})
    client.notify("initialized", {})
    yield client
    client.close()


def test_editor_session(client: Client, tmp_path: Path) -> None:
    shutil_text = (ROOT / "policies/lianyungang-2002.tdsl").read_text(encoding="utf-8")
    (tmp_path / "lianyungang-2002.tdsl").write_text(shutil_text, encoding="utf-8")
    text = (ROOT / "policies/lianyungang-2003.tdsl").read_text(encoding="utf-8")
    broken = text.replace("eligible when 承担市级目标", "eligible when 承担市及目标")
    path = tmp_path / "lianyungang-2003.tdsl"
    path.write_text(broken, encoding="utf-8")
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "targetdsl", "version": 1, "text": broken}}
    )
    published = client.wait("textDocument/publishDiagnostics")["params"]
    # the typo, and (a warning) the input it meant is now unused
    assert sorted(d["code"] for d in published["diagnostics"]) == ["check.unknown-name", "check.unused-input"]
    diagnostic = next(d for d in published["diagnostics"] if d["code"] == "check.unknown-name")
    assert diagnostic["severity"] == 1
    assert "did you mean `承担市级目标`?" in diagnostic["message"]
    line = broken.splitlines()[diagnostic["range"]["start"]["line"]]
    assert "承担市及目标" in line

    # fixing the typo clears the diagnostics
    client.notify(
        "textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}
    )
    assert client.wait("textDocument/publishDiagnostics")["params"]["diagnostics"] == []

    # hover on a category name inside a class shows its weights; the inherited indicator says where from
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if line.strip() == "定量指标 50")
    hover = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": row, "character": 5}}
    )
    assert "县区: 50 points" in hover["contents"]["value"]
    assert "inherited from `lianyungang-2002.tdsl`" in hover["contents"]["value"]

    # hovering the weight itself says the same
    weight = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": row, "character": lines[row].index("50")}},
    )
    assert "县区: 50 points" in weight["contents"]["value"]

    # go to definition of an inherited category: into the extended file
    locations = client.request(
        "textDocument/definition", {"textDocument": {"uri": uri}, "position": {"line": row, "character": 5}}
    )
    assert locations[0]["uri"].endswith("lianyungang-2002.tdsl")

    completion = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": row, "character": 0}}
    )
    labels = {item["label"] for item in completion["items"]}
    assert {"veto", "score", "定量指标", "efficacy"} <= labels

    outline = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    names = [symbol["name"] for symbol in outline]
    assert "class 县区" in names and "award 目标兑现奖" in names

    messy = text.replace("    重点工作 40\n", "  重点工作    40\n")
    client.notify(
        "textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": messy}]}
    )
    client.wait("textDocument/publishDiagnostics")
    edits = client.request(
        "textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}}
    )
    assert edits[0]["newText"] == text


def test_textmate_grammar_is_valid_and_covers_the_keywords() -> None:
    import re

    grammar = json.loads((ROOT / "editors/vscode/syntaxes/targetdsl.tmLanguage.json").read_text(encoding="utf-8"))
    assert grammar["scopeName"] == "source.targetdsl"
    words = set(re.findall(r"[a-z_]+", json.dumps(grammar["repository"]["keyword"])))
    words |= set(re.findall(r"[a-z_]+", json.dumps(grammar["repository"]["declaration"])))
    from targetdsl.keywords import KEYWORDS, VOCABULARY

    english = {word for keyword in KEYWORDS for word in keyword.english}
    missing = (english | VOCABULARY) - words - {"error", "na", "peer_avg", "down", "half_up", "half_even", "total"}
    assert missing == set()


def test_a_parent_open_in_the_editor_is_read_as_edited(client: Client, tmp_path: Path) -> None:
    """The 2003 policy extends the 2002 one. With both open, a child is checked against the parent's text
    as it is being edited, not as saved; a problem the parent's edit causes is shown on the child's
    `extends` line, and goes when the parent is corrected."""
    parent_text = (ROOT / "policies/lianyungang-2002.tdsl").read_text(encoding="utf-8")
    parent, child = tmp_path / "lianyungang-2002.tdsl", tmp_path / "lianyungang-2003.tdsl"
    parent.write_text(parent_text, encoding="utf-8")
    child_text = (ROOT / "policies/lianyungang-2003.tdsl").read_text(encoding="utf-8")
    child.write_text(child_text, encoding="utf-8")
    for path, text in ((parent, parent_text), (child, child_text)):
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": path.as_uri(), "languageId": "targetdsl", "version": 1, "text": text}},
        )
        assert client.wait("textDocument/publishDiagnostics")["params"]["diagnostics"] == []
    # an edit of the parent, not saved: the child's policy no longer adds up
    # an assessor the 2003 policy inherits as it is, now weighted by one that was never declared
    edited = parent_text.replace("by 人大 weight", "by 人代会 weight", 1)
    assert edited != parent_text
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": parent.as_uri(), "version": 2}, "contentChanges": [{"text": edited}]},
    )
    seen: dict[str, list[Any]] = {}
    while len(seen) < 2:
        params = client.wait("textDocument/publishDiagnostics")["params"]
        seen[params["uri"]] = params["diagnostics"]
    assert seen[parent.as_uri()] and seen[child.as_uri()]
    extends_row = next(i for i, line in enumerate(child_text.splitlines()) if line.lstrip().startswith("extends "))
    assert any(d["range"]["start"]["line"] == extends_row for d in seen[child.as_uri()])
    assert parent.read_text(encoding="utf-8") == parent_text  # nothing was saved
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": parent.as_uri(), "version": 3}, "contentChanges": [{"text": parent_text}]},
    )
    seen = {}
    while len(seen) < 2:
        params = client.wait("textDocument/publishDiagnostics")["params"]
        seen[params["uri"]] = params["diagnostics"]
    assert seen == {parent.as_uri(): [], child.as_uri(): []}

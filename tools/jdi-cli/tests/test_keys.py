"""`jdi keys` without a gateway to talk to: what it needs and what it says when it gets no answer or a refusal
(tests/e2e/test_cli_keys.py runs it against the real gateway)."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from jdi_cli.main import main


@pytest.fixture
def refusing_gateway() -> Iterator[str]:
    """A server answering every request as the gateway answers a key without the admin scope."""

    class Refuse(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"code": "forbidden", "detail": "This API key lacks the 'admin' scope."}).encode()
            self.send_response(403)
            self.send_header("Content-Type", "application/problem+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def error_of(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    return json.loads(capsys.readouterr().err)["error"]


def test_the_admin_key_comes_from_the_environment_only(monkeypatch, capsys) -> None:
    monkeypatch.delenv("JDI_API_KEY", raising=False)

    assert main(["keys", "list", "--gateway", "http://127.0.0.1:9"]) == 1
    assert error_of(capsys)["reason"] == "api_key_missing"


def test_no_answer_from_the_gateway_is_said_so(monkeypatch, capsys) -> None:
    monkeypatch.setenv("JDI_API_KEY", "some-key")

    assert main(["keys", "list", "--gateway", "http://127.0.0.1:9"]) == 1
    error = error_of(capsys)
    assert error["reason"] == "gateway_unreachable"
    assert "some-key" not in error["message"]


def test_a_refusal_carries_the_gateway_s_problem_code(monkeypatch, capsys, refusing_gateway) -> None:
    monkeypatch.setenv("JDI_API_KEY", "reader-key")

    assert main(["keys", "list", "--gateway", refusing_gateway]) == 1
    assert error_of(capsys) == {"reason": "forbidden", "message": "403: This API key lacks the 'admin' scope."}

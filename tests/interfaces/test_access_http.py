"""Access control at the edges, over a real socket and as real processes: tokens on the HTTP API
(401 in German for a wrong, malformed or revoked one; the public view without one), the closed
fact never in an anonymous response of /api/ask, /api/chat (follow-ups included), /api/health or
the CLI, and every question in the audit log, which a server killed mid-request does not lose.

The index is `access_indexes.mixed` (published files plus closed ones holding `CLOSED_FACT`),
copied per module so that users and audit entries stay here."""

import contextlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.core.settings import AccessSettings, Settings, UISettings
from assistant.interfaces.cli import main
from assistant.interfaces.http import serve
from assistant.service.accounts import Accounts
from assistant.service.audit import AuditLog
from tests.conftest import CLOSED_FACT, CLOSED_SOURCE, copy_index, free_port, user_token
from tests.interfaces.serving import running

pytestmark = pytest.mark.slow

CLOSED_QUESTION = "Mit wem wird die Stelle der Amtsleitung Liegenschaften besetzt?"
PUBLIC_QUESTION = "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?"
FOLLOW_UP = "Und wer wird Amtsleitung Liegenschaften?"


@pytest.fixture(scope="module")
def data(access_indexes, tmp_path_factory) -> Path:
    return copy_index(access_indexes.mixed, tmp_path_factory.mktemp("access-http"))


@pytest.fixture(scope="module")
def tokens(data) -> dict[str, str]:
    return {"rat": user_token(data, "rat", "mitglied"), "gast": user_token(data, "gast", "öffentlich")}


@pytest.fixture(scope="module")
def api(data, tokens):
    with running(data, rate_limit_per_minute=0) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _leaks(response: httpx.Response) -> bool:
    """The closed fact or a closed file's name anywhere in the response but the echoed question."""
    body = response.json()
    body.pop("question", None)
    if isinstance(body.get("turn"), dict):
        body["turn"].pop("question", None)
    text = json.dumps(body, ensure_ascii=False)
    return CLOSED_FACT in text or "nichtoeffentlich/" in text


def test_anonymous_and_public_role_never_see_the_closed_fact(api, tokens):
    for headers in ({}, _bearer(tokens["gast"])):
        for question in (CLOSED_QUESTION, f"Welche Entgeltgruppe erhält Frau Dr. {CLOSED_FACT}?"):
            r = api.post("/api/ask", json={"question": question}, headers=headers)
            assert r.status_code == 200 and not _leaks(r)


def test_a_member_reads_it_with_its_citation_and_level(api, tokens):
    r = api.post("/api/ask", json={"question": CLOSED_QUESTION}, headers=_bearer(tokens["rat"]))
    assert r.status_code == 200
    body = r.json()
    assert CLOSED_FACT in body["answer"]
    cited = [c for c in body["citations"] if c["source"] == CLOSED_SOURCE]
    assert cited and cited[0]["access"] == "nichtöffentlich"


def test_a_chat_follow_up_on_the_closed_topic_stays_public(api, tokens):
    first = api.post("/api/chat", json={"question": PUBLIC_QUESTION})
    assert first.status_code == 200 and not _leaks(first)
    history = [first.json()["turn"]]
    follow = api.post("/api/chat", json={"question": FOLLOW_UP, "history": history})
    assert follow.status_code == 200 and not _leaks(follow)
    member = api.post(
        "/api/chat", json={"question": FOLLOW_UP, "history": history}, headers=_bearer(tokens["rat"])
    )
    assert member.status_code == 200 and CLOSED_FACT in member.json()["answer"]


def test_the_shared_paragraph_is_cited_with_the_public_file_only(api, tokens):
    public = api.post("/api/ask", json={"question": PUBLIC_QUESTION}).json()
    member = api.post("/api/ask", json={"question": PUBLIC_QUESTION}, headers=_bearer(tokens["rat"])).json()
    assert public["citations"] and all(not c["also_in"] for c in public["citations"])
    assert any("nichtoeffentlich/mettmann-kopie.txt" in c["also_in"] for c in member["citations"])


def test_health_counts_what_the_caller_may_read(api, tokens, access_indexes):
    public = api.get("/api/health").json()["index"]
    member = api.get("/api/health", headers=_bearer(tokens["rat"])).json()["index"]
    alone = Settings(data_dir=access_indexes.public)
    from assistant.index.catalog import Catalog

    catalog = Catalog(alone.data_dir, create=False)
    assert (public["documents"], public["chunks"]) == (catalog.file_count(), catalog.count())
    assert member["documents"] == public["documents"] + 3


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("Bearer rat_000000000000_falsch", "ungültig"),
        ("Basic cmF0OmdlaGVpbQ==", "Authorization: Bearer"),
        ("Token abc", "Authorization: Bearer"),
    ],
)
def test_a_wrong_or_malformed_token_is_401_in_german(api, header, why):
    r = api.post("/api/ask", json={"question": PUBLIC_QUESTION}, headers={"Authorization": header})
    assert r.status_code == 401 and why in r.json()["detail"]
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert api.get("/api/health", headers={"Authorization": header}).status_code == 401


def test_a_revoked_token_is_refused_at_once(api, data):
    accounts = Accounts(data)
    token = accounts.add("ehemalig", "verwaltung")
    assert api.post("/api/ask", json={"question": CLOSED_QUESTION}, headers=_bearer(token)).status_code == 200
    accounts.remove("ehemalig")
    r = api.post("/api/ask", json={"question": CLOSED_QUESTION}, headers=_bearer(token))
    assert r.status_code == 401 and "widerrufen" in r.json()["detail"] and not _leaks(r)


def test_every_question_is_in_the_audit_log(api, data, tokens):
    api.post("/api/ask", json={"question": "Audit: anonym"})
    api.post("/api/ask", json={"question": CLOSED_QUESTION}, headers=_bearer(tokens["rat"]))
    api.post("/api/chat", json={"question": "Audit: Gespräch"}, headers=_bearer(tokens["gast"]))
    entries = AuditLog(data).read()
    chat = [e for e in entries if e.question == "Audit: Gespräch"]
    assert [(e.user, e.role, e.channel) for e in chat] == [("gast", "öffentlich", "api/chat")]
    anonymous = [e for e in entries if e.question == "Audit: anonym"]
    assert anonymous and anonymous[-1].user is None and anonymous[-1].role == "öffentlich"
    member = [e for e in entries if e.user == "rat" and e.question == CLOSED_QUESTION][-1]
    assert member.role == "mitglied" and member.channel == "api/ask" and CLOSED_FACT in member.answer
    assert any(CLOSED_SOURCE in p and "(nichtöffentlich)" in p for p in member.passages)
    assert all(CLOSED_FACT not in e.answer for e in entries if e.user is None)


def test_sign_in_can_be_required(data, tokens):
    port = free_port()
    settings = Settings(
        data_dir=data,
        ui=UISettings(port=port, rate_limit_per_minute=0),
        access=AccessSettings(require_sign_in=True),
    )
    server = serve(settings, prevent_thread_lock=True)
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            r = client.post("/api/ask", json={"question": PUBLIC_QUESTION})
            assert r.status_code == 401 and "melden Sie sich an" in r.json()["detail"]
            assert (
                client.post(
                    "/api/ask", json={"question": PUBLIC_QUESTION}, headers=_bearer(tokens["gast"])
                ).status_code
                == 200
            )
    finally:
        server.close()


def test_the_cli_asks_as_the_public_unless_given_a_token(data, tokens, capsys):
    assert main(["ask", CLOSED_QUESTION, "--json", "--data-dir", str(data)]) == 0
    public = capsys.readouterr().out
    assert CLOSED_FACT not in public and "nichtoeffentlich/" not in public
    assert main(["ask", CLOSED_QUESTION, "--json", "--data-dir", str(data), "--token", tokens["rat"]]) == 0
    assert CLOSED_FACT in json.loads(capsys.readouterr().out)["answer"]
    assert main(["ask", CLOSED_QUESTION, "--data-dir", str(data), "--token", "rat_x_y"]) == 1
    assert "ungültig" in capsys.readouterr().err


def test_the_cli_draft_follows_the_token(data, tokens, tmp_path, capsys):
    inquiry = tmp_path / "anfrage.txt"
    inquiry.write_text(f"1. {CLOSED_QUESTION}\n2. {PUBLIC_QUESTION}\n", encoding="utf-8")
    assert main(["draft", str(inquiry), "--json", "--data-dir", str(data)]) == 0
    public = capsys.readouterr().out
    assert CLOSED_FACT not in public and "nichtoeffentlich/" not in public
    assert main(["draft", str(inquiry), "--json", "--data-dir", str(data), "--token", tokens["rat"]]) == 0
    assert CLOSED_FACT in capsys.readouterr().out


def test_a_server_killed_mid_request_loses_no_earlier_audit_entry(data, tokens):
    """`council serve` in its own process: three answered questions, a fourth in flight when the
    process is killed (SIGKILL, no shutdown); the three are in the log."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.interfaces.cli",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "server did not start"
            time.sleep(0.5)
        asked = [f"Vor dem Absturz {n}: {PUBLIC_QUESTION}" for n in range(3)]
        for question in asked:
            r = httpx.post(
                f"{base}/api/ask", json={"question": question}, headers=_bearer(tokens["rat"]), timeout=120
            )
            assert r.status_code == 200
        # The fourth question is in flight (or just answered) when the process dies.
        killer = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"import os, time; time.sleep(0.05); os.kill({server.pid}, {signal.SIGKILL})",
            ]
        )
        with contextlib.suppress(httpx.TransportError):
            httpx.post(f"{base}/api/ask", json={"question": CLOSED_QUESTION}, timeout=120)
        killer.wait(timeout=30)
    finally:
        server.kill()
        server.wait(timeout=30)
    logged = [e.question for e in AuditLog(data).read(user="rat")]
    assert all(q in logged for q in asked)


def test_eval_runs_as_the_role_given(data, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    row = {
        "id": "closed-1",
        "question": CLOSED_QUESTION,
        "expected": [CLOSED_FACT],
        "sources": [CLOSED_SOURCE],
        "answerable": True,
    }
    gold.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    answered = {}
    for role in ("öffentlich", "mitglied"):
        out = tmp_path / f"{role}.jsonl"
        assert main(["eval", str(gold), "--out", str(out), "--role", role, "--data-dir", str(data)]) == 0
        capsys.readouterr()
        answered[role] = json.loads(out.read_text(encoding="utf-8"))["answer"]
    assert CLOSED_FACT not in answered["öffentlich"] and CLOSED_FACT in answered["mitglied"]
    assert {e.channel for e in AuditLog(data).read(user="eval")} == {"eval"}

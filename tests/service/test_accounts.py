"""Users and tokens as the server checks them: real argon2, a real SQLite file in tmp_path."""

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.core.access import ANONYMOUS, ROLES, Viewer
from assistant.service.accounts import Account, AccountError, Accounts, InvalidToken

INVALID = "Der Zugangsschlüssel ist ungültig oder wurde widerrufen."


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_a_new_users_token_signs_them_in_with_their_role(data: Path):
    accounts = Accounts(data)
    tokens = {role: accounts.add(f"nutzer.{i}", role) for i, role in enumerate(ROLES)}
    for i, role in enumerate(ROLES):
        assert accounts.viewer(tokens[role]) == Viewer(f"nutzer.{i}", role)
    assert len(set(tokens.values())) == len(ROLES)
    token = tokens["mitglied"]
    assert token.startswith("rat_") and len(token.split("_", 2)[1]) == 12
    assert accounts.viewer(f"  {token}\n") == Viewer("nutzer.1", "mitglied")  # pasted with spaces


def test_no_token_is_the_anonymous_viewer_even_without_a_user_file(data: Path):
    accounts = Accounts(data)
    assert accounts.viewer(None) == ANONYMOUS and accounts.viewer("") == ANONYMOUS
    assert accounts.viewer("  ") == ANONYMOUS
    assert accounts.list() == []
    with pytest.raises(InvalidToken):
        accounts.viewer("rat_0123456789ab_" + "x" * 43)
    assert not data.exists()  # reading creates nothing


def test_the_user_file_holds_no_token_only_its_hash(data: Path):
    accounts = Accounts(data)
    token = accounts.add("Müller", "verwaltung")
    accounts.viewer(token)
    accounts.close()
    public_id, secret = token.split("_", 2)[1:]
    stored = b"".join(p.read_bytes() for p in data.iterdir() if p.name.startswith("accounts.sqlite"))
    assert token.encode() not in stored and secret.encode() not in stored
    with sqlite3.connect(data / "accounts.sqlite") as db:
        (row,) = db.execute("SELECT * FROM accounts").fetchall()
    assert not any(secret in str(value) for value in row)
    assert public_id in row and any(str(value).startswith("$argon2id$") for value in row)
    assert (data / "accounts.sqlite").stat().st_mode & 0o077 == 0  # readable by its owner only


@pytest.mark.parametrize(
    "wrong",
    [
        "rat_0123456789ab_" + "A" * 43,  # an id no one has
        "rat_zz23456789ab_" + "A" * 43,  # not hex
        "Bearer rat_0123456789ab_" + "A" * 43,  # the header's word pasted along
        "rat_",
        "irgendwas",
        "rat_0123456789ab_",
    ],
)
def test_malformed_or_unknown_tokens_are_invalid(data: Path, wrong: str):
    accounts = Accounts(data)
    accounts.add("anna", "mitglied")
    with pytest.raises(InvalidToken) as raised:
        accounts.viewer(wrong)
    assert str(raised.value) == INVALID


def test_a_tampered_secret_or_another_users_id_is_invalid(data: Path):
    accounts = Accounts(data)
    anna = accounts.add("anna", "admin")
    bert = accounts.add("bert", "öffentlich")
    last = anna[-1]
    tampered = anna[:-1] + ("B" if last != "B" else "C")
    swapped = bert[:17] + anna[17:]  # bert's public id, anna's secret
    for wrong in (tampered, swapped, anna[:-1]):
        with pytest.raises(InvalidToken):
            accounts.viewer(wrong)
    assert accounts.viewer(anna) == Viewer("anna", "admin")  # the right one still works


def test_a_removed_users_token_fails_at_once_in_every_instance(data: Path):
    server = Accounts(data)  # a long-running server process that has checked the token before
    admin = Accounts(data)  # the CLI
    token = admin.add("carla", "mitglied")
    other = admin.add("dora", "mitglied")
    assert server.viewer(token) == Viewer("carla", "mitglied")
    assert server.viewer(token) == Viewer("carla", "mitglied")  # now from its memory
    admin.remove("carla")
    with pytest.raises(InvalidToken):
        server.viewer(token)
    with pytest.raises(InvalidToken):
        Accounts(data).viewer(token)
    with pytest.raises(InvalidToken):
        admin.viewer(token)
    assert server.viewer(other) == Viewer("dora", "mitglied")

    admin.add("carla", "öffentlich")  # the same name again: a new token, the old one stays dead
    with pytest.raises(InvalidToken):
        server.viewer(token)


def test_a_server_started_before_the_first_user_sees_them(data: Path):
    server = Accounts(data)
    assert server.list() == []
    token = Accounts(data).add("erik", "verwaltung")
    assert server.viewer(token) == Viewer("erik", "verwaltung")


def test_list_is_sorted_by_name_with_role_and_creation_time(data: Path):
    accounts = Accounts(data)
    before = datetime.now(UTC)
    for name, role in (("zoe", "mitglied"), ("Ärztin", "verwaltung"), ("max@rathaus.de", "admin")):
        accounts.add(name, role)
    listed = accounts.list()
    assert [(a.name, a.role) for a in listed] == [
        ("max@rathaus.de", "admin"),
        ("zoe", "mitglied"),
        ("Ärztin", "verwaltung"),
    ]
    assert all(isinstance(a, Account) for a in listed)
    for a in listed:
        assert a.created.tzinfo is not None and a.created.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=1) <= a.created <= datetime.now(UTC)


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [
        ("anna", "mitglied", "Einen Benutzer „anna“ gibt es schon."),
        (
            "anna",
            "gast",
            "Unbekannte Rolle „gast“. Mögliche Rollen: öffentlich, mitglied, verwaltung, admin.",
        ),
        ("", "mitglied", "„“ ist kein gültiger Benutzername"),
        ("x" * 65, "mitglied", "ist kein gültiger Benutzername: 1 bis 64 Zeichen"),
        ("anna müller", "mitglied", "„anna müller“ ist kein gültiger Benutzername"),
        ("-", "mitglied", "am Anfang ein Buchstabe oder eine Ziffer"),
        ("a/b", "mitglied", "kein gültiger Benutzername"),
        ("a\nb", "mitglied", "kein gültiger Benutzername"),
    ],
)
def test_adding_refuses_a_taken_or_bad_name_and_an_unknown_role(data: Path, name, role, message):
    accounts = Accounts(data)
    accounts.add("anna", "admin")
    with pytest.raises(AccountError) as raised:
        accounts.add(name, role)
    assert message in str(raised.value)
    assert [a.name for a in accounts.list()] == ["anna"]


def test_names_allow_umlauts_digits_and_signs_and_are_stored_composed(data: Path):
    accounts = Accounts(data)
    for name in ("Jörg.Müßig-2", "büro_3@stadt.de", "x" * 64):
        accounts.add(name, "mitglied")
    accounts.add("Bu\u0308hler", "mitglied")  # "ü" typed as u + combining diaeresis
    with pytest.raises(AccountError, match="gibt es schon"):
        accounts.add("B\u00fchler", "mitglied")
    accounts.remove("B\u00fchler")
    assert "Bühler" not in [a.name for a in accounts.list()]


def test_removing_an_unknown_user_says_so(data: Path):
    accounts = Accounts(data)
    with pytest.raises(AccountError, match=r"^Einen Benutzer „niemand“ gibt es nicht\.$"):
        accounts.remove("niemand")
    accounts.add("anna", "mitglied")
    accounts.remove("anna")
    with pytest.raises(AccountError, match="gibt es nicht"):
        accounts.remove("anna")


def test_tokens_are_checked_from_many_threads(data: Path):
    accounts = Accounts(data)
    tokens = [accounts.add(f"u{i}", "mitglied") for i in range(3)]
    results: list[object] = []

    def check(token: str) -> None:
        for _ in range(5):
            try:
                results.append(accounts.viewer(token).name)
            except InvalidToken as exc:
                results.append(exc)

    threads = [threading.Thread(target=check, args=(t,)) for t in [*tokens, tokens[0] + "x"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r for r in results if isinstance(r, str)) == sorted(["u0", "u1", "u2"] * 5)
    assert sum(isinstance(r, InvalidToken) for r in results) == 5


def test_deleting_the_user_file_signs_everyone_out_of_a_running_server(data: Path):
    server = Accounts(data)
    token = server.add("anna", "admin")
    assert server.viewer(token) == Viewer("anna", "admin")
    for path in data.glob("accounts.sqlite*"):
        path.unlink()  # an admin starting over
    with pytest.raises(InvalidToken):
        server.viewer(token)
    assert server.list() == []
    fresh = Accounts(data).add("anna", "mitglied")
    assert server.viewer(fresh) == Viewer("anna", "mitglied")
    with pytest.raises(InvalidToken):
        server.viewer(token)

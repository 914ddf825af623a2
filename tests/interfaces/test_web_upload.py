"""The inquiry upload of the "Anfrage beantworten" tab as its callbacks read it (`read_upload`):
real files in a folder that stands for Gradio's upload folder, laid out as Gradio lays it out
(one folder per upload, named by the content's hash, holding the file under its cleaned name)."""

from pathlib import Path

import pytest

from assistant.answering.draft import InquiryError
from assistant.interfaces.web_render import render_error
from assistant.interfaces.web_ui import read_upload, shown_name

MB = 2**20
INQUIRY = "Sehr geehrte Damen und Herren,\n\n1. Wann wird die Feuerwache gebaut?\n"


@pytest.fixture()
def uploads(tmp_path: Path) -> Path:
    return tmp_path / "gradio"


def uploaded(uploads: Path, name: str, content: bytes) -> Path:
    """A file as Gradio stores an upload: <upload folder>/<hash>/<name>."""
    path = uploads / "5f1d0c" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def refusal(path: Path | str, uploads: Path, max_bytes: int = MB) -> str:
    with pytest.raises(InquiryError) as info:
        read_upload(str(path), max_bytes=max_bytes, uploads=uploads)
    return str(info.value)


def test_an_upload_is_read_from_gradios_copy(uploads):
    path = uploaded(uploads, "Anfrage der Fraktion.txt", INQUIRY.encode())
    assert read_upload(str(path), max_bytes=MB, uploads=uploads) == INQUIRY.strip()


def test_a_file_over_the_limit_is_refused_in_german(uploads):
    path = uploaded(uploads, "anfrage.txt", b"1. Wann?\n" * (MB // 9 + 20_000))  # 1.2 MB
    assert (
        refusal(path, uploads)
        == "Die Datei anfrage.txt ist für eine Anfrage zu groß (1,2 MB, höchstens 1 MB)."
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00\x03" + bytes(1000)),
        ("anfrage.docx", b"PK\x03\x04" + bytes(1000)),
        ("anfrage", INQUIRY.encode()),
    ],
)
def test_a_type_the_inquiry_reader_does_not_read_is_refused_in_german(uploads, name, content):
    suffix = Path(name).suffix or "(ohne Endung)"
    assert refusal(uploaded(uploads, name, content), uploads) == (
        f"Der Dateityp {suffix} wird nicht unterstützt; möglich sind .txt, .md, .pdf, .html und .htm."
    )


def test_a_name_that_climbs_out_of_the_upload_folder_is_never_read(uploads, tmp_path):
    """Gradio keeps only a name's last part ("../../etc/passwd.txt" is stored as passwd.txt); were a
    path built from such a name handed over, it is refused unread, and the message names the file
    only, not where it points."""
    secret = tmp_path / "etc" / "passwd.txt"
    secret.parent.mkdir()
    secret.write_text("1. Wie lautet das Passwort?\n", encoding="utf-8")
    climbing = f"{uploads}/5f1d0c/../../etc/passwd.txt"
    message = refusal(climbing, uploads)
    assert message == "Die Datei passwd.txt kann nicht gelesen werden. Bitte laden Sie sie erneut hoch."
    link = uploaded(uploads, "x", b"").with_name("anfrage.txt")
    link.symlink_to(secret)  # a link in the upload folder to a file outside it: refused alike
    assert "kann nicht gelesen werden" in refusal(link, uploads)


def test_the_name_is_shown_cleaned_and_escaped_where_it_is_rendered(uploads):
    path = uploaded(uploads, "anfrage\u202etxt.exe", b"MZ")
    assert refusal(path, uploads).startswith("Der Dateityp .exe wird nicht unterstützt")
    empty = uploaded(uploads, "<img src=x onerror=alert(1)>.txt", b"")
    message = refusal(empty, uploads)
    assert message == "Die Datei <img src=x onerror=alert(1)>.txt ist leer."
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in render_error(message)  # the status line escapes it
    assert shown_name("Anfrage\tvom\n3. März.pdf") == "Anfrage vom 3. März.pdf"

"""`council` — ingest, ask, draft, eval, serve; user and audit for admins.

Exit status: 0 success; 2 ingest finished but some files failed (the rest are indexed);
1 the command itself could not run (the reason is printed as one line, no traceback);
130 interrupted (re-running resumes where it stopped).
"""

import argparse
import json
import logging
import re
import sys
import threading
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import get_args

from assistant.answering.draft import InquiryError
from assistant.answering.llm import LocalServer, ModelFileError
from assistant.core.access import ACCESS_LEVELS, PUBLIC, ROLES, Viewer
from assistant.core.answers import Answer
from assistant.core.filters import FILTER_FIELDS, FilterError, Filters, filters_from_input, parse_day
from assistant.core.settings import BundledName, Settings
from assistant.index.embeddings import BackendMissing
from assistant.index.vectors import StoreError
from assistant.interfaces.draft_export import draft_markdown, write_docx
from assistant.interfaces.ports import PortInUse, check_port
from assistant.service.accounts import AccountError, Accounts
from assistant.service.audit import ANONYMOUS_USER, AuditEntry, AuditError, AuditLog
from assistant.service.council import CouncilAssistant, QuestionError, build_assistant, ingest, ingest_oparl
from assistant.service.inquiry import read_inquiry
from assistant.service.schema import AnswerOut, DraftOut
from ingest.crawl import KIND_LABELS, CrawlReport, KindCount, OParlError
from ingest.pipeline import FileNote, IngestReport


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    if args.data_dir is not None:
        settings.data_dir = args.data_dir
    return _run(settings, args)


def build_parser() -> argparse.ArgumentParser:
    """The `council` command line; parsing it loads nothing (no index, no model)."""
    parser = argparse.ArgumentParser(prog="council", description="Cited answers over council documents.")
    sub = parser.add_subparsers(dest="command", required=True)

    p_ingest = sub.add_parser(
        "ingest", help="index a folder (or a file) of council documents, or a council's OParl API"
    )
    p_ingest.add_argument("path", type=Path, nargs="?", help="folder or file (not with --oparl)")
    p_ingest.add_argument(
        "--oparl",
        nargs="?",
        const="",
        metavar="SYSTEM_URL",
        help="mirror the council's OParl API (its System object's URL; without one: oparl.system_url) "
        "into DATA_DIR/oparl/ and index it; a later run fetches only what changed",
    )
    p_ingest.add_argument(
        "--full",
        action="store_true",
        help="with --oparl: walk every list completely instead of asking for changes only",
    )
    p_ingest.add_argument(
        "--prune",
        action="store_true",
        help="remove files from the index that are gone (documents of an OParl sync are kept; "
        "--oparl prunes its own)",
    )
    p_ingest.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out files matching GLOB (relative path or file name); repeatable",
    )
    p_ingest.add_argument("--quiet", action="store_true", help="no progress bars")
    p_ingest.add_argument(
        "--access",
        choices=ACCESS_LEVELS,
        default=PUBLIC,
        help="access level of every file this call ingests (a registry or a title can only make a file "
        "stricter); nichtöffentlich files are searched only for signed-in members and staff",
    )

    p_ask = sub.add_parser("ask", help="answer one question with citations")
    p_ask.add_argument("question")
    p_ask.add_argument("--json", action="store_true", help="print one JSON object (for scripts)")
    _add_token_option(p_ask)
    _add_filter_options(p_ask)

    p_draft = sub.add_parser(
        "draft", help="draft an answer to an inquiry (Anfrage): cited, with the passages grouped by meeting"
    )
    p_draft.add_argument("file", type=Path, help="the inquiry (.txt, .md, .pdf or .html)")
    p_draft.add_argument("--out", type=Path, metavar="DRAFT.md", help="write the draft as Markdown")
    p_draft.add_argument("--docx", type=Path, metavar="DRAFT.docx", help="write the draft as a Word document")
    p_draft.add_argument("--json", action="store_true", help="print one JSON object (for scripts)")
    _add_token_option(p_draft)
    _add_filter_options(p_draft)

    p_eval = sub.add_parser("eval", help="run a gold question file and print metrics")
    p_eval.add_argument("gold", type=Path)
    p_eval.add_argument("--out", type=Path, required=True, help="results, one JSON line per question")
    p_eval.add_argument(
        "--compare",
        nargs="+",
        metavar="SETTING=VALUE",
        help="also run with these settings changed (e.g. retrieval.weights.lexical=0), printed side by side",
    )
    p_eval.add_argument(
        "--every",
        type=int,
        default=1,
        metavar="N",
        help="only every Nth question of each type (a sample for slow runs, e.g. an LLM on 2 cores)",
    )
    p_eval.add_argument(
        "--role",
        choices=ROLES,
        default="öffentlich",
        help="answer as this role (what it may read is searched)",
    )

    p_serve = sub.add_parser("serve", help="start the web chat and the HTTP API (/api/ask, /api/chat)")
    p_serve.add_argument("--host")
    p_serve.add_argument("--port", type=int)

    p_llm = sub.add_parser(
        "llm-server",
        help="run a GGUF model as an OpenAI-compatible llama.cpp server (for llm.mode openai)",
    )
    p_llm.add_argument("--host", default="127.0.0.1")
    p_llm.add_argument("--port", type=int, default=8080)
    p_llm.add_argument("--model", help="GGUF file (default: the bundled model, sha256-checked)")
    p_llm.add_argument(
        "--bundled", choices=get_args(BundledName), help="the bundled model to serve (default: llm.bundled)"
    )

    # Users and the audit log read and write only their own files in the data dir: no index, no model.
    p_user = sub.add_parser("user", help="manage users and their access tokens (admins)")
    user_sub = p_user.add_subparsers(dest="user_command", required=True)
    p_user_add = user_sub.add_parser("add", help="create a user and print their access token (shown once)")
    p_user_add.add_argument("name", help="1-64 letters, digits and . _ - @")
    p_user_add.add_argument("--role", required=True, help=f"what the user may read: {', '.join(ROLES)}")
    p_user_list = user_sub.add_parser("list", help="list the users with role and creation time")
    p_user_remove = user_sub.add_parser("remove", help="delete a user; their token stops working at once")
    p_user_remove.add_argument("name")

    p_audit = sub.add_parser("audit", help="show the audit log: who asked what, through which channel")
    p_audit.add_argument(
        "--since", metavar="DATE", help="entries from this day on (2024-10-22, 22.10.2024, 10.2024, 2024)"
    )
    p_audit.add_argument(
        "--user",
        metavar="NAME",
        help=f"only this user's entries (exact name); '{ANONYMOUS_USER}': questions asked without signing in",
    )
    p_audit.add_argument(
        "--json", action="store_true", help="one JSON object per entry and line, with the full answer"
    )

    user_commands = (p_user_add, p_user_list, p_user_remove)
    for p in (p_ingest, p_ask, p_draft, p_eval, p_serve, p_llm, *user_commands, p_audit):
        p.add_argument("--data-dir", type=Path, help="index location (default ./data or COUNCIL_DATA_DIR)")
    return parser


def _run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        match args.command:
            case "ingest":
                return _ingest(settings, args)
            case "ask":
                return _ask(settings, args)
            case "draft":
                return _draft(settings, args)
            case "eval":
                from eval.runner import CompareError, run_eval

                try:
                    return run_eval(settings, args.gold, args.out, args.compare, args.every, args.role)
                except CompareError as exc:
                    print(f"Fehler: {exc}", file=sys.stderr)
                    return 1
            case "llm-server":
                return _llm_server(settings, args)
            case "user":
                return _user(settings, args)
            case "audit":
                return _audit(settings, args)
            case "serve":
                from assistant.interfaces.http import banner, serve

                if args.host:
                    settings.ui.host = args.host
                if args.port:
                    settings.ui.port = args.port
                check_port(settings.ui.host, settings.ui.port)  # a taken port: one line, no banner
                print(banner(settings), flush=True)
                serve(settings)
                return 0
    except KeyboardInterrupt:
        print("\nAbgebrochen. Ein erneuter Aufruf setzt dort fort, wo dieser aufgehört hat.", file=sys.stderr)
        return 130
    except USER_ERRORS as exc:
        print(f"Fehler: {error_message(exc)}", file=sys.stderr)
        return 1
    return 1


# What a command reports as one line "Fehler: …" and exit status 1; each message is German at its
# source and names the fix. `app.py` (make run) catches the same.
USER_ERRORS = (
    StoreError,
    BackendMissing,
    ModelFileError,
    QuestionError,
    InquiryError,
    FilterError,
    AccountError,
    AuditError,
    PortInUse,
    OParlError,
    FileNotFoundError,
    NotADirectoryError,
)


def error_message(exc: BaseException) -> str:
    """The line for `exc`: its own message, or for a file the system did not find (it names the
    file, its message is the system's English) a German one."""
    if isinstance(exc, OSError) and exc.filename is not None:
        if isinstance(exc, FileNotFoundError):
            return f"{exc.filename} gibt es nicht."
        if isinstance(exc, NotADirectoryError):
            return f"{exc.filename} ist kein Ordner."
    return str(exc)


def _llm_server(settings: Settings, args: argparse.Namespace) -> int:
    """Serve until interrupted. The model file is assembled into the data dir's models/ folder."""
    if args.model:
        settings.llm.model_path = args.model
    if args.bundled:
        settings.llm.bundled = args.bundled
    server = LocalServer.start(settings.llm, settings.data_dir, port=args.port, host=args.host)
    print(f"llama.cpp-Server für {server.model_name}: {server.base_url}", flush=True)
    threading.Event().wait()  # the server runs in its own threads; Ctrl-C ends this one
    return 0


def _ingest(settings: Settings, args: argparse.Namespace) -> int:
    if args.oparl is not None:
        return _ingest_oparl(settings, args)
    if args.path is None:
        raise FileNotFoundError(
            "Bitte einen Ordner oder eine Datei angeben (council ingest ORDNER) oder --oparl URL."
        )
    if not args.path.exists():
        raise FileNotFoundError(
            f"{args.path} gibt es nicht. Bitte einen vorhandenen Ordner oder eine Datei angeben."
        )
    report = ingest(
        settings,
        args.path,
        prune=args.prune,
        exclude=tuple(args.exclude),
        progress=False if args.quiet else None,
        access=args.access,
    )
    print(format_report(report))
    return report.exit_code


def _ingest_oparl(settings: Settings, args: argparse.Namespace) -> int:
    if args.path is not None:
        raise OParlError("Entweder einen Ordner oder --oparl URL angeben, nicht beides.")
    quiet = args.quiet

    def say(line: str) -> None:
        if not quiet:
            print(line, file=sys.stderr, flush=True)

    run = ingest_oparl(
        settings,
        args.oparl or None,
        full=args.full,
        progress=False if quiet else None,
        access=args.access,
        say=say,
    )
    print(format_crawl_report(run.crawl))
    print(format_report(run.ingest))
    return run.exit_code


def format_crawl_report(r: CrawlReport) -> str:
    """The crawl's part of `council ingest --oparl`'s report: objects by type, lists, files, each
    failure with its reason."""
    total = r.total
    lines = [
        f"OParl-Abgleich {r.system}" + (" (unterbrochener Lauf fortgesetzt)" if r.resumed else ""),
        f"Objekte: {total.seen} gesehen, {total.new} neu, {total.changed} geändert, {total.deleted} gelöscht"
        + (f" ({r.objects_per_second:.1f} Objekte/s)" if r.walked else ""),
    ]
    width = max(len(label) for label in KIND_LABELS.values())
    for kind, label in KIND_LABELS.items():
        c = r.objects.get(kind, KindCount())
        lines.append(
            f"  {label:<{width}} {c.seen} gesehen, {c.new} neu, {c.changed} geändert, {c.deleted} gelöscht"
        )
    walked = f"Listen: {r.lists_complete} vollständig gelesen"
    if r.lists_changes_only:
        walked += f" ({r.lists_changes_only} davon nur Änderungen, modified_since)"
    lines.append(walked + (f", {len(r.lists_incomplete)} unvollständig" if r.lists_incomplete else ""))
    lines.append(
        f"Dateien: {r.files_downloaded} heruntergeladen, {r.files_current} unverändert, {r.files_removed} "
        f"entfernt, {len(r.files_skipped)} übersprungen, {len(r.files_failed)} fehlgeschlagen"
    )
    lines += [_note("FEHLER", f"{n.what}: {n.reason}") for n in r.lists_incomplete + r.files_failed]
    lines += [_note("übersprungen", f"{n.what}: {n.reason}") for n in r.files_skipped]
    if r.held_back:
        lines.append(
            f"  {len(r.held_back)} Datei(en) zurückgehalten, bis die Sitzungsliste vollständig gelesen ist "
            "(sie könnten nichtöffentlich sein)"
        )
    lines.append(f"Anfragen: {r.requests} ({r.retries} wiederholt)  Sekunden: {r.seconds:.1f}")
    return "\n".join(lines)


def format_report(r: IngestReport) -> str:
    lines = [
        f"Dateien: {r.files} gefunden, {r.indexed} eingelesen, {r.unchanged} unverändert, "
        f"{len(r.metadata)} als Metadaten gelesen, {len(r.skipped)} übersprungen, "
        f"{len(r.failed)} fehlgeschlagen",
        f"Seiten: {r.pages}  Abschnitte geschrieben: {r.chunks}  Verschiedene Abschnitte im Index: "
        f"{r.index_chunks} (neu eingebettet: {r.embedded}; Duplikate und unveränderte Texte nutzen die "
        "gespeicherten Vektoren)",
    ]
    if r.records_indexed or r.unchanged_records:
        lines.append(
            f"Aus Registern (Sitzungen aus Tagesordnungslisten, OParl-Vorlagen): {r.records_indexed} "
            f"eingelesen, {r.unchanged_records} unverändert"
        )
    if r.relabelled:
        lines.append(
            f"Vektoren behalten, Metadaten neu geschrieben: {r.relabelled} (geändert oder aus einer älteren "
            "Version)"
        )
    if r.vectors_pending:
        lines.append("Vektoren: werden im Hintergrund berechnet; bis dahin findet die Suche nur nach Wörtern")
    if r.closed:
        lines.append(f"Zugriff: {r.closed} der in diesem Lauf eingelesenen Dateien sind nichtöffentlich")
    if r.reanalysed:
        lines.append(
            f"Stichwortindex neu analysiert: {r.reanalysed} Abschnitte (Vokabular der Komposita neu gelernt)"
        )
    lines += _grouped("Metadaten", r.metadata)
    lines += _grouped("übersprungen", r.skipped)
    lines += [_note("FEHLER", f"{n.source}: {n.reason}") for n in r.failed]
    lines += [_note("Warnung", f"{n.source}: {n.reason}") for n in r.warnings]
    lines += [_note("entfernt", s) for s in r.removed]
    if r.stale:
        lines.append(
            f"  {len(r.stale)} Datei(en) im Index gibt es nicht mehr; mit --prune werden sie entfernt"
        )
    lines.append(f"Sekunden: {r.seconds:.1f} (durchsuchbar nach {r.searchable_seconds:.1f})")
    return "\n".join(lines)


def _note(label: str, text: str) -> str:
    return f"  {label:<12} {text}"


def _grouped(label: str, notes: list[FileNote]) -> list[str]:
    """One line per file, or per reason when there are many (a folder of OParl JSON beside the
    texts should not bury the failures): a reason's words up to its first number or parenthesis,
    "OParl-Vorlage 2023/0835 (4 Dateien)" → "OParl-Vorlage"."""
    if len(notes) <= 5:
        return [_note(label, f"{n.source}: {n.reason}") for n in notes]
    by_reason = Counter(re.split(r"\s[\d(]", n.reason, maxsplit=1)[0] for n in notes)
    return [_note(label, f"{count} Datei(en): {reason}") for reason, count in by_reason.most_common()]


def _add_filter_options(parser: argparse.ArgumentParser) -> None:
    """One option per declared filter field (`FILTER_FIELDS`)."""
    filters = parser.add_argument_group(
        "filters",
        "search only documents matching all of these (dates: 2024-10-22, 22.10.2024, 10.2024, 2024)",
    )
    for field in FILTER_FIELDS:
        filters.add_argument(
            field.option, *field.aliases, dest=field.name, metavar=field.metavar, help=field.help
        )


def _filters(assistant: CouncilAssistant, args: argparse.Namespace, viewer: Viewer) -> Filters:
    """The filters given with `_add_filter_options`, checked against the facets `viewer` sees."""
    typed = {f.name: getattr(args, f.name) for f in FILTER_FIELDS}
    return filters_from_input(assistant.facets(viewer), **typed)


def _add_token_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--token",
        help="ask as the user of this token (`council user add`); default: access.token "
        "(COUNCIL_ACCESS__TOKEN, which keeps it out of the process list); none: as the public",
    )


def _viewer(assistant: CouncilAssistant, args: argparse.Namespace) -> Viewer:
    return assistant.viewer(args.token or assistant.settings.access.token)


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    assistant = build_assistant(settings)
    viewer = _viewer(assistant, args)
    answer = assistant.ask(args.question, _filters(assistant, args, viewer), viewer=viewer, channel="cli")
    if args.json:
        print(json.dumps(AnswerOut.of(answer).model_dump(mode="json"), ensure_ascii=False))
    else:
        print(format_answer(answer))
    return 0


def _draft(settings: Settings, args: argparse.Namespace) -> int:
    inquiry = read_inquiry(args.file)  # before loading the index: a wrong file fails at once
    assistant = build_assistant(settings)
    viewer = _viewer(assistant, args)
    draft = assistant.draft(inquiry, _filters(assistant, args, viewer), viewer, channel="cli/draft")
    written = []
    try:
        if args.out is not None:
            args.out.write_text(draft_markdown(draft), encoding="utf-8")
            written.append(args.out)
        if args.docx is not None:
            write_docx(draft, args.docx)
            written.append(args.docx)
    except OSError as exc:
        raise InquiryError(
            f"Der Entwurf kann nicht gespeichert werden ({exc.filename or ''}: {exc.strerror or exc})."
        ) from None
    if args.json:
        print(json.dumps(DraftOut.of(draft).model_dump(mode="json"), ensure_ascii=False))
    elif not written:
        print(draft_markdown(draft), end="")
    for path in written:
        print(f"Antwortentwurf gespeichert: {path}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _user(settings: Settings, args: argparse.Namespace) -> int:
    accounts = Accounts(settings.data_dir)
    try:
        match args.user_command:
            case "add":
                token = accounts.add(args.name, args.role)
                name = args.name.strip()
                print(f"Benutzer „{name}“ mit der Rolle {args.role} angelegt. Zugangsschlüssel:\n\n{token}\n")
                print(
                    "Der Schlüssel wird nur dieses eine Mal angezeigt und nirgends gespeichert. In der API "
                    "wird er als Kopfzeile „Authorization: Bearer <Schlüssel>“ mitgeschickt, im Web-Chat "
                    "unter „Anmelden“ eingegeben."
                )
            case "list":
                users = accounts.list()
                rows = [[a.name, a.role, _local(a.created)] for a in users]
                print(_table(["Name", "Rolle", "Angelegt"], rows) if users else "Keine Benutzer angelegt.")
            case "remove":
                accounts.remove(args.name)
                print(f"Benutzer „{args.name.strip()}“ entfernt; sein Zugangsschlüssel gilt nicht mehr.")
    finally:
        accounts.close()
    return 0


def _audit(settings: Settings, args: argparse.Namespace) -> int:
    since = parse_day(args.since, end=False) if args.since else None
    log = AuditLog(settings.data_dir)
    try:
        entries = log.read(since=since, user=args.user)
    finally:
        log.close()
    if not entries:
        chosen = args.since or args.user
        print(
            "Keine Einträge für diese Auswahl." if chosen else "Im Protokoll ist nichts aufgezeichnet.",
            file=sys.stderr if args.json else sys.stdout,
        )
    elif args.json:
        for e in entries:
            print(json.dumps(audit_json(e), ensure_ascii=False))
    else:
        rows = [
            [
                _local(e.time),
                e.user or "(anonym)",
                e.role,
                e.channel,
                "ja" if e.abstained else "nein",
                str(len(e.passages)),
                _shortened(e.question, 70),
            ]
            for e in entries
        ]
        print(_table(["Zeit", "Benutzer", "Rolle", "Kanal", "Ohne Antwort", "Fundstellen", "Frage"], rows))
    return 0


def audit_json(entry: AuditEntry) -> dict:
    """An audit entry for `council audit --json`: every field, the time in UTC."""
    return {
        "time": entry.time.isoformat(),
        "user": entry.user,
        "role": entry.role,
        "channel": entry.channel,
        "question": entry.question,
        "answer": entry.answer,
        "abstained": entry.abstained,
        "passages": list(entry.passages),
    }


def _local(when: datetime) -> str:
    """A stored UTC time as the admin's clock shows it: 2024-10-22T20:05:03+02:00."""
    return when.astimezone().isoformat(timespec="seconds")


def _shortened(text: str, limit: int) -> str:
    """One line of at most `limit` characters.

    >>> _shortened("Wie wurde\\nabgestimmt?", 12)
    'Wie wurde a…'
    """
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell; the last one is not padded.

    >>> print(_table(["Name", "Rolle"], [["anna", "admin"], ["bo", "mitglied"]]))
    Name  Rolle
    anna  admin
    bo    mitglied
    """
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]]) for r in [header, *rows]
    ]
    return "\n".join(lines)


def format_answer(answer: Answer) -> str:
    lines = [answer.text]
    applied = answer.filters.applied
    if answer.retrieved and applied.chosen:
        lines.append(f"(Gefiltert: {applied.describe()})")
    if note := answer.filters.note():
        lines.append(note)
    if answer.generation.note:
        lines.append(answer.generation.note)
    if answer.citations:
        lines.append("\nQuellen:")
    for c in answer.citations:
        where = ", ".join(c.location())
        quote = " ".join(c.text.split())
        lines.append(f"[{c.n}] {c.source} ({where})\n    „{quote[:400]}{'…' if len(quote) > 400 else ''}“")
        lines += [f"    {note}" for note in c.notes()]
    lines.append(f"({answer.seconds:.2f} s)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

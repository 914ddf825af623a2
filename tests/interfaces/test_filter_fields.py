"""A filter field declared once (`FILTER_FIELDS`) is offered everywhere: as a CLI option, in the
HTTP body's schema and in both filter panels of the web chat, whose API names it."""

import pytest

from assistant.core.access import ANONYMOUS, Viewer
from assistant.core.filters import FILTER_FIELDS, Filters, IndexFacets, filters_from_input
from assistant.core.settings import Settings
from assistant.interfaces.cli import build_parser, main
from assistant.interfaces.web_ui import build_ui
from assistant.service.schema import FiltersIn

FACETS = IndexFacets(committees=("Gemeinderat",), doc_types=("Niederschrift", "Vorlage"))


class Index:
    """What the UI needs of the assistant to be built: its settings, who a token signs in, and
    the facets that viewer sees."""

    settings = Settings()

    def viewer(self, token: str | None) -> Viewer:
        return ANONYMOUS

    def facets(self, viewer: Viewer = ANONYMOUS) -> IndexFacets:
        return FACETS


@pytest.mark.parametrize("command", ["ask", "draft"])
def test_each_field_is_a_cli_option(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for field in FILTER_FIELDS:
        spellings = ", ".join(f"{option} {field.metavar}" for option in (field.option, *field.aliases))
        assert f"{spellings} {field.help}" in shown


@pytest.mark.parametrize("command", ["ask", "draft"])
def test_agenda_item_option_and_its_old_spelling_give_the_same_filter(command):
    """`--agenda-item` is the name (`--top` read as top-k); `--top` stays accepted."""
    parser = build_parser()
    new = parser.parse_args([command, "frage.txt", "--agenda-item", "14"])
    old = parser.parse_args([command, "frage.txt", "--top", "14"])
    typed = {f.name: getattr(new, f.name) for f in FILTER_FIELDS}
    assert typed == {f.name: getattr(old, f.name) for f in FILTER_FIELDS}
    assert typed["agenda_item"] == "14"
    assert filters_from_input(FACETS, **typed) == Filters(agenda_item="14")


def test_each_field_is_in_the_http_body_with_its_description():
    properties = FiltersIn.model_json_schema()["properties"]
    assert {name: p["description"] for name, p in properties.items()} == {
        f.name: f.description for f in FILTER_FIELDS
    }
    assert FiltersIn(agenda_item=14).agenda_item == 14  # a TOP may come as a number


def test_each_field_is_in_both_web_panels_by_name():
    demo = build_ui(Index())
    endpoints = demo.get_api_info()["named_endpoints"]
    for endpoint in ("/chat", "/anfrage"):
        parameters = {p["parameter_name"]: p for p in endpoints[endpoint]["parameters"]}
        for field in FILTER_FIELDS:
            assert parameters[field.name]["label"] == field.label
    panel = {p["parameter_name"]: p for p in endpoints["/chat"]["parameters"]}
    assert panel["committee"]["component"] == "Dropdown"
    assert panel["date_from"]["component"] == "Textbox"

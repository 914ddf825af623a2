"""A list that the chunk boundary cuts is completed from the next chunk of its file: the Erlangen
Stadtteilbeirat's request names five streets, three of them in the chunk after the one that
announces them ("um folgende Straßenzüge ergänzt werden"); its minutes of 5 April 2022 name three
conditions, the third on the next page. So is a sentence that a page break cuts (Kent's Corporate
Parenting Panel, 10 December 2024)."""

import dataclasses
from pathlib import Path

import pytest

from assistant.answering.passages import continued, ends_in_list, ends_in_sentence
from assistant.core.settings import Settings
from assistant.index.catalog import Catalog
from assistant.service.council import build_assistant
from tests.conftest import index_of

pytestmark = pytest.mark.shared

ANTRAG = (
    "erlangen-sbr-buechenbach/SBR/Anträge_Übersicht/Antrag_STBR_Büchenbach_ErweiterungSozialeStadtBüNord.pdf"
)
STREETS = ["Europakanal", "Goldwitzer Straße", "Marienstraße", "Dorfstraße", "Sixtusstraße"]
MINUTES = "erlangen-sbr-buechenbach/SBR/2022-04-05_Niederschrift_Niederschrift_1_Sitzung_Buechenbach.pdf"
PANEL = "kent-county-council/full_council/2025-03-13/originals/CPP Minutes 10.12.24.pdf"


@pytest.fixture(scope="module")
def antrag_index(tmp_path_factory) -> Path:
    return index_of([ANTRAG], tmp_path_factory.mktemp("antrag"))


def test_a_list_cut_by_the_chunk_boundary_is_answered_whole(antrag_index):
    chunks = Catalog(antrag_index, create=False).all_chunks()
    announcing = next(c for c in chunks if "folgende Straßenzüge" in c.text)
    assert "Sixtusstraße" not in announcing.text  # the stored chunk stops inside the list

    reply = build_assistant(Settings(data_dir=antrag_index)).ask(
        "Um welche Straßenzüge soll das Gebiet der Sozialen Stadt Büchenbach Nord ergänzt werden?"
    )
    assert not reply.abstained
    assert all(street in reply.text for street in STREETS)
    quote = next(c for c in reply.citations if "folgende Straßenzüge" in c.text)
    assert all(street in quote.text for street in STREETS)  # the citation quotes the whole list


def test_a_list_cut_by_a_page_break_is_answered_whole(tmp_path):
    index = index_of([MINUTES], tmp_path)
    reply = build_assistant(Settings(data_dir=index)).ask(
        "Welche drei Bedingungen hat der Stadtteilbeirat für eine StUB-Wendeschleife durch die "
        "Lindnerstraße genannt?"
    )
    quote = next(c for c in reply.citations if "drei Bedingungen" in c.text)
    assert quote.passage.page is not None and quote.passage.page < 4  # the list goes on on page 4
    for condition in ("Fußgängerbrücke", "Mönaustraße", "Wendegleis"):
        assert condition in reply.text and condition in quote.text


def test_only_an_announced_list_going_on_in_the_next_paragraph_or_page_is_continued(antrag_index):
    catalog = Catalog(antrag_index, create=False)
    first = next(c for c in catalog.all_chunks() if "folgende Straßenzüge" in c.text).passage(None)
    following = catalog.following(ANTRAG, first.chunk_id)
    assert following is not None and following.text.lstrip().startswith("- Marienstraße")
    assert catalog.following(ANTRAG, following.chunk_id) is None  # the file's last chunk

    assert ends_in_list(first)
    whole = continued(first, following)
    assert whole.own_text == first.text.rstrip() and whole.text.startswith(whole.own_text)
    assert "Sixtusstraße" in whole.text and "Sixtusstraße" not in whole.own_text
    assert continued(first, dataclasses.replace(following, paragraph=following.paragraph + 1)) == first
    next_page = dataclasses.replace(following, page=(first.page or 0) + 1, paragraph=1)
    assert "Sixtusstraße" in continued(first, next_page).text  # the first paragraph of the next page
    assert continued(first, dataclasses.replace(following, page=(first.page or 0) + 2)) == first
    assert not ends_in_list(dataclasses.replace(first, text=first.text.replace("folgende", "diese")))


def test_a_sentence_cut_by_a_page_break_is_completed_from_the_next_page(tmp_path):
    catalog = Catalog(index_of([PANEL], tmp_path), create=False)
    cut = next(c for c in catalog.all_chunks() if c.text.rstrip().endswith("not obtaining legal status"))
    first = cut.passage(None)
    following = catalog.following(PANEL, first.chunk_id)
    assert following is not None and following.page == (first.page or 0) + 1
    assert ends_in_sentence(first)

    whole = continued(first, following)
    assert whole.own_text == whole.text  # the completed sentence is the passage's own
    assert whole.text.endswith(
        "not obtaining legal status\nin time to transition to care leavers at university age."
    )
    assert "Tony Doran" not in whole.text[len(first.text) :]  # only the rest of the cut sentence
    assert not ends_in_sentence(whole)
    # a next page that opens with a sentence of its own, or a page further on, goes on nothing
    opened = dataclasses.replace(following, text="In " + following.text.lstrip())
    assert continued(first, opened) == first
    assert continued(first, dataclasses.replace(following, page=(first.page or 0) + 2)) == first

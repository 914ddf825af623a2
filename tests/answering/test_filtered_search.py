"""Filters applied inside the searches: the catalog's facets (SQL) for BM25 and for the keys the
vector search may return, the real Chroma and e5 for the rest. A filtered search still returns k
passages when the best unfiltered ones are all elsewhere; a duplicated chunk matches through any
of its files; filters that match nothing are said so, never dropped silently."""

import dataclasses
import sqlite3
from datetime import date

import numpy as np
import pytest

from assistant.answering import retrieval
from assistant.answering.question import Question
from assistant.answering.retrieval import CouncilRetriever, nearest
from assistant.core.filters import Filters, no_documents_message
from assistant.core.settings import RetrievalSettings, Settings, SignalWeights, StoreSettings
from assistant.index import catalog as catalog_module
from assistant.index.catalog import Catalog, chunk_key
from assistant.index.embeddings import build_embed_model
from assistant.index.vectors import VectorStore
from assistant.service.council import build_assistant
from tests.conftest import KARLSRUHE_TOP14, KENT_FEB, METTMANN, parsed

# --- the catalog's facets ---------------------------------------------------------------------


def test_facets_list_the_committees_types_and_latest_meetings(catalog):
    facets = catalog.facets()
    assert facets.committees == ("Gemeinderat", "Sozialausschuss")
    assert facets.doc_types == ("Beratungsergebnis", "Niederschrift")
    assert facets.latest("Sozialausschuss") == date(2021, 2, 8)
    assert facets.latest(None) == date(2024, 10, 22)


def test_each_filter_selects_the_placements_that_meet_it(catalog):
    def sources(filters: Filters) -> set[str]:
        chunks = catalog.chunks(catalog.matching_keys(filters)).values()
        return {c.primary.source for c in chunks}

    assert sources(Filters(committee="Sozialausschuss")) == {METTMANN}
    assert sources(Filters(date_from=date(2024, 1, 1))) == {KARLSRUHE_TOP14}
    assert sources(Filters(date_from=date(2021, 2, 8), date_to=date(2021, 2, 8))) == {METTMANN}
    assert sources(Filters(doc_type="Niederschrift")) == {KARLSRUHE_TOP14}
    assert sources(Filters(vorlage="50/004/2021")) == {METTMANN}
    assert sources(Filters(committee="Sozialausschuss", doc_type="Niederschrift")) == set()
    assert not catalog.has_matches(Filters(committee="Gemeinderat", date_to=date(2020, 12, 31)))


def test_agenda_items_match_their_sub_items_and_the_item_above_them(catalog):
    top14 = set(catalog.matching_keys(Filters(agenda_item="14")))
    assert top14 and top14 == set(catalog.keys_of_sources([KARLSRUHE_TOP14], Filters(agenda_item="14")))
    # "TOP 14.1" stands in the minutes of TOP 14, which are not divided finer
    assert set(catalog.matching_keys(Filters(agenda_item="14.1"))) == top14
    assert set(catalog.matching_keys(Filters(agenda_item="10"))) <= set(catalog.keys_of_sources([METTMANN]))
    assert not catalog.has_matches(Filters(agenda_item="1")) and not catalog.has_matches(
        Filters(agenda_item="4")
    )


def test_a_duplicated_chunk_matches_through_any_of_its_files(catalog):
    doc, chunks = parsed(METTMANN, as_source="kreistag/Auszug.txt")
    copy = dataclasses.replace(doc, committee="Kreistag", meeting_date=date(2021, 3, 1))
    catalog.replace_file(copy, chunks, "hash-copy")
    key = chunk_key(chunks[0].text)
    assert key in catalog.matching_keys(Filters(committee="Sozialausschuss"))
    assert key in catalog.matching_keys(Filters(committee="Kreistag"))
    # all fields of a filter hold for one and the same file
    same_file = Filters(committee="Kreistag", date_from=date(2021, 2, 8), date_to=date(2021, 2, 8))
    assert key not in catalog.matching_keys(same_file)
    assert catalog.lexical("KOMM-AN NRW Erkrath", 5, Filters(committee="Kreistag"))


def test_bm25_ranks_only_the_chunks_that_match(catalog):
    unfiltered = catalog.lexical("Grundsteuer Hebesatz Stadt", 50)
    assert {catalog.chunks([k])[k].primary.source for k, _ in unfiltered[:3]} == {KARLSRUHE_TOP14}
    filtered = catalog.lexical("Grundsteuer Hebesatz Stadt", 3, Filters(committee="Sozialausschuss"))
    assert filtered and {catalog.chunks([k])[k].primary.source for k, _ in filtered} == {METTMANN}


def test_facets_are_read_again_once_the_catalog_changes(catalog, tmp_path):
    """They are kept between questions (a scan of every placement), but never outlive a change,
    whether written through this catalog or by another process (an ingest beside the server)."""
    assert "Kreistag" not in catalog.facets().committees
    doc, chunks = parsed(METTMANN, as_source="kreistag/Auszug.txt")
    catalog.replace_file(dataclasses.replace(doc, committee="Kreistag"), chunks, "hash-copy")
    assert "Kreistag" in catalog.facets().committees
    other = Catalog(tmp_path, create=False)
    other.replace_file(dataclasses.replace(doc, committee="Kreisausschuss"), chunks, "hash-copy-2")
    other.close()
    assert "Kreisausschuss" in catalog.facets().committees


def test_a_catalog_written_before_filters_gets_its_facets_on_opening(catalog, tmp_path):
    before = set(catalog.matching_keys(Filters(committee="Gemeinderat", agenda_item="14")))
    catalog.close()
    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    db.execute("DELETE FROM facets")
    db.execute("UPDATE meta SET value = '1' WHERE name = 'schema'")
    db.commit()
    db.close()
    reopened = Catalog(tmp_path, create=False)
    assert set(reopened.matching_keys(Filters(committee="Gemeinderat", agenda_item="14"))) == before
    reopened.close()


# --- the real vector store and assistant -------------------------------------------------------


@pytest.fixture(scope="module")
def assistant(small_index):
    return build_assistant(Settings(data_dir=small_index))


DENSE_ONLY = SignalWeights(dense=1.0, lexical=0.0)


def retriever(small_index, **settings) -> CouncilRetriever:
    config = Settings(data_dir=small_index)
    model = build_embed_model(config.embedding)
    vectors = VectorStore(config.store, small_index, model.model_id, create=False)
    return CouncilRetriever(Catalog(small_index, create=False), vectors, model, RetrievalSettings(**settings))


def test_a_filtered_search_returns_k_passages_when_the_best_are_all_elsewhere(small_index):
    search = retriever(small_index, top_k=3, weights=DENSE_ONLY)  # the vector query: the best are elsewhere
    question = "Welche Hebesätze gelten nach der Grundsteuerreform?"
    unfiltered = search.passages(question)
    assert {p.committee for p in unfiltered} == {"Gemeinderat"}
    found = search.passages(question, Filters(committee="County Council"))
    assert len(found) == 3 and {p.committee for p in found} == {"County Council"}


def test_llama_index_retrieval_still_goes_through_the_retriever(small_index):
    nodes = retriever(small_index, top_k=2, weights=DENSE_ONLY).retrieve(
        "Welche Hebesätze gelten nach der Grundsteuerreform?"
    )
    assert len(nodes) == 2 and nodes[0].node.metadata["committee"] == "Gemeinderat"


@pytest.mark.parametrize("exact_up_to", [StoreSettings().exact_up_to, 0], ids=["in-memory", "hnsw"])
def test_the_vector_search_among_given_chunks_is_exact(small_index, exact_up_to):
    config = Settings(data_dir=small_index, store=StoreSettings(exact_up_to=exact_up_to))
    model = build_embed_model(config.embedding)
    store = VectorStore(config.store, small_index, model.model_id, create=False)
    keys = Catalog(small_index, create=False).matching_keys(Filters(committee="County Council"))
    ids, vectors = store.all_vectors()
    by_key = dict(zip(ids, np.asarray(vectors), strict=True))
    q = np.asarray(model.get_query_embedding("Wie wurde über die Grundsteuerreform abgestimmt?"))
    exact = sorted(keys, key=lambda k: -float(by_key[k] @ q))[:10]
    assert [k for k, _ in store.query(q, 10, keys)] == exact
    assert store.query(q, 10, []) == []
    # a key without a vector yet (an ingest in progress) is passed over, not an error
    assert [k for k, _ in store.query(q, 10, [*keys, "not-embedded-yet"])] == exact


MANY = [
    Filters(committee="County Council"),
    Filters(committee="Gemeinderat"),
    Filters(doc_type="Niederschrift"),
    Filters(date_from=date(2021, 1, 1), date_to=date(2021, 12, 31)),
]


@pytest.mark.parametrize("filters", MANY, ids=lambda f: f.describe())
def test_a_filter_that_admits_many_chunks_finds_what_the_restricted_search_finds(
    small_index, monkeypatch, filters
):
    """A filter admitting more than `FEW_ADMITTED` chunks (here: any) is applied to the best of a
    deeper unrestricted search instead of being handed over as every key it admits; the k best
    it admits are the same, for the vector search and for BM25."""
    config = Settings(data_dir=small_index)
    model = build_embed_model(config.embedding)
    vectors = VectorStore(config.store, small_index, model.model_id, create=False)
    catalog = Catalog(small_index, create=False)
    admitted = catalog.matching_keys(filters)
    questions = ["Wie wurde über die Grundsteuerreform abgestimmt?", "Who chaired the meeting?"]
    expected = {}
    for question in questions:
        vector = model.get_query_embedding(question)
        expected[question] = (vectors.query(vector, 5, admitted), catalog.lexical(question, 5, filters))
    monkeypatch.setattr(retrieval, "FEW_ADMITTED", 0)
    monkeypatch.setattr(catalog_module, "FEW_ADMITTED", 0)
    for question in questions:
        vector = model.get_query_embedding(question)
        dense, lexical = expected[question]
        assert [k for k, _ in nearest(catalog, vectors, vector, 5, filters)] == [k for k, _ in dense]
        assert catalog.lexical(question, 5, filters) == lexical
    catalog.close()


def test_vote_records_added_for_a_vote_question_meet_the_filters(small_index):
    found = retriever(small_index).passages("How did the Council vote?", Filters(agenda_item="5"))
    assert found and all(p.source == KENT_FEB and p.agenda_item.number == "5" for p in found)


def test_chosen_filters_that_match_nothing_say_so(assistant):
    chosen = Filters(committee="Sozialausschuss", date_from=date(2023, 1, 1))
    answer = assistant.ask("Wer leitete die Sitzung?", chosen)
    assert answer.text == no_documents_message(chosen)
    assert "(Ausschuss Sozialausschuss, ab 01.01.2023) gibt es keine Dokumente im Index" in answer.text
    assert answer.abstained and not answer.citations and not answer.retrieved
    assert answer.filters.applied == chosen


def test_question_filters_apply_and_are_reported(assistant):
    answer = assistant.ask(
        "Welche Städte haben im Sozialausschuss am 08.02.2021 KOMM-AN NRW Mittel beantragt?"
    )
    stated = Filters(committee="Sozialausschuss", date_from=date(2021, 2, 8), date_to=date(2021, 2, 8))
    assert answer.filters.applied == stated and answer.filters.from_question == stated
    assert {p.source for p in answer.retrieved} == {METTMANN} and "Hilden" in answer.text
    assert answer.filters.note() is None


def test_what_the_asker_knew_before_the_question_is_no_filter_where_the_matter_came_up_is(assistant):
    # An earlier state the asker states ("Im Februar 2021 …") does not confine the search to it:
    # the question asks what came after.
    before = assistant.ask(
        "Im Februar 2021 hat der Sozialausschuss über KOMM-AN NRW gesprochen. Wie hat der Gemeinderat "
        "danach über die Grundsteuer entschieden?"
    )
    assert before.filters.from_question.empty
    assert any(p.committee == "Gemeinderat" for p in before.retrieved)
    # Where it says the matter came up, after the question, locates it.
    after = assistant.ask("Welche Städte haben KOMM-AN NRW Mittel beantragt? Das war am 08.02.2021 Thema.")
    assert after.filters.from_question == Filters(date_from=date(2021, 2, 8), date_to=date(2021, 2, 8))
    assert "Hilden" in after.text


def test_the_days_a_body_met_are_answered_from_its_meeting_records(assistant):
    answer = assistant.ask("An welchen Tagen hat der Sozialausschuss im Jahr 2021 getagt?")
    assert answer.text.endswith("(1): 08.02.2021 [1]") and not answer.abstained
    assert answer.citations[0].source == METTMANN and "08.02.2021" in answer.citations[0].text
    assert "(0)" not in assistant.ask("Wie oft hat der Gemeinderat getagt?").text
    for asked in (
        "Wann hat der Gemeinderat zuletzt getagt?",
        "Wann war die letzte Sitzung des Gemeinderats?",
    ):
        latest = assistant.ask(asked).text
        assert latest.startswith("Letzte Sitzung des Gremiums „Gemeinderat“") and "22.10.2024 [1]" in latest
    # a question on a topic of the meetings is no question for their days
    topic = assistant.ask("Wann hat der Sozialausschuss über KOMM-AN NRW getagt?")
    assert "soweit die Dokumente sie belegen" not in topic.text
    # the place of the body, named after it or before it, must be the place of its records
    for asked in (
        "Wann war die letzte Sitzung des Gemeinderats Karlsruhe?",
        "Wann tagte der Karlsruher Gemeinderat?",
    ):
        assert "„Gemeinderat“, soweit die Dokumente sie belegen" in assistant.ask(asked).text
    assert "soweit die Dokumente sie belegen" not in assistant.ask("Wann tagte der Gemeinderat Hilden?").text


def test_where_a_body_met_is_answered_from_the_header_of_its_records(assistant):
    answer = assistant.ask("Where did the County Council meet?")
    assert answer.text == (
        "Latest meeting of the County Council recorded in the documents: "
        "the Council Chamber, Sessions House, County Hall, Maidstone: 13 February 2025 [1]"
    )
    assert answer.citations[0].source == KENT_FEB
    assert answer.citations[0].text.startswith(
        "MINUTES of a meeting of the County Council held in the Council"
    )
    # where a topic is asked, the ordinary answer
    topic = assistant.ask("Wo hat der Sozialausschuss über KOMM-AN NRW getagt?")
    assert "soweit die Dokumente sie belegen" not in topic.text


def test_chosen_filters_win_over_the_question(assistant):
    answer = assistant.ask(
        "Was beschloss der Gemeinderat am 22.10.2024?", Filters(committee="County Council")
    )
    # the question's committee yields to the chosen one; its date, with that committee, matches nothing
    assert answer.filters.applied == Filters(committee="County Council")
    assert answer.filters.dropped == Filters(date_from=date(2024, 10, 22), date_to=date(2024, 10, 22))
    assert answer.filters.reason == "nothing"
    assert {p.committee for p in answer.retrieved} == {"County Council"}


def test_question_filters_that_match_nothing_are_dropped_with_a_note(assistant):
    answer = assistant.ask(
        "Welche Städte haben im Sozialausschuss am 3. März 2022 KOMM-AN NRW Mittel beantragt?"
    )
    assert answer.filters.applied.empty and answer.filters.reason == "nothing"
    assert answer.filters.dropped == Filters(
        committee="Sozialausschuss", date_from=date(2022, 3, 3), date_to=date(2022, 3, 3)
    )
    assert "Die Frage nennt Ausschuss Sozialausschuss, Datum 03.03.2022; kein Dokument" in (
        answer.filters.note() or ""
    )
    assert any(p.source == METTMANN for p in answer.retrieved)  # searched as if unfiltered


def test_question_filters_whose_passages_are_far_from_the_question_are_dropped(small_index):
    question = Question.read("Welche Städte haben im Gemeinderat am 22.10.2024 KOMM-AN NRW Mittel beantragt?")
    kept = retriever(small_index).search(question, stated=Filters(committee="Gemeinderat"))
    assert kept.filters.applied == Filters(committee="Gemeinderat")
    # every Gemeinderat passage is farther from KOMM-AN than the Mettmann one outside the filter
    strict = retriever(small_index, filter_doubt_gap=0.0).search(
        question, stated=Filters(committee="Gemeinderat")
    )
    assert strict.filters.applied.empty and strict.filters.reason == "far"
    assert strict.passages[0].source == METTMANN


def test_question_filters_whose_documents_do_not_answer_are_dropped_where_the_search_without_them_does(
    assistant,
):
    # "im Oktober 2024" admits the Karlsruhe Gemeinderat's records, which do not say how many
    # members a Stadtteilbeirat has; the Erlangen Satzung, of another date, does.
    answer = assistant.ask("Wie viele Mitglieder hat ein Stadtteilbeirat? Das war im Oktober 2024 Thema.")
    assert not answer.abstained and "Die Stadtteilbeiräte bestehen" in answer.text
    assert answer.filters.reason == "unanswered" and answer.filters.applied.empty
    assert answer.filters.dropped == Filters(date_from=date(2024, 10, 1), date_to=date(2024, 10, 31))
    assert "die so verzeichneten Dokumente beantworten sie nicht" in (answer.filters.note() or "")
    # a year is the period a question counts its facts in: no answer from outside it
    in_year = assistant.ask("Wie viele Mitglieder hat ein Stadtteilbeirat? Das war im Jahr 2024 Thema.")
    assert in_year.abstained and in_year.filters.applied == Filters(
        date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)
    )

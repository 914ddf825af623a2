"""A roll call that chunk boundaries cut is completed from the chunks that follow it in its file:
Kent's minutes of 13 March 2025 print "For (52)" at the end of page 7's chunk, the names on,
and "Against (0)", "Abstain (11)" and "Motion carried." on page 8."""

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.index.catalog import Catalog
from assistant.service.council import build_assistant
from tests.conftest import index_of

pytestmark = pytest.mark.shared

MINUTES = (
    "kent-county-council/full_council/2025-03-13/originals/"
    "Printed minutes 13th-Mar-2025 10.00 County Council.pdf"
)


@pytest.fixture(scope="module")
def minutes_index(tmp_path_factory) -> Path:
    return index_of([MINUTES], tmp_path_factory.mktemp("kent"))


def test_a_roll_call_cut_over_a_page_is_answered_whole(minutes_index):
    chunks = Catalog(minutes_index, create=False).all_chunks()
    opening = next(c for c in chunks if "For (52)" in c.text)
    assert "Abstain (11)" not in opening.text  # the stored chunk stops inside the roll call

    reply = build_assistant(Settings(data_dir=minutes_index)).ask(
        "How did the County Council vote on adopting the Kent Minerals and Waste Local Plan 2024-39?"
    )
    lead = reply.text.split("[1]")[0]
    assert "For (52) … Against (0) … Abstain (11) … Motion carried" in lead
    assert "Abstain (11)" in reply.citations[0].text  # the citation quotes the whole roll call

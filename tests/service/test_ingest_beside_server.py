"""`council ingest` run while a server answers from the same local index (staff add the minutes
of last week beside the running web chat): the server's next question finds the new file, by
its words and by its vector, without a restart."""

import subprocess
import sys

from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import copy_index

FELLED = "Wann wurde der Zwetschkenbaum im Rathaushof gefällt?"


def test_a_file_another_process_ingests_is_answered_by_the_running_assistant(small_index, tmp_path):
    data = copy_index(small_index, tmp_path)
    assistant = build_assistant(Settings(data_dir=data))
    assert assistant.ask(FELLED).abstained

    folder = tmp_path / "neu"
    folder.mkdir()
    (folder / "bauausschuss_2025-03-03.txt").write_text(
        "Niederschrift über die Sitzung des Bauausschusses am 3. März 2025\n\n"
        "TOP 1 Baumpflege im Rathaushof\n\n"
        "Der Zwetschkenbaum im Rathaushof wurde am 2. März 2025 gefällt, weil sein Stamm morsch war.\n",
        encoding="utf-8",
    )
    ingested = subprocess.run(
        [sys.executable, "-m", "assistant.interfaces.cli", "ingest", str(folder), "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ingested.returncode == 0, ingested.stderr

    answer = assistant.ask(FELLED)
    assert "2. März 2025" in answer.text
    assert answer.citations[0].source.endswith("bauausschuss_2025-03-03.txt")
    backends = assistant.backends  # the vector search alone finds it, too
    added = backends.catalog.keys_of_sources([answer.citations[0].passage.source])
    nearest = backends.vectors.query(backends.embed_model.get_query_embedding(FELLED), 1)
    assert nearest[0][0] in added

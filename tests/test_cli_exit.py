"""How the ``convolens`` command ends: exit codes, flushed output, exit handlers, and the error lines on stderr.

``convolens.cli.main`` ends the process with ``os._exit`` once the command is over, so
these tests run it in a subprocess (in this process it would end pytest).
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from sample_org import copy_sample_org


def _main(tmp_path: Path, before: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = f"import sys\n{before}\nfrom convolens.cli import main\nsys.argv = ['convolens', *sys.argv[1:]]\nmain()\n"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path
    )


def test_exit_handlers_run_and_stdout_is_flushed_whole(tmp_path: Path) -> None:
    before = (
        "import atexit\natexit.register(lambda: print('exit handler ran', flush=True))\nprint('x' * 100000, end='')"
    )
    done = _main(tmp_path, before, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("x" * 100000) and done.stdout.endswith("convolens 0.1.0\nexit handler ran\n")


def test_exit_waits_for_a_running_thread(tmp_path: Path) -> None:
    before = (
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.5), print('thread finished', flush=True))).start()"
    )
    done = _main(tmp_path, before, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["convolens 0.1.0", "thread finished"]


def test_exit_codes_are_kept(tmp_path: Path) -> None:
    assert _main(tmp_path, "", "report").returncode == 2  # usage error: a missing argument
    missing = _main(tmp_path, "", "score", str(tmp_path / "nowhere"), "--out", str(tmp_path / "run"), "-q")
    assert missing.returncode == 1
    org = copy_sample_org(tmp_path, 4)
    ok = _main(tmp_path, "", "score", str(org), "--out", str(tmp_path / "ok"), "-q", "--model", "lexicon")
    assert ok.returncode == 0, ok.stderr
    assert len(pd.read_parquet(tmp_path / "ok" / "utterances")) > 0


def test_failed_files_are_named_on_stderr_with_their_line_only_when_known(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("Dana Lee: how are the nurses coping?\nSam Ortiz: Better.\n")
    (tmp_path / "in" / "unknown.json").write_text("x\n")
    (tmp_path / "in" / "broken.json").write_text('{"utterances": [\n {"speaker": "A", "text": "hi"},\n oops\n]}\n')
    done = _main(tmp_path, "", "score", "in", str(tmp_path / "missing.txt"), "--out", "run", "-q")
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.startswith("convolens: ")]
    assert len(lines) == 3, done.stderr
    assert f"convolens: {tmp_path / 'missing.txt'}: no such file or folder" in lines
    assert any(line.startswith("convolens: in/unknown.json: format not recognised") for line in lines), lines
    assert any(line.startswith("convolens: in/broken.json:3: invalid AssemblyAI JSON at line 3") for line in lines)


def test_the_worker_fork_server_ends_at_once_and_nothing_else_does(tmp_path: Path) -> None:
    # The server that --jobs workers fork from skips its interpreter's teardown (it holds the
    # run's stdout open); a process that merely imports the preload module keeps its exit code.
    done = subprocess.run(
        [sys.executable, "-c", "import sys, convolens._worker_preload as p; print(p.ENDS_AT_ONCE); sys.exit(3)"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (3, "False\n"), done.stderr
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["convolens._worker_preload"])
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        code = "__import__('convolens._worker_preload', fromlist=['_']).ENDS_AT_ONCE"
        assert pool.submit(eval, code).result(timeout=120) is True


def test_under_a_profiler_the_command_exits_as_python_does(tmp_path: Path) -> None:
    stats = tmp_path / "score.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "convolens", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert stats.stat().st_size > 0  # cProfile writes its file after the command returns

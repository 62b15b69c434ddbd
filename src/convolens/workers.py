"""The worker processes of ``--jobs N``: each loads the model once, then scores parts sent to it.

A part crosses back to the writing process packed (:func:`convolens.pipeline.packed_part`):
its figures worked out and its tables encoded, so the writer only moves bytes to disk.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from .errors import ConvolensError

if TYPE_CHECKING:  # the pipeline (pandas, pyarrow) is imported by the workers, not by the process starting them
    from .classifiers.base import FocusClassifier
    from .inputs import Job
    from .pipeline import PartResult, ScoreSettings

#: One part to score: ``(plan index, job, key)`` of each of its files.
Items = list[tuple[int, "Job", str]]

_WORKER: dict[str, Any] = {}


def _init_worker(model: str | FocusClassifier, device: str | None, jobs: int = 1) -> None:
    from .classifiers import load_classifier

    try:
        _WORKER["classifier"] = load_classifier(model, device)
    except ConvolensError as exc:  # raised again with the first part: an initializer's error breaks the pool
        _WORKER["classifier"] = exc
    torch = sys.modules.get("torch")
    if torch is not None:  # the neural model: share the cores out, or the workers' threads fight over them
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // jobs))


def _started() -> None:
    """Nothing: submitted once per worker so that each starts at once (see :class:`Workers`)."""


def _work_in_worker(items: Items, settings: ScoreSettings) -> PartResult:
    from .pipeline import packed_part, score_part

    classifier = _WORKER["classifier"]
    if isinstance(classifier, ConvolensError):
        raise classifier
    return packed_part(score_part(items, settings, classifier))


class Workers:
    """``jobs`` processes that score parts (``--jobs``), each started as soon as this is made.

    A worker forks from a server that imports spaCy, then loads the model: over a second
    before it scores anything. ``convolens score`` makes its workers first thing when
    there is nothing to keep (this module imports nothing heavy), so that this overlaps
    its own imports, planning and keying instead of following them;
    :func:`convolens.engine.run_plan` makes its own when given none. Close them (or use
    ``with``) when the run is over.
    """

    def __init__(self, model: str | FocusClassifier, device: str | None, jobs: int) -> None:
        # forkserver: workers start from a clean process (no inherited threads or locks).
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            # Workers fork from a server that has already imported spaCy (without torch) and the pipeline.
            context.set_forkserver_preload(["convolens._worker_preload"])
        self.jobs = jobs
        self.pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(model, device, jobs)
        )
        # Starting a worker waits for the server's imports: a thread waits, this process goes on.
        self._starter = threading.Thread(target=self._start, name="convolens-workers", daemon=True)
        self._starter.start()

    def _start(self) -> None:
        for _ in range(self.jobs):  # the pool starts a worker per task while none is idle
            self.pool.submit(_started)

    def results(self, work: list[Items], settings: ScoreSettings) -> Iterator[PartResult]:
        """Give the scored parts of ``work`` in order, at most two parts per worker in flight (memory stays bounded)."""
        pending: deque[Future[PartResult]] = deque()
        queue = iter(work)
        for items in queue:
            pending.append(self.pool.submit(_work_in_worker, items, settings))
            if len(pending) >= 2 * self.jobs:
                break
        while pending:
            result = pending.popleft().result()
            nxt = next(queue, None)
            if nxt is not None:
                pending.append(self.pool.submit(_work_in_worker, nxt, settings))
            yield result

    def close(self) -> None:
        """Stop the workers (parts not yet begun are dropped)."""
        self._starter.join()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pool_results(
    work: list[Items], settings: ScoreSettings, model: str | FocusClassifier, device: str | None, jobs: int
) -> Iterator[PartResult]:
    with Workers(model, device, jobs) as workers:
        yield from workers.results(work, settings)

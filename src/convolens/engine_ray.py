"""Scoring parts on Ray Data: ``convolens score --engine ray``.

The driver (the process that called :func:`convolens.score`) plans the run,
keys the files, settles call-id clashes and writes every part, exactly as with
the local engine. Only :func:`convolens.pipeline.score_part` moves to Ray: the
parts become the rows of a Ray Dataset, a pool of actors (each loading the
classifier once) scores them, and the scored parts stream back to the driver
in plan order, so a Ray run writes the same tables, row for row, as a local
one. The neural model gets one GPU per actor when the cluster has GPUs.

Ray is imported only here, and only when this engine is asked for.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import pickle
import socket
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa

from . import __version__
from .classifiers import load_classifier
from .classifiers.base import FocusClassifier
from .errors import ConvolensError, ModelError
from .inputs import Job
from .pipeline import PartResult, ScoreSettings, packed_part, score_part

INSTALL_HINT = "pip install 'convolens[ray]'"
#: Seconds to wait for a TCP answer from --ray-address before calling it unreachable.
PROBE_SECONDS = 5.0
_NEURAL_NAMES = frozenset({"neural", "convolens.neural.v1"})

Items = Sequence[tuple[int, Job, str]]


def ray_results(
    work: Sequence[Items],
    settings: ScoreSettings,
    model: str | FocusClassifier,
    device: str | None,
    jobs: int,
    ray_address: str | None,
) -> Iterator[PartResult]:
    """Give the scored parts of ``work``, one per part and in its order, computed on Ray.

    Ray is joined (or started) here, before the first part is asked for, so a
    missing Ray or an unreachable cluster is a :class:`ConvolensError` at once.
    """
    ray = _import_ray()
    _connect(ray, ray_address, jobs)
    shipped = _shippable(ray, model)
    size, gpus = actor_pool(model, device, jobs, len(work), ray.cluster_resources())
    rows = [{"part": number, "items": pickle.dumps(_portable(items))} for number, items in enumerate(work)]
    ds = ray.data.from_items(rows, override_num_blocks=max(1, len(rows)))
    context = ds.context  # the dataset's own copy: the caller's global DataContext is left alone
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.raise_original_map_exception = True  # a worker's exception comes back as itself
    scored = ds.map_batches(
        _PartScorer,
        batch_size=1,
        batch_format="pyarrow",
        zero_copy_batch=True,
        compute=ray.data.ActorPoolStrategy(size=size),
        fn_constructor_kwargs={
            "settings": settings,
            "model": shipped,
            "device": device,
            "driver_version": __version__,
        },
        num_cpus=1,
        num_gpus=gpus or None,
    )
    return _stream(ray, scored, len(work))


def actor_pool(
    model: str | FocusClassifier, device: str | None, jobs: int, parts: int, resources: dict[str, float]
) -> tuple[int, int]:
    """Give how many actors score the parts, and the GPUs each holds (0 or 1).

    The neural model gets a GPU per actor when Ray has GPUs and ``device`` is
    not ``cpu``; the other models run on one CPU per actor. More actors than
    parts, or than Ray has CPUs (GPUs) for, would only wait, each having loaded
    spaCy and the model first.
    """
    gpus = float(resources.get("GPU", 0))
    on_gpu = _is_neural(model) and device != "cpu" and gpus >= 1
    slots = int(gpus) if on_gpu else int(resources.get("CPU", 1))
    return max(1, min(jobs, parts, slots)), int(on_gpu)


class _PartScorer:
    """A Ray Data actor: loads the classifier once, then scores one part per call.

    A problem the user can fix (a model missing on a node, another convolens
    version) is not raised here but sent back in place of the part: raised in
    an actor, Ray would restart the actor and retry, then print every failed
    actor's traceback; sent back, it reaches the driver once, as one line.
    """

    def __init__(self, settings: ScoreSettings, model: str | bytes, device: str | None, driver_version: str) -> None:
        self.settings = settings
        self.classifier: FocusClassifier | ConvolensError
        try:
            if driver_version != __version__:
                raise ConvolensError(
                    f"a Ray worker has convolens {__version__} but the driver has {driver_version};"
                    " install the same convolens version on every node"
                )
            self.classifier = _unship(model, device)
        except ConvolensError as exc:
            self.classifier = exc

    def __call__(self, batch: pa.Table) -> pa.Table:
        numbers = batch.column("part").to_pylist()
        results = [pickle.dumps(self._score(blob), protocol=5) for blob in batch.column("items").to_pylist()]
        return pa.table({"part": pa.array(numbers, pa.int64()), "result": pa.array(results, pa.large_binary())})

    def _score(self, blob: bytes) -> PartResult | ConvolensError:
        if isinstance(self.classifier, ConvolensError):
            return self.classifier
        try:
            return packed_part(score_part(pickle.loads(blob), self.settings, self.classifier))
        except ConvolensError as exc:  # e.g. --device cuda on a node without CUDA
            return exc


def _stream(ray: Any, scored: Any, expected: int) -> Iterator[PartResult]:
    """Give the parts as they stream back, checking their order and that the workers agree on the model."""
    want = 0
    tag: str | None = None
    try:
        for row in scored.iter_rows():
            if int(row["part"]) != want:  # preserve_order makes this impossible; the writer relies on it
                raise ConvolensError(f"Ray gave part {row['part']} where part {want} was due; please report this")
            part = pickle.loads(row["result"])
            if isinstance(part, ConvolensError):
                raise type(part)(part.message, path=part.path, line=part.line)
            tag = tag or part.model
            if part.model != tag:
                raise ConvolensError(
                    f"Ray workers scored with different models ({tag} and {part.model});"
                    " install the same convolens version and models on every node"
                )
            want += 1
            yield part
    except ray.exceptions.RayError as exc:  # a bug or a lost worker, wrapped by Ray: say it in one line
        raise ConvolensError(f"the Ray run failed: {_one_line(_root_cause(exc))}") from exc
    if want != expected:
        raise ConvolensError(f"Ray gave {want} of {expected} parts; please report this")


# ---------------------------------------------------------------- joining Ray


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ConvolensError(f"--engine ray needs Ray Data ({exc}); {INSTALL_HINT}") from None
    return ray


def _connect(ray: Any, address: str | None, jobs: int) -> None:
    """Join the cluster at ``address`` (or $RAY_ADDRESS), else start a quiet local Ray of ``jobs`` CPUs."""
    if ray.is_initialized():  # this process already has Ray (an earlier run, or the caller's own init)
        return
    _quiet_ray_data()
    address = address or os.environ.get("RAY_ADDRESS") or None
    # Workers' output stays in Ray's log files: the driver prints only convolens's own lines.
    quiet: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    if address is None:
        try:
            ray.init(address="local", num_cpus=jobs, include_dashboard=False, **quiet)
        except Exception as exc:
            raise ConvolensError(f"could not start a local Ray: {_one_line(exc)}") from exc
        return
    _probe(address)
    try:
        ray.init(address=address, **quiet)
    except Exception as exc:
        raise ConvolensError(f"could not join the Ray cluster at {address}: {_one_line(exc)}") from exc


def _quiet_ray_data() -> None:
    """Keep Ray Data's lines out of the terminal (a failure is reported as one line, the CLI's way).

    Its log file in the Ray session folder (``/tmp/ray/session_latest/logs``) still has everything.
    """
    for handler in logging.getLogger("ray.data").handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(max(handler.level, logging.CRITICAL))


def _probe(address: str) -> None:
    """Fail fast when nothing answers at ``address``: Ray itself retries for many minutes."""
    if address in ("auto", "local"):
        return
    if address.startswith(("http://", "https://")):
        raise ConvolensError(
            f"--ray-address {address} looks like the dashboard; give the cluster's address,"
            " host:6379 (or ray://host:10001 for Ray Client)"
        )
    parts = urlsplit(address if "://" in address else f"//{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or port is None:
        raise ConvolensError(f"--ray-address takes host:port (or ray://host:port), not {address!r}")
    try:
        socket.create_connection((host, port), timeout=PROBE_SECONDS).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConvolensError(
            f"no Ray cluster answers at {address} ({reason}); start one with `ray start --head` or check --ray-address"
        ) from None


# ---------------------------------------------------------------- what crosses to the workers


def _portable(items: Items) -> list[tuple[int, Job, str]]:
    """Give the items with absolute paths: a worker's current folder is not the driver's."""
    return [(i, dataclasses.replace(job, path=Path(os.path.abspath(job.path))), key) for i, job, key in items]


def _is_neural(model: str | FocusClassifier) -> bool:
    name = model if isinstance(model, str) else getattr(model, "name", "")
    return str(name).lower() in _NEURAL_NAMES


def _shippable(ray: Any, model: str | FocusClassifier) -> str | bytes:
    """Give the model as workers get it: its name (they load it), or the object pickled here."""
    if isinstance(model, str):
        return model
    try:
        # Ray's cloudpickle also carries classes defined in __main__ or a notebook.
        return bytes(ray.cloudpickle.dumps(model))
    except Exception as exc:
        raise ModelError(
            f"the {type(model).__name__} object cannot be sent to Ray workers (pickling failed:"
            f" {_one_line(exc)}); pass a model name (lexicon, linear, neural) instead"
        ) from None


def _unship(model: str | bytes, device: str | None) -> FocusClassifier:
    """Give the worker's classifier; any failure is a ModelError, since it is the node's setup that is wrong."""
    if isinstance(model, str):
        try:
            return load_classifier(model, device)
        except ConvolensError:
            raise
        except Exception as exc:
            raise ModelError(f"a Ray worker could not load the {model} model ({_one_line(exc)})") from None
    try:
        classifier: FocusClassifier = pickle.loads(model)
    except Exception as exc:
        raise ModelError(
            f"a Ray worker could not rebuild the classifier object ({_one_line(exc)});"
            " is its module installed on every node?"
        ) from None
    return classifier


# ---------------------------------------------------------------- errors


def _root_cause(exc: BaseException) -> BaseException:
    """Give the exception a worker raised, from under Ray's wrappers (RayTaskError, UserCodeException)."""
    seen = {id(exc)}
    while True:
        inner = getattr(exc, "cause", None)  # RayTaskError keeps the worker's exception here
        nxt = inner if isinstance(inner, BaseException) else (exc.__cause__ or exc.__context__)
        if nxt is None or id(nxt) in seen:
            return exc
        seen.add(id(nxt))
        exc = nxt


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip().rstrip(":")

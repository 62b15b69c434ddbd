"""Focus classifiers, registered by name.

``get_classifier("lexicon")`` gives the lexicon baseline; the linear and neural
models register themselves beside it with :func:`register_classifier`. A
factory takes keyword arguments only; by convention ``path`` names a folder
written by the classifier's ``to_disk``, from which it loads.

Examples
--------
>>> clf = get_classifier("lexicon")
>>> clf.predict(["who else are they looking at?"])[0].focus.value
'revenue'
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..resources import shipped_folders
from .base import FocusClassifier, Prediction

ClassifierFactory = Callable[..., FocusClassifier]

#: The model `convolens score` / `classify` / `evaluate` use unless told otherwise: the best macro-F1
#: among the models fast enough for batch scoring on a CPU (see the README's *Models* section).
DEFAULT_MODEL = "linear"

#: registered name -> factory. Versioned names ("convolens.lexicon.v1") are aliases of short ones.
CLASSIFIERS: dict[str, ClassifierFactory] = {}


def register_classifier(name: str, factory: ClassifierFactory, *, aliases: tuple[str, ...] = ()) -> None:
    """Make ``factory`` available to :func:`get_classifier` under ``name`` and its aliases."""
    for key in (name, *aliases):
        CLASSIFIERS[key.lower()] = factory


def classifier_names() -> list[str]:
    """Give the registered classifier names, sorted."""
    return sorted(CLASSIFIERS)


def get_classifier(name: str = "lexicon", **kwargs: Any) -> FocusClassifier:
    """Give a new classifier made by the factory registered as ``name``.

    Raises :class:`~convolens.errors.ModelError` for an unknown name or when
    the classifier's files cannot be loaded.
    """
    factory = CLASSIFIERS.get(name.lower())
    if factory is None:
        known = ", ".join(classifier_names())
        raise ModelError(f"unknown classifier {name!r} (known: {known})")
    return factory(**kwargs)


def _lexicon(**kwargs: Any) -> FocusClassifier:
    # Imported late so that `import convolens.classifiers` stays cheap.
    from .lexicon import LexiconClassifier

    return LexiconClassifier(**kwargs)


register_classifier("lexicon", _lexicon, aliases=("convolens.lexicon.v1",))


def load_classifier(model: str | FocusClassifier, device: str | None = None) -> FocusClassifier:
    """Give a classifier object for a name (or the object itself); ``device`` applies to the neural model.

    The lexicon and linear models run on the CPU whatever ``device`` says.
    """
    if not isinstance(model, str):
        return model
    if device is not None and CLASSIFIERS.get(model.lower()) is _neural:
        return get_classifier(model, device=device)
    return get_classifier(model)


def find_model_dir(name: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Give the folder of a trained model: ``path`` if given, else ``models/<name>`` as shipped.

    Raises :class:`~convolens.errors.ModelError` saying how to build the model
    when no folder holds it.
    """
    if path is not None:
        return Path(path)
    env = os.environ.get("CONVOLENS_MODELS")
    candidates = [Path(env) / name] if env else []
    candidates += [folder / name for folder in shipped_folders("models")]
    for folder in candidates:
        if (folder / "model.json").is_file():
            return folder
    looked = ", ".join(str(c) for c in candidates)
    raise ModelError(
        f"no trained {name!r} model found (looked in {looked}); build it with `convolens train --model {name}`"
    )


def _linear(path: str | os.PathLike[str] | None = None, **kwargs: Any) -> FocusClassifier:
    from .linear import LinearClassifier

    return LinearClassifier(find_model_dir("linear", path), **kwargs)


register_classifier("linear", _linear, aliases=("convolens.linear.v1",))


def _neural(path: str | os.PathLike[str] | None = None, **kwargs: Any) -> FocusClassifier:
    from .neural import NeuralClassifier

    return NeuralClassifier(find_model_dir("neural", path), **kwargs)


register_classifier("neural", _neural, aliases=("convolens.neural.v1",))

__all__ = [
    "CLASSIFIERS",
    "DEFAULT_MODEL",
    "ClassifierFactory",
    "FocusClassifier",
    "Prediction",
    "classifier_names",
    "find_model_dir",
    "get_classifier",
    "load_classifier",
    "register_classifier",
]

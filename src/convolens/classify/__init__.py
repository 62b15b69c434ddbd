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

from collections.abc import Callable
from typing import Any

from ..errors import ModelError
from .base import FocusClassifier, Prediction

ClassifierFactory = Callable[..., FocusClassifier]

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
    # Imported late so that `import convolens.classify` stays cheap.
    from .lexicon import LexiconClassifier

    return LexiconClassifier(**kwargs)


register_classifier("lexicon", _lexicon, aliases=("convolens.lexicon.v1",))

__all__ = [
    "CLASSIFIERS",
    "ClassifierFactory",
    "FocusClassifier",
    "Prediction",
    "classifier_names",
    "get_classifier",
    "register_classifier",
]

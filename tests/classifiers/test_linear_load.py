"""The linear model loads and predicts without scikit-learn, to the last bit of what scikit-learn gives."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from convolens.classifiers.linear_features import normalise_rows


def test_rows_are_normalised_exactly_as_scikit_learn_does() -> None:
    rng = np.random.default_rng(0)
    for density in (0.0, 0.01, 0.2, 1.0):
        X = sp.random(60, 700, density=density, format="csr", random_state=rng, dtype=np.float64)
        X.data *= rng.uniform(0.1, 50.0, size=len(X.data))
        X.data[X.indptr[3] : X.indptr[4]] = 0.0  # a row of stored zeros stays as it is
        want = normalize(X, norm="l2", copy=True)
        got = X.copy()
        normalise_rows(got)
        assert (got.indptr == want.indptr).all() and (got.indices == want.indices).all()
        assert (got.data == want.data).all()


def test_loading_and_predicting_never_imports_scikit_learn() -> None:
    code = (
        "import sys\n"
        "from convolens.classifiers import get_classifier\n"
        "clf = get_classifier('linear')\n"
        "print(clf.predict(['so when do they sign?'])[0].focus.value, 'sklearn' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.split() == ["revenue", "False"]

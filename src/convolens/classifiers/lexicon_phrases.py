"""A stand-in for spaCy's ``PhraseMatcher`` over the lexicon's phrases, on a turn's ``NORM`` ids.

The lexicon matched its phrases with ``PhraseMatcher(vocab, attr="NORM")`` on a ``Doc`` per text.
:class:`PhraseTrie` holds the same phrases as a trie of plain dictionaries keyed by ``NORM`` id and
walks a list of ids, so no ``Doc`` is needed. It gives what the ``PhraseMatcher`` gives, in its order:
by start, then by end, and where several entries share one phrase, in the order of the
``PhraseMatcher``'s hash map for that phrase (which decides which of two equally weighted patterns
the lexicon keeps). That order is read once, at build time, from a ``PhraseMatcher`` holding only the
shared phrases, added as the lexicon adds them: a phrase's entries sit in their own map, so they
come out in the same order as from the full matcher.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress
from typing import Any, cast

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .turn_tokens import TokenTable

_END = -1  # the key of a node's entries (NORM ids are never negative)


class PhraseTrie:
    """Phrases as ``NORM`` id sequences; :meth:`find` gives ``PhraseMatcher``'s ``(entry, start, end)`` matches.

    Parameters
    ----------
    phrases:
        ``(entry, match key, variants)`` in the order the entries were added to the ``PhraseMatcher``:
        the entry's index, the string its matches are added under, and the ``NORM`` ids of each of its
        variants' tokens (in the order of that ``add`` call).
    vocab:
        The vocab the ids belong to.
    """

    def __init__(self, phrases: Sequence[tuple[int, str, Sequence[Sequence[int]]]], vocab: Vocab) -> None:
        self._root: dict[int, Any] = {}
        by_phrase: dict[tuple[int, ...], list[int]] = {}
        for entry, _, variants in phrases:
            for norms in variants:
                if not norms:
                    continue  # PhraseMatcher skips empty patterns
                node = self._root
                for n in norms:
                    node = node.setdefault(n, {})
                entries: list[int] = node.setdefault(_END, [])
                if entry not in entries:
                    entries.append(entry)
                    by_phrase[tuple(norms)] = entries
        shared = {phrase: entries for phrase, entries in by_phrase.items() if len(entries) > 1}
        if shared:
            _order_as_phrase_matcher(shared, phrases, vocab)

    def find_tokens(self, types: Sequence[int], table: TokenTable) -> list[tuple[int, int, int]]:
        """Give the matches in a turn's tokens (ids in ``table``), as :meth:`find` gives them for their ``NORM`` ids."""
        norm = table.norm
        root = self._root
        firsts = table.column(self, lambda t: root.get(norm[t]))  # the node a token's norm leads to
        nodes = list(map(firsts.__getitem__, types))
        if not any(nodes):
            return []
        return self._walk(list(map(norm.__getitem__, types)), nodes)

    def _walk(self, norms: Sequence[int], nodes: Sequence[dict[int, Any] | None]) -> list[tuple[int, int, int]]:
        """Give the matches from each token whose first node is known (``nodes``, None where none begins)."""
        found: list[tuple[int, int, int]] = []
        n = len(norms)
        for i in list(compress(range(n), nodes)):  # nodes are never empty dicts
            node = nodes[i]
            j = i + 1
            while node is not None:
                entries = node.get(_END)
                if entries is not None:
                    found += [(entry, i, j) for entry in entries]
                if j == n:
                    break
                node = node.get(norms[j])
                j += 1
        return found

    def find(self, norms: Sequence[int]) -> list[tuple[int, int, int]]:
        """Give every ``(entry, start, end)`` match in a sequence of ``NORM`` ids, in ``PhraseMatcher`` order."""
        root = self._root
        return self._walk(norms, [root.get(n) for n in norms])


def _order_as_phrase_matcher(
    shared: dict[tuple[int, ...], list[int]],
    phrases: Sequence[tuple[int, str, Sequence[Sequence[int]]]],
    vocab: Vocab,
) -> None:
    """Put the entries of each shared phrase in the order a ``PhraseMatcher`` gives them (in place)."""
    matcher = PhraseMatcher(vocab, attr="NORM")
    entry_of: dict[int, int] = {}
    for entry, key, variants in phrases:
        mine = [list(norms) for norms in variants if tuple(norms) in shared]
        if mine:
            matcher.add(key, cast(Any, mine))  # it takes id sequences as well as Docs
            entry_of[vocab.strings[key]] = entry
    strings = vocab.strings
    for phrase, entries in shared.items():
        doc = Doc(vocab, words=[strings[n] for n in phrase])
        for token, n in zip(doc, phrase, strict=True):
            token.norm_ = strings[n]
        order = [entry_of[key] for key, start, end in matcher(doc) if start == 0 and end == len(phrase)]
        assert sorted(order) == sorted(entries), "PhraseMatcher disagrees with the trie"
        entries[:] = order

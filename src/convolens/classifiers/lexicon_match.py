"""A fast stand-in for spaCy's ``Matcher`` over the lexicon's token patterns.

spaCy's ``Matcher`` evaluates ``{"LOWER": {"IN": [...]}}`` and ``REGEX`` through Python
callbacks for every token and every live pattern state, which made it the slowest step of
scoring a turn. The lexicon's token patterns use a small, linear subset of the pattern
language (string, set and regex tests on lexical attributes, three flags, and the ``?``/``!``
operators), so this module compiles each pattern into bit masks over "atoms" (one test each).
A token's atoms depend only on its lexeme (and its ``NORM``), so they are worked out once per
word type and remembered; matching is then a few integer tests per candidate start.

The result is the set spaCy's ``Matcher`` gives: every ``(key, start, end)`` that some way
of reading the ``?`` tokens matches, without zero-length matches. spaCy's *order* is that of its
internal state machine, and the lexicon keeps the first of two matches with the same span; so
where two matches share a span the lexicon asks spaCy's ``Matcher`` instead (rare). Patterns
outside the subset make :func:`compile_patterns` give ``None``: the lexicon then always uses
spaCy's ``Matcher``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import compress
from typing import Any

from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .turn_tokens import TokenTable

ONE, OPTIONAL, NOT = 0, 1, 2
_OPS = {None: ONE, "1": ONE, "?": OPTIONAL, "!": NOT}
#: attributes read from the lexeme (so from ORTH alone) -> how to read the string or flag.
_STRING_ATTRS: dict[str, str] = {"LOWER": "lower_", "ORTH": "orth_", "TEXT": "orth_", "SHAPE": "shape_"}
_FLAG_ATTRS: dict[str, str] = {"LIKE_NUM": "like_num", "IS_DIGIT": "is_digit", "IS_PUNCT": "is_punct"}
_CACHE_LIMIT = 500_000

#: one test on one attribute: (attribute, kind, value); kind is eq, in, not_in, regex or flag.
Atom = tuple[str, str, Any]


class Unsupported(ValueError):
    """A pattern uses something outside the subset this matcher implements."""


#: one token of a compiled pattern: the atoms it needs (a bit mask) and its operator.
_Spec = tuple[int, int]


def _atoms_of(spec: Mapping[str, Any]) -> list[Atom]:
    """Give the atoms a token spec needs (all of them), or raise Unsupported."""
    atoms: list[Atom] = []
    for key, value in spec.items():
        attr = str(key).upper()
        if attr == "OP":
            continue
        if attr == "TEXT":
            attr = "ORTH"
        if attr in _FLAG_ATTRS:
            if not isinstance(value, bool):
                raise Unsupported(f"{attr} needs true or false")
            atoms.append((attr, "flag", value))
        elif attr in _STRING_ATTRS or attr == "NORM":
            if isinstance(value, str):
                atoms.append((attr, "eq", get_string_id(value)))
            elif isinstance(value, dict) and value:
                for pred, arg in value.items():
                    pred = str(pred).upper()
                    if pred in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
                        atoms.append((attr, pred.lower(), frozenset(get_string_id(v) for v in arg)))
                    elif pred == "REGEX" and isinstance(arg, str):
                        atoms.append((attr, "regex", re.compile(arg)))
                    else:
                        raise Unsupported(f"{attr} predicate {pred}")
            else:
                raise Unsupported(f"{attr} value {value!r}")
        else:
            raise Unsupported(f"attribute {attr}")
    return atoms


class _AttrAtoms:
    """The atoms on one attribute, indexed so that a value's bits take a few look-ups."""

    def __init__(self) -> None:
        self.by_value: dict[int, int] = {}  # eq and in atoms: string id -> their bits
        self.not_in = 0  # bits of every not_in atom ...
        self.not_in_by_value: dict[int, int] = {}  # ... less those whose set holds the value
        self.regexes: list[tuple[int, re.Pattern[str]]] = []
        self.if_true = self.if_false = 0  # flag atoms

    def add(self, bit: int, kind: str, value: Any) -> None:
        if kind == "eq":
            self.by_value[value] = self.by_value.get(value, 0) | bit
        elif kind in ("in", "not_in"):
            table = self.by_value if kind == "in" else self.not_in_by_value
            for v in value:
                table[v] = table.get(v, 0) | bit
            if kind == "not_in":
                self.not_in |= bit
        elif kind == "regex":
            self.regexes.append((bit, value))
        elif value:
            self.if_true |= bit
        else:
            self.if_false |= bit

    def bits(self, string_id: int, text: str) -> int:
        """Give the bits of the string atoms that hold for a value (its id and its text)."""
        bits = self.by_value.get(string_id, 0) | (self.not_in & ~self.not_in_by_value.get(string_id, 0))
        for bit, regex in self.regexes:
            if regex.search(text):
                bits |= bit
        return bits


class TokenPatterns:
    """Token patterns compiled to bit masks; :meth:`find` gives spaCy ``Matcher``'s match set.

    Parameters
    ----------
    patterns:
        ``(key, pattern)`` pairs, a pattern being a list of spaCy token specs.
    """

    def __init__(self, patterns: Sequence[tuple[int, Sequence[Mapping[str, Any]]]]) -> None:
        atom_index: dict[tuple[str, str, Any], int] = {}
        #: per pattern: key, atoms each spec needs, which specs are "!", closures, final state bit.
        self._compiled: list[tuple[int, tuple[int, ...], tuple[bool, ...], tuple[int, ...], int]] = []
        #: per pattern opening with two plain specs: what the token after the start must have (else -1).
        self._second: list[int] = []
        # Which patterns may start at a token with a given mask: those whose opening specs
        # (up to the first required one) it can satisfy; a pattern opening with "!" or an
        # empty spec may start anywhere.
        self._anywhere: list[int] = []
        self._openers: list[tuple[int, int]] = []  # (atoms needed by one opening spec, pattern index)
        for index, (key, pattern) in enumerate(patterns):
            specs: list[_Spec] = []
            for token in pattern:
                op = _OPS.get(token.get("OP"), -1)
                if op < 0:
                    raise Unsupported(f"operator {token.get('OP')!r}")
                need = 0
                for atom in _atoms_of(token):
                    ident = (atom[0], atom[1], atom[2].pattern if atom[1] == "regex" else atom[2])
                    need |= 1 << atom_index.setdefault(ident, len(atom_index))
                specs.append((need, op))
            needs = tuple(need for need, _ in specs)
            nots = tuple(op == NOT for _, op in specs)
            self._compiled.append((key, needs, nots, _closures(specs), 1 << len(specs)))
            plain_two = len(specs) >= 2 and specs[0][1] == ONE and specs[1][1] == ONE
            self._second.append(specs[1][0] if plain_two else -1)
            for need, op in specs:
                if op == NOT or need == 0:
                    self._anywhere.append(index)
                    break
                self._openers.append((need, index))
                if op != OPTIONAL:
                    break
            else:
                self._anywhere.append(index)  # every spec optional: may start anywhere
        atoms: list[Atom] = [("", "", None)] * len(atom_index)
        for (attr, kind, value), bit in atom_index.items():
            atoms[bit] = (attr, kind, re.compile(value) if kind == "regex" else value)
        self._by_attr: dict[str, _AttrAtoms] = {}
        for bit, (attr, kind, value) in enumerate(atoms):
            self._by_attr.setdefault(attr, _AttrAtoms()).add(1 << bit, kind, value)
        self._norm = self._by_attr.pop("NORM", None)
        self.n_atoms = len(atoms)
        self._by_orth: dict[int, int] = {}
        self._by_norm: dict[int, int] = {}
        self._starters: dict[int, tuple[int, ...]] = {}

    def _starting(self, mask: int) -> tuple[int, ...]:
        """Give the indices of the patterns that may start at a token with atoms ``mask``, in order."""
        cands = {p for need, p in self._openers if mask & need == need} | set(self._anywhere)
        return tuple(sorted(cands))

    def __len__(self) -> int:
        return len(self._compiled)

    # -- token masks ---------------------------------------------------------------
    def _lexeme_mask(self, vocab: Vocab, orth: int) -> int:
        """Give the bits of the atoms on lexical attributes that hold for the word ``orth``."""
        lex = vocab[orth]
        mask = 0
        for attr, atoms in self._by_attr.items():
            if attr in _FLAG_ATTRS:
                mask |= atoms.if_true if getattr(lex, _FLAG_ATTRS[attr]) else atoms.if_false
            else:
                text = getattr(lex, _STRING_ATTRS[attr])
                mask |= atoms.bits(get_string_id(text), text)
        return mask

    def token_mask(self, vocab: Vocab, orth: int, norm: int) -> int:
        """Give the bit mask of the atoms that hold for a token with these ``ORTH`` and ``NORM`` ids."""
        by_orth = self._by_orth
        mask = by_orth.get(orth)
        if mask is None:
            if len(by_orth) > _CACHE_LIMIT:
                by_orth.clear()
            mask = by_orth[orth] = self._lexeme_mask(vocab, orth)
        if self._norm is not None:
            by_norm = self._by_norm
            bits = by_norm.get(norm)
            if bits is None:
                if len(by_norm) > _CACHE_LIMIT:
                    by_norm.clear()
                bits = by_norm[norm] = self._norm.bits(norm, vocab.strings[norm])
            mask |= bits
        return mask

    def masks(self, doc: Doc, orths: Sequence[int] | None = None) -> list[int]:
        """Give, per token of ``doc``, the bit mask of the atoms that hold for it."""
        if orths is None:
            orths = doc.to_array("ORTH").tolist()
        norms = doc.to_array("NORM").tolist() if self._norm is not None else [0] * len(orths)
        mask = self.token_mask
        vocab = doc.vocab
        return [mask(vocab, o, n) for o, n in zip(orths, norms, strict=True)]

    # -- matching ------------------------------------------------------------------------
    def find(self, doc: Doc, orths: Sequence[int] | None = None) -> list[tuple[int, int, int]]:
        """Give every ``(key, start, end)`` match in ``doc``, in no particular order.

        ``orths`` are the Doc's ``ORTH`` ids when the caller has them. spaCy's ``Matcher`` gives
        the same set; when two matches share a span, only it can say which comes first.
        """
        if len(doc) == 0 or not self._compiled:
            return []
        return self.find_masks(self.masks(doc, orths))

    def find_masks(self, masks: Sequence[int]) -> list[tuple[int, int, int]]:
        """Give every ``(key, start, end)`` match in tokens with these masks (see :meth:`token_mask`)."""
        if not masks or not self._compiled:
            return []
        starting = [self._starting_cached(m) for m in masks]
        return self._find(masks, [s for s, cands in enumerate(starting) if cands], starting)

    def find_tokens(self, types: Sequence[int], table: TokenTable) -> list[tuple[int, int, int]]:
        """Give every ``(key, start, end)`` match in a turn's tokens (ids in ``table``), in no particular order."""
        if not types or not self._compiled:
            return []
        vocab, orths, norms, mask_of = table.vocab, table.orth, table.norm, self.token_mask
        by_type = table.column(self, lambda t: mask_of(vocab, orths[t], norms[t]))
        starting_of = table.column((self, "starting"), lambda t: self._starting_cached(by_type[t]))
        starts = list(compress(range(len(types)), map(starting_of.__getitem__, types)))
        if not starts:
            return []
        return self._find(list(map(by_type.__getitem__, types)), starts, list(map(starting_of.__getitem__, types)))

    def _starting_cached(self, mask: int) -> tuple[int, ...]:
        cands = self._starters.get(mask)
        if cands is None:
            if len(self._starters) > _CACHE_LIMIT:
                self._starters.clear()
            cands = self._starters[mask] = self._starting(mask)
        return cands

    def _find(
        self, masks: Sequence[int], starts: Sequence[int], starting: Sequence[tuple[int, ...]]
    ) -> list[tuple[int, int, int]]:
        """Give the matches that begin at ``starts``, where ``starting[s]`` are the patterns that may begin at ``s``."""
        n = len(masks)
        found: list[tuple[int, int, int]] = []
        compiled = self._compiled
        second = self._second
        for s in starts:
            for p in starting[s]:
                need = second[p]
                if need >= 0 and (s + 1 >= n or masks[s + 1] & need != need):
                    continue  # two plain specs open the pattern and the next token fails the second
                key, needs, nots, closures, final = compiled[p]
                ends = _ends(needs, nots, closures, final, masks, s, n)
                if ends:
                    found.extend((key, s, e) for e in ends)
        return found


def _closures(specs: Sequence[_Spec]) -> tuple[int, ...]:
    """Give, per pattern position, the bit set of positions reachable by skipping ``?`` specs."""
    out = []
    for k in range(len(specs) + 1):
        reach = 1 << k
        j = k
        while j < len(specs) and specs[j][1] == OPTIONAL:
            j += 1
            reach |= 1 << j
        out.append(reach)
    return tuple(out)


def _ends(
    needs: Sequence[int],
    nots: Sequence[bool],
    closures: Sequence[int],
    final: int,
    masks: Sequence[int],
    s: int,
    n: int,
) -> list[int]:
    """Give the ends of the matches of one pattern that start at token ``s``.

    The pattern's positions reached so far are the bits of ``states``; a token moves each
    reached position whose spec it satisfies (or, for "!", does not) on to the next one and
    past any "?" specs after it. Reaching the ``final`` bit after a token is a match.
    """
    ends: list[int] = []
    states = closures[0]
    pos = s
    while states and pos < n:
        m = masks[pos]
        nxt = 0
        st = states & ~final
        while st:
            low = st & -st
            st ^= low
            k = low.bit_length() - 1
            need = needs[k]
            if (m & need == need) != nots[k]:
                nxt |= closures[k + 1]
        states = nxt
        pos += 1
        if states & final:
            ends.append(pos)
    return ends


def compile_patterns(patterns: Sequence[tuple[int, Sequence[Mapping[str, Any]]]]) -> TokenPatterns | None:
    """Give the compiled patterns, or None when one uses something this matcher does not implement."""
    try:
        return TokenPatterns(patterns)
    except Unsupported:
        return None


def chunk_edges(doc: Doc) -> list[int]:
    """Give, per token boundary 0..len(doc), 1 where whitespace or an edge of the Doc is, else 0.

    spaCy tokenises each whitespace-separated chunk of a text on its own, so a stretch of tokens
    that begins and ends at such boundaries gets the same tokens when its text is tokenised alone.
    """
    if not len(doc):
        return [1]
    followed, spaces = doc.to_array(["SPACY", "IS_SPACE"]).T.tolist()
    edges = [1] * (len(doc) + 1)
    for i in range(1, len(doc)):
        edges[i] = followed[i - 1] | spaces[i - 1] | spaces[i]
    return edges


def tokenizers_alike(one: Any, other: Any) -> bool:
    """Say whether two spaCy tokenizers (or :mod:`.lexicon_tokenizer` wrappers) make the same tokens.

    They must be of one type with the same settings and serialise alike, vocabulary aside.
    """
    try:
        return bool(
            type(one) is type(other)
            and getattr(one, "max_run", None) == getattr(other, "max_run", None)
            and one.to_bytes(exclude=["vocab"]) == other.to_bytes(exclude=["vocab"])
        )
    except (AttributeError, TypeError, ValueError):
        return False

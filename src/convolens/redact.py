"""Masking personal identifiers in transcript text (``convolens score --redact``).

What is masked, each replaced by a bracketed tag so the sentence still reads:

- ``[EMAIL]``: written addresses (``dana.lee@acme.com``) and the way speech
  recognition writes them (``dana dot lee at acme dot com``);
- ``[CARD]``: 13-19 digit numbers, spaced or dashed, that pass the Luhn check;
- ``[SSN]``: US social security numbers written ``123-45-6789``;
- ``[IBAN]``: international bank account numbers (country, check digits, 11-30 more);
- ``[PHONE]``: phone numbers with 7-15 digits, in national or ``+`` international
  form with the usual separators, and runs of seven or more spoken digits
  (``five five five one two one two``) as speech recognition writes them;
- ``[IP]``: IPv4 addresses.

What is **not** masked: people's names, street addresses and company names.
Finding those needs a named-entity model, and the roster needs speakers' names
to attribute turns; see docs/reliability.md. Amounts (``$40,000``), dates,
times, years, percentages and quantities are left alone, which the tests check.

Every pattern has bounded repetition, so matching stays linear in the text's
length whatever the input (no catastrophic backtracking).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

KINDS = ("email", "card", "ssn", "iban", "phone", "ip")

_TLD = r"(?:com|org|net|edu|gov|io|co|ai|biz|info|us|uk|ca|de|fr|es|it|nl|au|in|jp|eu|me|app|dev)"
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})"
    r"(?:\.[A-Za-z0-9-]{1,63}){0,6}\.[A-Za-z]{2,24}(?![\w-])"
)
_SPOKEN_WORD = r"[a-z][a-z0-9]{0,30}"
_SPOKEN_EMAIL = re.compile(
    rf"\b{_SPOKEN_WORD}(?:\s(?:dot|underscore|dash)\s{_SPOKEN_WORD}){{0,3}}\s(?:at)\s"
    rf"{_SPOKEN_WORD}(?:\s(?:dot|dash)\s{_SPOKEN_WORD}){{0,3}}\sdot\s{_TLD}\b",
    re.IGNORECASE,
)
_SSN = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])")
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")
_PHONE = re.compile(
    r"(?<![\w+$€£.,/-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,6}){1,4}(?![\w%/-]|[.,]\d)"
)
_PHONE_COMPACT = re.compile(r"(?<![\w+$€£.,/-])\+?\d{10,15}(?![\w%/-]|[.,]\d)")
_DIGIT_WORDS = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double\s(?:zero|oh|one|two|three|four|five|six|seven|eight|nine))"
_SPOKEN_PHONE = re.compile(rf"\b{_DIGIT_WORDS}(?:[\s,-]{{1,2}}{_DIGIT_WORDS}){{6,14}}\b", re.IGNORECASE)
_IP = re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w.])")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_DATE_LIKE = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


class Redactor:
    """Masks personal identifiers in texts and counts what it masked, by kind.

    >>> r = Redactor()
    >>> r("mail me at dana.lee@acme.com or call 415-555-0134")
    'mail me at [EMAIL] or call [PHONE]'
    >>> dict(r.counts)
    {'email': 1, 'phone': 1}
    """

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._steps: list[tuple[str, re.Pattern[str], Callable[[str], bool]]] = [
            ("email", _EMAIL, lambda m: True),
            ("email", _SPOKEN_EMAIL, lambda m: True),
            ("iban", _IBAN, lambda m: 15 <= len(m.replace(" ", "")) <= 34),
            ("ssn", _SSN, lambda m: True),
            ("card", _CARD, lambda m: _luhn(_digits(m))),
            ("ip", _IP, lambda m: True),
            ("phone", _PHONE, self._phone_like),
            ("phone", _PHONE_COMPACT, lambda m: True),
            ("phone", _SPOKEN_PHONE, lambda m: True),
        ]

    @staticmethod
    def _phone_like(match: str) -> bool:
        digits = _digits(match)
        if not 7 <= len(digits) <= 15 or _DATE_LIKE.match(match):
            return False
        groups = [g for g in re.split(r"[ .()-]+", match.strip("+() ")) if g]
        if all(_YEAR.match(g) for g in groups):
            return False  # "the 2025 2026 budgets"
        # "2026 10 12" is no phone number: one has a group of 3+ digits after the first.
        return match.startswith("+") or any(len(g) >= 3 for g in groups[1:])

    def __call__(self, text: str) -> str:
        """Give ``text`` with every identifier found replaced by its tag."""
        if not text or not (
            "@" in text or any(ch.isdigit() for ch in text) or " at " in text.lower() or _might_speak_digits(text)
        ):
            return text  # the common case, cheaply
        for kind, pattern, accept in self._steps:
            text = pattern.sub(self._masker(kind, accept), text)
        return text

    def _masker(self, kind: str, accept: Callable[[str], bool]) -> Callable[[re.Match[str]], str]:
        def mask(match: re.Match[str]) -> str:
            found = match.group(0)
            if not accept(found):
                return found
            self.counts[kind] += 1
            return f"[{kind.upper()}]"

        return mask

    def maybe(self, text: str | None) -> str | None:
        """Like calling the redactor, but passes ``None`` through."""
        return None if text is None else self(text)


_SPOKEN_DIGIT = re.compile(r"\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b", re.IGNORECASE)


def _might_speak_digits(text: str) -> bool:
    return len(_SPOKEN_DIGIT.findall(text)) >= 7

"""How a typed answer is compared with the accepted ones.

Matching ignores case, spaces around the answer, full-width versus half-width
forms (ＡＢＣ１２３ = ABC123, full-width space = space) and punctuation at the
end (。！？.!? and the like), so that an IME's choices never cost a point.
"""

from __future__ import annotations

import re
import unicodedata

TRAILING_PUNCTUATION = ".。!！?？,，、;；:：…~～'\"“”‘’)）]】》>"
_spaces = re.compile(r"\s+")


def normalize_answer(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _spaces.sub(" ", folded).strip()
    return folded.rstrip(TRAILING_PUNCTUATION + " ").strip()


def matches_accepted(given: str, accepted: list[str]) -> bool:
    answer = normalize_answer(given)
    return bool(answer) and any(answer == normalize_answer(a) for a in accepted)

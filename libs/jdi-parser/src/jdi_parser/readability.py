"""Tell running text from OCR nonsense (a rotated or blurred scan read as letters) and drop the nonsense.

The measure is the share of English and French function words (language.FUNCTION_WORDS: "the", "and",
"de", "la" ...) among the tokens that hold a letter. Running text in either language has 20-35 % of them
(every whole document of the real corpus); pages of 50 such tokens or more, signature pages included,
have 12 % or more. OCR of a rotated page yields letter soup near 0 % (the corpus's one such page: 1.5 %).

A block, one line of the text (OCR writes a page per line), with at least ``_MIN_TOKENS`` such tokens of
which fewer than ``_MAX_NONSENSE_SHARE`` are function words is nonsense and is dropped. When the dropped
blocks hold most of the document's tokens, or the whole text (at least ``_MIN_TOKENS``) is under that
share, the document is mostly non-words and is rejected as ``unreadable_text``. Shorter texts (a title, a
table of codes) are too short to judge and are kept.
"""

import re

from jdi_parser.errors import RejectionError, RejectionReason
from jdi_parser.language import FUNCTION_WORDS, split_elisions

_MIN_TOKENS = 50
_MAX_NONSENSE_SHARE = 0.04
_TOKEN_WITH_A_LETTER = re.compile(r"\S*[^\W\d_]\S*")


def drop_unreadable_blocks(text: str) -> tuple[str, int]:
    """Return the text without its nonsense blocks and how many were dropped; raise RejectionError
    (unreadable_text) when the text is mostly non-words."""
    blocks = text.split("\n")
    kept: list[str] = []
    total_tokens = nonsense_tokens = function_words = 0
    for block in blocks:
        tokens, block_function_words = _token_counts(block)
        total_tokens += tokens
        function_words += block_function_words
        if _is_nonsense(tokens, block_function_words):
            nonsense_tokens += tokens
        else:
            kept.append(block)
    if _is_nonsense(total_tokens, function_words) or nonsense_tokens * 2 > total_tokens:
        raise RejectionError(
            RejectionReason.UNREADABLE_TEXT,
            "the text is mostly non-words (a rotated or blurred scan?): rescan the pages upright or OCR them again",
        )
    return "\n".join(kept), len(blocks) - len(kept)


def _is_nonsense(tokens: int, function_words: int) -> bool:
    return tokens >= _MIN_TOKENS and function_words < _MAX_NONSENSE_SHARE * tokens


def _token_counts(block: str) -> tuple[int, int]:
    """(tokens holding a letter, of which function words)."""
    tokens = _TOKEN_WITH_A_LETTER.findall(split_elisions(block))
    return len(tokens), sum(token in FUNCTION_WORDS for token in tokens)

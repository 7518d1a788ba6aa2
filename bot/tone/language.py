"""A cheap guess at whether a text is English, so Kindly can say "can't judge" instead of guessing.

VADER and the cue lists are English; scoring Spanish or Japanese with them gives confident
nonsense. The guess uses the script of the letters and common function words only.
"""

from __future__ import annotations

import re

_NON_ASCII_LETTER = re.compile(r"(?![a-zA-Z])[^\W\d_]")

_ENGLISH = frozenset(
    "the a an and or but is are was were be been it this that to of in on for with at by from you your i me "
    "my we our they he she not no can can't don't do does did have has had will would could should what why "
    "how when where there here so just please thanks thank still again any all if as".split()
)
_OTHER = frozenset(
    "el la los las que de del en por para con una uno es está muy pero como más y ha mi se lo su al ya nadie "
    "hay pedido tengo estoy gracias hola le les et du des est sont mais avec je suis pas ne une "
    "tu il nous vous pour dans sur und der die das ist nicht ich sie mit auf für ein eine "
    "zu den het een niet ik dat van zijn gli che di non per sono não com um uma é eu você bitte danke "
    "merci bonjour obrigado".split()
)


def looks_english(text: str, tokens: list[str], words: frozenset[str]) -> bool:
    """False when most letters are non-Latin, or the words are another language's function words."""
    if words.isdisjoint(_OTHER) and text.isascii():
        return True  # the common case, decided without counting anything
    if not text.isascii():
        foreign_letters = len(_NON_ASCII_LETTER.findall(text))
        latin_letters = sum(len(t) for t in tokens)
        if foreign_letters > latin_letters:
            return False
    if len(tokens) < 4:
        return True
    if words.isdisjoint(_OTHER):
        return True
    other = len(words & _OTHER)
    return not (other >= 2 and other > len(words & _ENGLISH))

"""Language identification by stop-word overlap: small, explainable, and good enough here.

Production pipelines use a trained classifier (FineWeb keeps pages whose fastText
English score is at least 0.65; Penedo et al. 2024, §3.3). We use the older idea behind
it (Grefenstette 1995, *Comparing two language identification schemes*): every language
has a few dozen short function words that make up a large share of any text in it, and
those lists barely overlap. Count how many of a text's words fall in each list:

    share(l)     = hits(l) / words                 how much of the text is language l
    purity       = own(best) / Σ_l own(l)          how clearly one language wins
    confidence   = purity × min(1, share(best) / FULL_SHARE)

where own(l) counts only the words that are in l's list and no other (so "in", "is" or
"a", which several languages share, decide nothing), and best maximises hits(l).

`FULL_SHARE` is the share above which a text counts as clearly written in sentences:
ordinary prose has 30–50% function words, keyword lists and code almost none, so they
get a low confidence even when a few English words appear. The lists below were written
for this module from common grammar words of each language.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        """the a an and or but of to in on at for with from by as is are was were be
        been being have has had do does did not no it its this that these those there their
        they them he she his her we our you your i my me what which who when where how why
        if then than so can will would should could may might must also just about into
        over after before because very more most some any all each other"""
    ),
    "de": _words(
        """der die das den dem des ein eine einen einem einer und oder aber nicht
        kein keine ist sind war waren wird werden hat haben hatte mit von zu im in am an auf
        für aus bei nach über unter vor durch ich du er sie es wir ihr mein dein sein unser
        auch noch schon nur sehr wenn dass weil wie was wer wo man sich doch immer mehr
        diese dieser"""
    ),
    "fr": _words(
        """le la les un une des du de et ou mais ne pas plus est sont était sont
        être avoir a ont avait avec pour par sur dans en au aux ce cet cette ces qui que
        quoi dont où je tu il elle nous vous ils elles mon ton son notre votre leur se
        très aussi bien tout tous toujours quand comme si y on"""
    ),
    "es": _words(
        """el la los las un una unos unas y o pero no es son era eran está están
        fue ser estar ha han había con para por sobre en del al de que quien cual donde
        cuando como yo tú él ella nosotros vosotros ellos ellas mi tu su nuestro se muy
        también todo todos siempre más menos hay lo le les este esta estos"""
    ),
    "it": _words(
        """il lo la i gli le un uno una e o ma non è sono era erano essere avere
        ha hanno aveva con per su in nel nella del della dei di da che chi cui dove quando
        come io tu lui lei noi voi loro mio tuo suo nostro si molto anche tutto sempre più
        questo questa"""
    ),
    "nl": _words(
        """de het een en of maar niet geen is zijn was waren wordt worden heeft
        hebben had met van voor op in aan bij naar uit over onder door ik jij je hij zij
        wij we jullie mijn zijn ons ook nog al alleen erg heel als dat omdat hoe wat wie
        waar er deze dit"""
    ),
    "pt": _words(
        """o a os as um uma uns umas e ou mas não é são era eram está estão foi
        ser estar tem têm tinha com para por sobre em no na nos nas do da dos das de que
        quem qual onde quando como eu tu ele ela nós vós eles elas meu teu seu nosso se
        muito também tudo todos sempre mais menos"""
    ),
}
LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "unknown": "Unknown",
}
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in STOP_WORDS.items():
    for _w in _words:
        _LANGUAGES_OF[_w] = (*_LANGUAGES_OF.get(_w, ()), _lang)
FULL_SHARE = 0.25  # a share of function words this high or higher reads as fluent prose
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def identify(text: str) -> tuple[str, float]:
    """(language code, confidence in [0, 1]); ("unknown", 0.0) when no function word of any
    known language appears. Case-insensitive; digits and symbols are ignored."""
    if not isinstance(text, str):
        raise ValueError("The text must be a string.")
    words = [w.lower() for w in WORD.findall(text)]
    if not words:
        return "unknown", 0.0
    hits = {lang: 0 for lang in STOP_WORDS}
    own = {lang: 0 for lang in STOP_WORDS}
    for w in words:
        langs = _LANGUAGES_OF.get(w)
        if langs:
            for lang in langs:
                hits[lang] += 1
            if len(langs) == 1:
                own[langs[0]] += 1
    if sum(hits.values()) == 0:
        return "unknown", 0.0
    # ties go to the language listed first (English), which is what we filter for
    best = max(hits, key=lambda lang: (hits[lang], own[lang]))
    purity = own[best] / (sum(own.values()) or 1)
    share = hits[best] / len(words)
    return best, round(purity * min(1.0, share / FULL_SHARE), 4)


# For corpus pages the pipeline identifies again on every run; one-off texts are not cached.
cached_identify = lru_cache(maxsize=8192)(identify)

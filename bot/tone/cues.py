"""Support-domain cues that VADER misses, each a named, explainable finding.

A cue is only reported when the text really shows it: nudges and digests quote these
explanations to people. Detection is cheap on purpose, so analyze() stays close to VADER's
own cost: phrase patterns are tried only where one of their literal anchors occurs (all
anchors are found in one Aho-Corasick pass over the text), and word lists are checked by
set intersection with the text's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from bot.tone.model import Cue

_WORD = re.compile(r"[a-z']+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class Reading(NamedTuple):
    """A text prepared once for every detector: original case, lower case, tokens and word set."""

    text: str
    lower: str
    words: frozenset[str]
    tokens: list[str]


# bytes.translate table keeping a-z and the apostrophe, blanking everything else: on ASCII text this
# tokenises like _WORD.findall at a fraction of the cost.
_KEEP = frozenset(b"abcdefghijklmnopqrstuvwxyz'")
_BLANK_OTHERS = bytes(b if b in _KEEP else 32 for b in range(256))


def read(text: str) -> Reading:
    lower = text.lower()
    if lower.isascii():
        tokens = lower.encode().translate(_BLANK_OTHERS).decode().split()
    else:
        tokens = _WORD.findall(lower)
    return Reading(text=text, lower=lower, words=frozenset(tokens), tokens=tokens)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A cue found by a phrase pattern. Every alternative of `pattern` starts with one of `anchors`
    (space-separated; "_" stands for a space inside an anchor; a leading "~" lets the anchor start
    inside a word). The pattern is tried anchored at each occurrence, never by scanning the text."""

    name: str
    kind: str
    anchors: str
    pattern: re.Pattern[str]
    explain: Callable[[re.Match[str]], str]


def _quoted(match: re.Match[str]) -> str:
    """The matched words, widened to whole words (an anchor like "n't" can start mid-word)."""
    text, start = match.string, match.start()
    while start and (text[start - 1].isalnum() or text[start - 1] == "'"):
        start -= 1
    return text[start : match.end()].strip(" .,!?")


def _phrase(name: str, kind: str, anchors: str, pattern: str, explain: Callable[[re.Match[str]], str]) -> Phrase:
    return Phrase(name, kind, anchors, re.compile(pattern), explain)


# ---- customer-side phrases: frustration ----------------------------------------------------

WAITING = _phrase(
    "waiting",
    "frustration",
    "wait on_hold delay forever for_ages no_response no_reply no_answer no_update haven't have_not hasn't has_not "
    "still_not never_heard never_received never_got still_no still_nothing still_waiting yet_to",
    r"(?:wait(?:ing|ed)?|on hold|delay(?:ed|s)?|forever|for ages|no (?:response|reply|answer|update)"
    r"|(?:haven't|have not|hasn't|has not|still not|never) (?:heard|received|gotten|got)"
    r"|still (?:no|nothing|waiting)|yet to (?:hear|receive|get))\b",
    lambda m: f"mentions waiting (“{_quoted(m)}”)",
)

STILL_BROKEN = _phrase(
    "still_broken",
    "frustration",
    "still_ not_work not_fixed not_resolved not_load ~n't_work ~n't_fixed ~n't_resolved ~n't_load keep_ keeps_ "
    "same_ broken_again down_again failing_again crashed_again happening_again ~._again ~.again ~!_again ~?_again "
    "~,_again",
    r"still (?:not|isn't|doesn't|don't|won't|can't|cannot|broken|down|failing|fails|crash\w*|"
    r"the same|having|getting|seeing|no\b|an? (?:issue|problem|error))"
    r"|(?:not|n't) (?:work\w*|fixed|resolved|loading|load) (?:again|still|anymore|yet)\b"
    r"|keeps? (?:crashing|failing|happening|breaking|freezing|logging|throwing|timing)"
    r"|same (?:issue|problem|error|thing|bug) (?:again|as before|still)"
    r"|(?:broken|down|failing|crashed|happening) again\b|[.!?,] ?again\W*$",
    lambda m: f"says it is still broken (“{_quoted(m)}”)",
)

REPEATED_CONTACT = _phrase(
    "repeated_contact",
    "frustration",
    "second_ third_ fourth_ fifth_ ~st_ ~nd_ ~rd_ ~th_ how_many asked told emailed called contacted written wrote "
    "messaged reached_out explained reported no_one noone nobody no_body asking_again writing_again "
    "following_up_again being_ignored keep_ignoring keeps_ignoring",
    r"(?:second|third|fourth|fifth|st|nd|rd|th) (?:time|message|email|request|ticket)\b"
    r"|how many (?:more )?times\b|(?:asked|told|emailed|called|contacted|written|wrote|messaged|"
    r"reached out|explained|reported)\b[^.!?]{0,20}\b(?:already|before|twice|times|again|multiple)\b"
    r"|(?:no ?one|nobody|no body)\b[^.!?]{0,15}\b(?:replie[sd]|answer\w*|respond\w*|got back|gets back|help\w*)"
    r"|(?:asking|writing|following up) again\b|being ignored\b|keeps? ignoring\b",
    lambda m: f"has asked before (“{_quoted(m)}”)",
)

ESCALATION = _phrase(
    "escalation_threat",
    "frustration",
    "cancel refund chargeback charge_back manager supervisor lawyer attorney legal_action sue suing court "
    "bad_review negative_review one_star one-star 1_star 1-star leave_a_review report_you report_this "
    "better_business_bureau bbb switch_to switching_to competitor close_my_account delete_my_account unsubscribe "
    "never_again never_use never_fly never_buy never_order",
    r"(?:cancel\w*|refund\w*|chargeback|charge back|manager|supervisor|lawyer|attorney|legal action|"
    r"sue\b|suing|court\b|(?:bad|negative) review|(?:one|1).star|leave a review|report (?:you|this)|"
    r"better business bureau|bbb\b|switch(?:ing)? to|competitor|close my account|delete my account|"
    r"unsubscribe|never (?:again|use|fly|buy|order))",
    lambda m: f"talks of escalating (“{_quoted(m)}”)",
)

SARCASM = _phrase(
    "sarcasm_marker",
    "frustration",
    "thanks_for_nothing thanks_a_lot thanks_again_for_nothing oh_great oh_wonderful oh_perfect oh_joy oh_good "
    "just_great just_perfect just_wonderful just_fantastic really_great yeah_right yeah,_right love_how love_that "
    "love_it_when so_much_for what_a_joke what_a_surprise what_a_shock big_surprise shocker very_helpful "
    "so_helpful really_helpful super_helpful wow sure,",
    r"thanks (?:for nothing|a lot|again for nothing)|oh (?:great|wonderful|perfect|joy|good)\b"
    r"|(?:just|really) (?:great|perfect|wonderful|fantastic)\b|yeah,? right\b|love (?:how|that|it when)\b"
    r"|so much for\b|what a (?:joke|surprise|shock)\b|big surprise\b|shocker\b"
    r"|(?:very|so|really|super) helpful\W*(?:not|/s)?\W*$|wow\b|sure,",
    lambda m: f"sounds sarcastic (“{_quoted(m)}”)",
)

CUSTOMER_BLAME = _phrase(
    "blame",
    "frustration",
    "you_broke you_lost you_messed you_screwed you_charged you_overcharged you_ignored you_keep you_never "
    "you_clearly you_obviously you_don't_care you_can't_even you_guys you_people your_fault your_mistake your_error "
    "your_incompetence",
    r"you(?: guys| people)? (?:broke|lost|messed|screwed|charged|overcharged|ignored|keep|never|clearly|"
    r"obviously|don't care|can't even)\b|your (?:fault|mistake|error|incompetence)\b",
    lambda m: f"blames the company (“{_quoted(m)}”)",
)

# ---- agent-side phrases: curt --------------------------------------------------------------

DISMISSIVE = _phrase(
    "dismissive_phrase",
    "curt",
    "read_the rtfm as_i_said as_i_mentioned as_i_stated as_i_explained as_i_already as_we_said "
    "as_we_mentioned as_we_stated as_we_explained as_we_already as_already as_previously as_stated "
    "like_i_ i_already i_have_already we_already we_have_already calm_down obviously per_my not_our "
    "not_my works_on works_for works_fine that's_how that's_just_how there's_nothing "
    "nothing_i nothing_we google_it just_google it's_in_the its_in_the did_you_even did_you_not "
    "clearly_stated can't_help_you cannot_help_you deal_with_it that's_not_possible whatever "
    "check_the see_the look_at",
    r"(?:(?:read|check|see|look at) the (?:docs|documentation|manual|faq|article|help center|knowledge base)|rtfm|"
    r"as (?:i|we) (?:said|mentioned|stated|explained|"
    r"already said)|as (?:already|previously) (?:said|mentioned|stated|explained)|as stated|like i (?:said|told you)|"
    r"(?:i|we) (?:already|have already) (?:told|explained|said)|calm down|obviously|per my (?:last|previous) "
    r"(?:message|email|reply|note)|not (?:our|my) (?:problem|fault|issue|department|job)|works (?:fine )?(?:on|for) "
    r"(?:my|our) (?:end|side)|works for me|that's (?:just )?how it (?:is|works)|"
    r"(?:there's )?nothing (?:i|we) can do|(?:just )?google it|it'?s in the (?:docs|faq|documentation)|"
    r"did you (?:even|not) (?:read|try|check)|clearly stated|(?:can't|cannot) help you|"
    r"deal with it|that's not possible)\b|whatever\W*$",
    lambda m: f"“{_quoted(m)}” can read as dismissive",
)

AGENT_BLAME = _phrase(
    "blame",
    "curt",
    "you_should you_didn't you_did_not you_failed you_forgot you_must you_need you_needed your_fault your_mistake "
    "your_error user_error",
    r"(?<!than )you (?:should have|should've) (?:\w+ed|read|known|seen|done|been|sent|kept|made|taken|written)\b"
    r"|you (?:didn't|did not|failed to|forgot to|must have|need(?:ed)? to read)\b"
    r"|your (?:fault|mistake|error)\b|user error\b",
    lambda m: f"puts the blame on the customer (“{_quoted(m)}”)",
)

# ---- warm phrases ----------------------------------------------------------------------------

VALIDATION = _phrase(
    "validation",
    "warm",
    "i_understand i_completely i_totally i_fully i_really i_can_see i_can_imagine i_can_understand i_hear_you "
    "i_get_it i_get_why i_get_that that_sounds this_sounds it_sounds that_must this_must it_must that_would "
    "this_would it_would you're_right you_are_right you're_not_wrong you_are_not_wrong fair_ good_point "
    "good_question valid_ makes_ understandabl completely_understandabl totally_understandabl very_understandabl "
    "how_frustrating that's_not your_frustration",
    r"i (?:completely |totally |fully |really )?(?:understand|can see|can imagine|can understand|hear you|get it|"
    r"get why|get that)"
    r"|(?:that|this|it) (?:sounds|must be|must have been|must feel|would be) (?:so |really |very |incredibly )?"
    r"(?:frustrating|annoying|difficult|stressful|hard|upsetting|exhausting|disappointing|inconvenient)"
    r"|you(?:'re| are) (?:right|not wrong)|(?:fair|good|valid) (?:point|question)|makes (?:total |complete )?sense"
    r"|(?:completely |totally |very )?understandabl[ey]|how frustrating|that's not (?:ok|okay|acceptable|good enough)"
    r"|your frustration",
    lambda m: f"acknowledges the customer's feelings (“{_quoted(m)}”)",
)

APOLOGY = _phrase(
    "apology",
    "warm",
    "sorry apolog i_regret my_bad",
    r"sorry\b|apolog\w+|i regret\b|my bad\b",
    lambda m: "apologises",
)

THANKS = _phrase(
    "thanks",
    "warm",
    "thank thx appreciat grateful",
    r"thank(?:s| you)\b|thx\b|appreciat\w*|grateful\b",
    lambda m: "thanks the customer",
)

CONCRETE_OFFER = _phrase(
    "concrete_offer",
    "warm",
    "i'll_ i_will_ we'll_ we_will_ let_me let's i_can_help i_can_do i_can_set i_can_send i_can_check i_can_fix "
    "i_can_get i_can_walk i_can_reset i_can_refund i_can_process i_can_take i_can_look i_can_show i've_ i_have_just "
    "we've_ we_have_just i_have_escalated i_have_refunded i_have_credited i_have_fixed i_have_sent i_have_reset "
    "we_have_escalated we_have_refunded we_have_fixed we_have_sent here's_ i'm_on i'm_looking i'm_checking "
    "i'm_working i'm_happy i'm_glad happy_to_help on_it",
    r"(?:i'll|i will|we'll|we will) (?!not\b|never\b|have to\b|need\b|try\b)[a-z]+"
    r"|let me (?!know\b)|let's\b|i can (?:help|do|set|send|check|fix|get|walk|reset|refund|process|take|look|show)"
    r"|(?:i've|i have|we've|we have) (?:just )?(?:escalated|refunded|credited|fixed|sent|applied|opened|filed|"
    r"raised|reset|updated|added|issued|restored|reactivated|unlocked)|here's (?:how|what|a|the)\b"
    r"|i'm (?:on it|looking|checking|working|happy to|glad to)|happy to help\b|on it\b",
    lambda m: f"offers concrete help (“{_quoted(m)}”)",
)

FOLLOW_UP = _phrase(
    "follow_up",
    "warm",
    "i'll_ i_will_ we'll_ we_will_ follow_up following_up by_today by_tomorrow by_tonight by_monday by_tuesday "
    "by_wednesday by_thursday by_friday by_end by_eod within_",
    r"(?:i'll|i will|we'll|we will) (?:check back|follow up|update you|keep you (?:posted|updated|in the loop)|"
    r"let you know|get back to you|circle back|report back)|follow(?:ing)? up\b"
    r"|by (?:today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|end of (?:the )?day|eod)\b"
    r"|within (?:the next )?(?:\d+|an?|one|two) (?:hours?|minutes?|days?|business days?)",
    lambda m: f"promises a follow-up (“{_quoted(m)}”)",
)

SCRIPTED = _phrase(
    "scripted_phrase",
    "info",
    "let_me_know let_us_know feel_free sorry_for_the_inconvenience sorry_for_any_inconvenience apologies_for_any "
    "apologies_for_the_inconvenience we_apologize_for we_apologise_for don't_hesitate do_not_hesitate",
    r"let (?:me|us) know if (?:you (?:need|have)|there's|there is) (?:anything|any(?: other| further)? questions?)"
    r"|feel free to (?:reach out|contact us|get in touch|let us know)|(?:do not|don't) hesitate to (?:reach out|contact)"
    r"|(?:sorry|apologies|we apologi[sz]e) for (?:the|any) inconvenience",
    lambda m: f"“{_quoted(m)}” is a stock line; a concrete next step lands better",
)

HEDGE = _phrase(
    "hedge",
    "warm",
    "would_you could_you if_you_don't if_you_could if_you_can if_you_have perhaps maybe might i_think i_wonder "
    "i_was_wondering possibly when_you_get when_you_have",
    r"(?:would you mind|could you|would you|if you (?:don't mind|could|can|have a moment)|perhaps|maybe|might|"
    r"i think|i wonder|i was wondering|possibly|when you (?:get a chance|have a moment))\b",
    lambda m: f"asks gently (“{_quoted(m)}”)",
)

# Report order: customer-side, agent-side, warm.
PHRASES: tuple[Phrase, ...] = (
    WAITING,
    STILL_BROKEN,
    REPEATED_CONTACT,
    ESCALATION,
    SARCASM,
    CUSTOMER_BLAME,
    DISMISSIVE,
    AGENT_BLAME,
    VALIDATION,
    APOLOGY,
    THANKS,
    CONCRETE_OFFER,
    FOLLOW_UP,
    HEDGE,
    SCRIPTED,
)


def _build_automaton() -> ahocorasick.Automaton:
    """One automaton over every anchor: value = (anchor length, needs a word boundary, phrase indexes)."""
    by_anchor: dict[str, tuple[bool, list[int]]] = {}
    for index, phrase in enumerate(PHRASES):
        for raw in phrase.anchors.split():
            bounded = not raw.startswith("~")
            anchor = raw.lstrip("~").replace("_", " ")
            entry = by_anchor.setdefault(anchor, (bounded, []))
            entry[1].append(index)
    automaton = ahocorasick.Automaton()
    for anchor, (bounded, indexes) in by_anchor.items():
        automaton.add_word(anchor, (len(anchor), bounded, tuple(indexes)))
    automaton.make_automaton()
    return automaton


_AUTOMATON = _build_automaton()


def phrase_matches(lower: str) -> dict[int, re.Match[str]]:
    """Earliest match of each phrase pattern, keyed by its index in PHRASES."""
    found: dict[int, re.Match[str]] = {}
    for end, (length, bounded, indexes) in _AUTOMATON.iter(lower):
        start = end - length + 1
        if bounded and start and (lower[start - 1].isalnum() or lower[start - 1] == "'"):
            continue
        for index in indexes:
            if index not in found:
                match = PHRASES[index].pattern.match(lower, start)
                if match:
                    found[index] = match
    return found


# ---- word-list cues ----------------------------------------------------------------------

_HARSH = _words(
    "unacceptable ridiculous pathetic incompetent useless terrible horrible awful worst joke disgrace "
    "disgusting scam ripoff fraud garbage trash rubbish absurd outrageous appalling atrocious "
    "shameful lousy sucks suck sucked hate hated furious livid infuriating annoying annoyed frustrated "
    "frustrating disappointed disappointing stupid idiots idiot clueless"
)
# Feeling words an agent uses to validate ("how frustrating this must be") are not harshness.
_EMPATHY_WORDS = _words("frustrating frustrated annoying annoyed disappointing disappointed")
_PROFANE = _words("wtf ffs damn damned dammit hell crap crappy shit shitty bullshit bs fuck fucking fucked fck wth omfg")
_PROFANITY = Cue("profanity", "uses profanity", "frustration")
_PLEASE = Cue("please", "says please", "warm")
_GREETINGS = _words("hi hello hey morning afternoon evening greetings")
_GREETING = Cue("greeting", "greets the customer", "warm")
_QUESTION_OPENERS = _words("why what did have are do is how where")
_DIRECT_QUESTION = re.compile(r"(?:why|what|did you|have you|are you|do you|is it|how come|where)\b")
_IMPERATIVES = _words(
    "try check restart clear read see use click go update reinstall install send contact follow refer reset "
    "wait open enable disable log sign refresh make do don't stop look provide fill submit upload remove "
    "delete call email attach include note"
)
_SENTENCE_START = re.compile(r"[.!?]\s+([A-Za-z']+)")

_TOPICS = (
    Cue("outage", "mentions an outage or errors", "info"),
    Cue("billing", "is about billing or payment", "info"),
    Cue("account_access", "is about getting into an account", "info"),
)
_TOPIC_WORDS = (
    _words("down outage offline unavailable crash crashed crashing crashes error errors broken loading timeout incident"),
    _words(
        "charge charged charges invoice invoices bill billed billing refund refunded payment paid pay subscription "
        "card overcharged fee fees price pricing credit"
    ),
    _words("login log password locked lockout mfa sso reset access sign signin username verification code account"),
)

_DURATION = re.compile(
    r"\b(\d+|an?|one|two|three|four|five|six|seven|several|few|many|couple(?: of)?)\s+"
    r"(min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?|months?)\b"
)
_UNITS = _words("min mins minute minutes h hr hrs hour hours day days week weeks month months")
_WAIT_CONTEXT = _words("been for since ago over still almost nearly")
_UNIT_NAMES = {"h": "hours", "hr": "hours", "hrs": "hours", "min": "minutes", "mins": "minutes"}

_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_NOT_UPPER = bytes(b for b in range(256) if not 65 <= b <= 90)
_ACRONYMS = _words(
    "API URL HTTP HTTPS SSL DNS SSO SAML FAQ PDF CSV USA EST PST UTC GMT ETA ASAP CEO CTO CRM AWS SMS OTP "
    "VPN IOS MAC RAM CPU GPU SQL JSON XML HTML CSS USD EUR GBP LOL OMG TSA FAA DFW JFK LAX ORD SFO"
)
_QUESTION_BURST = Cue("question_burst", "repeats question marks (“??” or “?!”)", "frustration")


def _waiting(r: Reading, phrase: re.Match[str] | None) -> Cue | None:
    """Waiting, with the duration when the text gives one ("mentions waiting 3 days")."""
    if not r.words.isdisjoint(_UNITS) and (phrase or not r.words.isdisjoint(_WAIT_CONTEXT)):
        duration = _DURATION.search(r.lower)
        if duration and (phrase or not duration.group(2).startswith("min")):
            amount, unit = duration.group(1), _UNIT_NAMES.get(duration.group(2), duration.group(2))
            if amount in ("a", "an", "one") and unit.endswith("s"):
                unit = unit[:-1]
            return Cue("waiting", f"mentions waiting {amount} {unit}", "frustration")
    return Cue("waiting", WAITING.explain(phrase), "frustration") if phrase else None


def _harsh(r: Reading, validated: bool) -> Cue | None:
    found = sorted(r.words & _HARSH)
    if validated:
        found = [w for w in found if w not in _EMPATHY_WORDS]
    if not found:
        return None
    return Cue("harsh_words", "uses harsh words (" + ", ".join(f"“{w}”" for w in found[:3]) + ")", "frustration")


def _all_caps(r: Reading) -> Cue | None:
    capitals = len(r.text.encode("ascii", "ignore").translate(None, _NOT_UPPER))
    if capitals < 6 and not (capitals >= 4 and len(r.tokens) <= 3):
        return None  # too few capitals to shout with; skips the regex for most texts
    shouted = [w for w in _CAPS_WORD.findall(r.text) if w not in _ACRONYMS]
    if len(shouted) >= 2 or (shouted and len(r.tokens) <= 3 and len(shouted[0]) >= 4):
        return Cue("all_caps", f"writes in capitals ({len(shouted)} shouted words)", "frustration")
    return None


def _punctuation(r: Reading) -> list[Cue]:
    found: list[Cue] = []
    text = r.text
    if "!" in text:
        bangs = text.count("!")
        if bangs >= 3 or "!!" in text:
            found.append(Cue("exclamation_burst", f"uses {bangs} exclamation marks", "frustration"))
    if "?" in text and ("??" in text or "?!" in text or "!?" in text):
        found.append(_QUESTION_BURST)
    return found


def _opening(r: Reading) -> Cue | None:
    """A cue read off the first word: a greeting, or a direct question."""
    first = r.tokens[0]
    if first in _GREETINGS or (first == "good" and r.lower.startswith("good morning")):
        return _GREETING
    if first in _QUESTION_OPENERS:
        match = _DIRECT_QUESTION.match(r.lower, r.lower.find(first))
        if match:
            return Cue("direct_question", f"opens with a direct question (“{match.group(0)} …”)", "curt")
    return None


def _bare_imperative(r: Reading) -> Cue | None:
    if "please" in r.words:
        return None
    order = r.tokens[0] if r.tokens[0] in _IMPERATIVES else ""
    if not order:
        starts = (m.group(1).lower() for m in _SENTENCE_START.finditer(r.text))
        order = next((w for w in starts if w in _IMPERATIVES), "")
    return Cue("bare_imperative", f"gives a bare instruction (“{order.capitalize()} …”)", "curt") if order else None


_TOPIC_PAIRS = tuple(zip(_TOPICS, _TOPIC_WORDS, strict=True))
_WAITING_INDEX = PHRASES.index(WAITING)
_VALIDATION_INDEX = PHRASES.index(VALIDATION)


# Every word any word-list cue looks for: one intersection tells which lists to consult.
_LISTED = frozenset().union(_HARSH, _PROFANE, _IMPERATIVES, _UNITS, _WAIT_CONTEXT, *_TOPIC_WORDS, {"please", "pls"})


def find_cues(r: Reading) -> list[Cue]:
    """Every cue the text shows: phrases first, then word lists, shape and topics. The analyzer weighs them."""
    if not r.tokens:
        return _punctuation(r)
    matches = phrase_matches(r.lower)
    listed = r.words & _LISTED
    waiting_phrase = matches.pop(_WAITING_INDEX, None)
    found = []
    if waiting_phrase or listed:
        waiting = _waiting(r, waiting_phrase)
        if waiting:
            found.append(waiting)
    for i in sorted(matches) if len(matches) > 1 else matches:
        phrase = PHRASES[i]
        found.append(Cue(phrase.name, phrase.explain(matches[i]), phrase.kind))
    if listed:
        if not listed.isdisjoint(_HARSH):
            harsh = _harsh(r, _VALIDATION_INDEX in matches)
            if harsh:
                found.append(harsh)
        if not listed.isdisjoint(_PROFANE):
            found.append(_PROFANITY)
    shouting = _all_caps(r)
    if shouting:
        found.append(shouting)
    opening = _opening(r)
    if opening:
        found.append(opening)
    if listed:
        if not listed.isdisjoint(_IMPERATIVES):
            order = _bare_imperative(r)
            if order:
                found.append(order)
        if "please" in listed or "pls" in listed:
            found.append(_PLEASE)
    if "!" in r.text or "?" in r.text:
        found.extend(_punctuation(r))
    if listed:
        for topic, topic_words in _TOPIC_PAIRS:
            if not listed.isdisjoint(topic_words):
                found.append(topic)
    return found

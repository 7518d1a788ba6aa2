"""Property tests: analyze() never raises, stays in range and is deterministic on any string."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tone import Context, analyze

contexts = st.one_of(
    st.none(),
    st.builds(
        Context,
        unanswered=st.integers(min_value=0, max_value=1000),
        minutes_waiting=st.one_of(st.none(), st.floats(min_value=0, max_value=1e7)),
        customer_frustration=st.one_of(st.none(), st.floats(min_value=0, max_value=1)),
    ),
)

# Any unicode, plus text built from the pieces cues look for, so the detectors get exercised.
pieces = st.sampled_from(
    ["still", "not", "working", "again", "!!", "??", "third time", "read the docs", "I understand", "sorry",
     "<@U1>", "<https://a.b|x>", ":rage:", "`x`", "WHY", "wait", "3 days", "n't", "\x00", "😡", " ", "."]
)  # fmt: skip
texts = st.one_of(st.text(max_size=400), st.lists(pieces, max_size=40).map(" ".join))


@settings(max_examples=400, deadline=None)
@given(texts, contexts)
def test_never_raises_and_scores_stay_in_range(text: str, context: Context | None) -> None:
    a = analyze(text, context)
    for value in (a.frustration, a.curtness, a.warmth):
        assert 0.0 <= value <= 1.0
    assert -1.0 <= a.compound <= 1.0
    assert all(c.kind in {"frustration", "curt", "warm", "info"} for c in a.cues)


@settings(max_examples=200, deadline=None)
@given(texts, contexts)
def test_deterministic(text: str, context: Context | None) -> None:
    assert analyze(text, context) == analyze(text, context)

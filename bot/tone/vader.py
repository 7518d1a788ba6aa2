"""The one VADER instance Kindly uses, with a shortcut that keeps its scores identical.

vaderSentiment's polarity_scores() first rebuilds the text one character at a time to swap
emoji for their descriptions; on a typical message that pass costs about a third of the
call. ASCII text cannot hold an emoji, so for it the pass would only strip the text: we do
that and run the library's own remaining steps. Non-ASCII text takes the library's full
path. `tests/test_vader_shortcut.py` checks the scores are equal to the library's.
"""

from __future__ import annotations

from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText


class Vader(SentimentIntensityAnalyzer):
    def polarity_scores(self, text: str) -> dict[str, float]:
        if not text.isascii():
            return dict(super().polarity_scores(text))
        text = text.strip()
        sentitext = SentiText(text)
        words = sentitext.words_and_emoticons
        sentiments: list[float] = []
        last = len(words) - 1
        for i, item in enumerate(words):
            lowered = item.lower()
            if lowered in BOOSTER_DICT or (lowered == "kind" and i < last and words[i + 1].lower() == "of"):
                sentiments.append(0)  # modifiers carry no valence of their own
                continue
            sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = self._but_check(words, sentiments)
        return self.score_valence(sentiments, text)


VADER = Vader()

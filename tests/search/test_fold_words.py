"""The index folds text word by word through a cache (search/_documents.py `fold_words`): it must give exactly
what `fold` gives on the whole text, whatever the text (accents, đ, NFD, invisible characters, odd spaces)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.search._documents import fold_words
from hoso.vntext import fold

PIECES = ["Nguyễn", "Đức", "hoà", "Thuỵ", "e\u0302\u0301", " ", "  ", "\u00a0", "\t", "\u200b", "\u00ad", "-", ",",
          "/", "´", "¨", "\u0301", "İ", "ß", "ﬁ", "１２", "QTI/LS-07956/CM", "x", "\n", "Ð", "ð"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_folding_word_by_word_is_folding_the_whole_text(text):
    assert fold_words(text) == fold(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text(text):
    assert fold_words(text) == fold(text)

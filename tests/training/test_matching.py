from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.matching import matches_accepted, normalize_answer


@pytest.mark.parametrize(
    "typed",
    ["95598", "９５５９８", " 95598 ", "95598。", "95598!", "９５５９８！", "95598 ."],
)
def test_width_spaces_and_trailing_punctuation_do_not_matter(typed):
    assert matches_accepted(typed, ["95598"])


def test_case_does_not_matter_and_any_accepted_answer_counts():
    assert matches_accepted("Hold Time", ["average handle time", "hold time"])
    assert matches_accepted("ＡＨＴ", ["aht"])


def test_different_words_and_empty_answers_do_not_match():
    assert not matches_accepted("95588", ["95598"])
    assert not matches_accepted("   。", ["。"])
    assert not matches_accepted("", [""])


@given(st.text())
def test_normalizing_twice_changes_nothing(text):
    assert normalize_answer(normalize_answer(text)) == normalize_answer(text)

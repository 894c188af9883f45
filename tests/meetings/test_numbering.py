"""Agenda numbering is pure: sections 1..n, items 5.a, 5.b, ... (no database)."""
from types import SimpleNamespace as NS

import pytest

from app.meetings.numbering import item_numbers, letters, section_numbers


def agenda(*sizes):
    next_id = iter(range(100, 1000))
    return [NS(id=index + 1, items=[NS(id=next(next_id)) for _ in range(size)])
            for index, size in enumerate(sizes)]


def test_sections_are_numbered_from_one_in_order():
    assert section_numbers(agenda(0, 2, 1)) == {1: "1", 2: "2", 3: "3"}


def test_items_get_their_section_number_and_a_letter():
    sections = agenda(0, 2, 1)
    assert item_numbers(sections) == {100: "2.a", 101: "2.b", 102: "3.a"}


def test_numbers_follow_the_order_given_not_the_ids():
    sections = agenda(2)
    sections[0].items.reverse()
    assert item_numbers(sections) == {101: "1.a", 100: "1.b"}


def test_long_sections_continue_past_z_without_collisions():
    numbers = item_numbers(agenda(60))
    assert numbers[100 + 25] == "1.z"
    assert numbers[100 + 26] == "1.aa"
    assert len(set(numbers.values())) == 60


@pytest.mark.parametrize("index, expected", [(0, "a"), (25, "z"), (26, "aa"), (51, "az"), (52, "ba"),
                                             (701, "zz"), (702, "aaa")])
def test_letters(index, expected):
    assert letters(index) == expected


def test_works_on_snapshot_dicts_too():
    sections = [{"id": 7, "items": [{"id": 1}, {"id": 2}]}]
    assert item_numbers(sections) == {1: "1.a", 2: "1.b"}
    assert section_numbers(sections) == {7: "1"}


def test_negative_index_is_refused():
    with pytest.raises(ValueError):
        letters(-1)

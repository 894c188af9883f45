"""Automatic agenda numbering, as a pure function of the section/item order.

Sections are numbered "1".."n" in order; items inside a section get letters,
so the second item of section 5 is "5.b". Past "z" letters continue as
spreadsheet columns do ("aa", "ab", ...) so a long consent calendar never
collides with another number.
"""


def _field(obj, name):
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def letters(index):
    """0 -> "a", 25 -> "z", 26 -> "aa"."""
    if index < 0:
        raise ValueError("index must be 0 or more")
    text = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        text = chr(ord("a") + remainder) + text
    return text


def section_numbers(sections):
    """{section_id: "1"} for sections given in agenda order."""
    return {_field(section, "id"): str(position) for position, section in enumerate(sections, start=1)}


def item_numbers(sections):
    """{item_id: "5.a"} for sections (objects or dicts with `id` and `items`) in agenda order."""
    numbers = {}
    for position, section in enumerate(sections, start=1):
        for index, item in enumerate(_field(section, "items")):
            numbers[_field(item, "id")] = f"{position}.{letters(index)}"
    return numbers

"""The names the public log page gives to the fields and codes of log entries."""
from app.compliance.field_labels import field_label, value_label


def test_a_field_without_a_label_shows_as_its_key():
    assert str(field_label("member_id")) == "member id"
    assert field_label("new_field_nobody_named") == "new field nobody named"


def test_only_codes_under_code_fields_are_named():
    assert str(value_label("stance", "support")) == "support"
    assert str(value_label("channel", "in_person")) == "in person"
    # The same word typed by somebody (a display name, a reason) is left as typed.
    assert value_label("display_name", "support") is None and value_label("reason", "remote") is None
    assert value_label("status", "something new") is None

"""Rule packs and posting deadlines: pure, no Flask, no database."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.compliance import checks, rules
from app.compliance.deadlines import business_days_before, holiday_name, posting_deadline
from app.compliance.rules import TX_HOLIDAYS

LA = ZoneInfo("America/Los_Angeles")
CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


def local(zone, *args):
    return datetime(*args, tzinfo=zone)


def hours_between(earlier, later):
    """Real elapsed hours (aware datetimes in one zone subtract as wall-clock times)."""
    return (later.astimezone(UTC) - earlier.astimezone(UTC)) / timedelta(hours=1)


def deadline_local(pack, kind, start, zone, **kwargs):
    result = posting_deadline(pack, kind, start.astimezone(UTC), zone.key, **kwargs)
    assert result.at.tzinfo is not None and result.at.utcoffset() == timedelta(0)
    return result.at.astimezone(zone), result.rule


# --- the packs as data -------------------------------------------------------

def test_every_pack_named_in_the_spec_exists():
    assert set(rules.PACK_IDS) == {"us-ca-brown-act", "us-tx-oma", "us-ny-oml", "us-il-oma", "generic"}


@pytest.mark.parametrize("pack", rules.PACKS.values(), ids=lambda p: p.id)
def test_every_rule_has_id_version_date_citation_and_severity(pack):
    assert pack.citation
    for rule in pack.rules:
        assert rule.id.count(".") >= 2
        assert rule.version >= 1
        assert isinstance(rule.effective_from, date)
        assert rule.citation
        assert rule.severity in ("block", "warn", "record")
        if rule.verify:
            assert rule.severity != "block", f"{rule.id} needs legal verification and must not block"


def test_rule_ids_follow_the_documented_shape():
    ids = {rule.id for pack in rules.PACKS.values() for rule in pack.rules}
    assert {"ca.posting.regular", "ca.posting.special", "ca.posting.emergency",
            "tx.posting.notice", "ny.posting.scheduled", "ny.posting.practicable",
            "il.posting.regular", "generic.posting.notice"} <= ids


def test_unknown_pack_is_refused():
    with pytest.raises(KeyError):
        posting_deadline("us-zz-nope", "regular", datetime(2026, 3, 10, tzinfo=UTC), "UTC")


def test_naive_start_is_refused():
    with pytest.raises(ValueError):
        posting_deadline("us-ca-brown-act", "regular", datetime(2026, 3, 10), "America/Los_Angeles")


# --- California ----------------------------------------------------------------

def test_california_regular_is_72_hours_weekends_count():
    deadline, rule = deadline_local("us-ca-brown-act", "regular", local(LA, 2026, 3, 3, 18, 0), LA)
    assert deadline == local(LA, 2026, 2, 28, 18, 0)  # a Saturday: weekends count in California
    assert (rule.id, rule.severity, rule.citation) == ("ca.posting.regular", "block",
                                                       "Cal. Gov. Code §54954.2(a)(1)")


def test_california_special_is_24_hours_and_emergency_one_hour():
    start = local(LA, 2026, 3, 3, 18, 0)
    deadline, rule = deadline_local("us-ca-brown-act", "special", start, LA)
    assert deadline == local(LA, 2026, 3, 2, 18, 0) and rule.id == "ca.posting.special"
    deadline, rule = deadline_local("us-ca-brown-act", "emergency", start, LA)
    assert deadline == local(LA, 2026, 3, 3, 17, 0)
    assert rule.id == "ca.posting.emergency" and rule.verify and rule.severity == "warn"


def test_california_72_hours_across_spring_forward_takes_the_earlier_reading():
    # 2026-03-08 02:00 PST -> PDT. 72 elapsed hours before Tue 18:00 PDT is Sat 17:00 PST,
    # an hour earlier than the wall-clock reading (Sat 18:00); the earlier one wins.
    start = local(LA, 2026, 3, 10, 18, 0)
    deadline, _ = deadline_local("us-ca-brown-act", "regular", start, LA)
    assert deadline == local(LA, 2026, 3, 7, 17, 0)
    assert hours_between(deadline, start) == 72


def test_california_72_hours_across_fall_back_takes_the_earlier_reading():
    # 2026-11-01 02:00 PDT -> PST. Here the wall-clock reading (Sat 18:00 PDT) is the earlier one:
    # notice by then is 73 real hours, so no reading of "72 hours" is missed.
    start = local(LA, 2026, 11, 3, 18, 0)
    deadline, _ = deadline_local("us-ca-brown-act", "regular", start, LA)
    assert deadline == local(LA, 2026, 10, 31, 18, 0)
    assert hours_between(deadline, start) == 73


def test_a_week_without_dst_change_is_exactly_72_hours():
    start = local(LA, 2026, 6, 16, 18, 0)
    deadline, _ = deadline_local("us-ca-brown-act", "regular", start, LA)
    assert hours_between(deadline, start) == 72 and deadline.hour == 18


# --- Texas -------------------------------------------------------------------------

def test_texas_before_2025_09_01_is_72_hours():
    start = local(CHICAGO, 2025, 8, 29, 18, 0)  # Friday
    deadline, rule = deadline_local("us-tx-oma", "regular", start, CHICAGO)
    assert deadline == local(CHICAGO, 2025, 8, 26, 18, 0)
    assert (rule.id, rule.version) == ("tx.posting.notice", 1)


def test_texas_from_2025_09_01_counts_three_business_days():
    # Tuesday 2025-09-02: Monday 09-01 is Labor Day, Wednesday 08-27 is LBJ Day (a Texas
    # state holiday), so the three business days are Aug 26, 28 and 29.
    start = local(CHICAGO, 2025, 9, 2, 18, 0)
    deadline, rule = deadline_local("us-tx-oma", "regular", start, CHICAGO)
    assert deadline == local(CHICAGO, 2025, 8, 26, 0, 0)
    assert (rule.id, rule.version, rule.severity) == ("tx.posting.notice", 2, "block")
    assert "HB 1522" in rule.citation


def test_texas_rule_change_is_by_the_meeting_date():
    sunday_before = local(CHICAGO, 2025, 8, 31, 18, 0)
    effective_day = local(CHICAGO, 2025, 9, 1, 18, 0)
    assert deadline_local("us-tx-oma", "regular", sunday_before, CHICAGO)[1].version == 1
    assert deadline_local("us-tx-oma", "regular", effective_day, CHICAGO)[1].version == 2


def test_texas_plain_week_monday_meeting_needs_posting_by_wednesday():
    # The case HB 1522 was written for: a Friday-afternoon posting for a Monday meeting.
    start = local(CHICAGO, 2026, 3, 9, 18, 0)  # Monday
    deadline, _ = deadline_local("us-tx-oma", "regular", start, CHICAGO)
    assert deadline == local(CHICAGO, 2026, 3, 4, 0, 0)  # Wed, Thu, Fri are the three days


def test_texas_thanksgiving_thursday_and_friday_do_not_count():
    start = local(CHICAGO, 2026, 11, 30, 18, 0)  # Monday after Thanksgiving
    deadline, _ = deadline_local("us-tx-oma", "regular", start, CHICAGO)
    assert deadline == local(CHICAGO, 2026, 11, 23, 0, 0)
    assert holiday_name(date(2026, 11, 26), TX_HOLIDAYS)
    assert holiday_name(date(2026, 11, 27), TX_HOLIDAYS)


def test_texas_christmas_eve_christmas_and_weekend_do_not_count():
    start = local(CHICAGO, 2026, 12, 29, 18, 0)  # Tuesday
    deadline, _ = deadline_local("us-tx-oma", "regular", start, CHICAGO)
    # Mon 28 counts; Sun 27, Sat 26, Fri 25 (Christmas), Thu 24 (Christmas Eve) do not.
    assert deadline == local(CHICAGO, 2026, 12, 22, 0, 0)


def test_texas_special_meeting_uses_the_same_notice_and_emergency_is_advisory():
    start = local(CHICAGO, 2026, 3, 9, 18, 0)
    assert deadline_local("us-tx-oma", "special", start, CHICAGO)[0] == local(CHICAGO, 2026, 3, 4, 0, 0)
    deadline, rule = deadline_local("us-tx-oma", "emergency", start, CHICAGO)
    assert deadline == start - timedelta(hours=1) and rule.severity == "warn" and rule.verify


def test_texas_meeting_time_of_day_does_not_move_the_deadline():
    morning = deadline_local("us-tx-oma", "regular", local(CHICAGO, 2026, 3, 9, 0, 30), CHICAGO)[0]
    evening = deadline_local("us-tx-oma", "regular", local(CHICAGO, 2026, 3, 9, 23, 30), CHICAGO)[0]
    assert morning == evening


def test_business_days_are_never_less_than_72_hours():
    for offset in range(0, 60):
        day = date(2026, 1, 1) + timedelta(days=offset)
        start = datetime(day.year, day.month, day.day, 0, 1, tzinfo=CHICAGO)
        at = business_days_before(day, 3, CHICAGO, TX_HOLIDAYS)
        assert start - at >= timedelta(hours=72)


def test_texas_holidays_come_from_the_holidays_library():
    assert holiday_name(date(2026, 3, 2), TX_HOLIDAYS)  # Texas Independence Day
    assert holiday_name(date(2026, 3, 3), TX_HOLIDAYS) is None


# --- New York, Illinois, generic ---------------------------------------------------

def test_new_york_72_hours_when_scheduled_a_week_ahead():
    start = local(NEW_YORK, 2026, 3, 10, 19, 0)
    deadline, rule = deadline_local("us-ny-oml", "regular", start, NEW_YORK,
                                    scheduled_at=start - timedelta(days=20))
    assert rule.id == "ny.posting.scheduled" and rule.severity == "block"
    assert hours_between(deadline, start) == 72  # a DST week: 72 real hours, the earlier reading


def test_new_york_short_notice_is_as_practicable_and_only_a_warning():
    start = local(NEW_YORK, 2026, 3, 10, 19, 0)
    deadline, rule = deadline_local("us-ny-oml", "special", start, NEW_YORK,
                                    scheduled_at=start - timedelta(days=3))
    assert rule.id == "ny.posting.practicable" and rule.severity == "warn"
    assert deadline == start


def test_new_york_unknown_scheduling_assumes_the_stricter_rule():
    start = local(NEW_YORK, 2026, 3, 10, 19, 0)
    assert deadline_local("us-ny-oml", "regular", start, NEW_YORK)[1].id == "ny.posting.scheduled"


def test_illinois_48_hours():
    start = local(CHICAGO, 2026, 3, 10, 19, 0)
    for kind in ("regular", "special"):
        deadline, rule = deadline_local("us-il-oma", kind, start, CHICAGO)
        assert hours_between(deadline, start) == 48 and rule.citation.startswith("5 ILCS 120/2.02")


def test_generic_uses_the_body_hours():
    start = local(LA, 2026, 3, 10, 19, 0)
    result = posting_deadline("generic", "regular", start.astimezone(UTC), "America/Los_Angeles",
                              generic_hours=96)
    assert hours_between(result.at, start) == 96 and result.hours == 96


# --- content checks ------------------------------------------------------------------

def snapshot(**meeting):
    base = {"accommodation_notice": "Call the clerk.", "remote_instructions": "Join online.",
            "remote_url": "", "dial_in": ""}
    base.update(meeting)
    return {"meeting": base, "sections": [{"id": 1, "number": "1", "items": [
        {"id": 1, "number": "1.a", "title": "Approve the minutes of February 17"},
        {"id": 2, "number": "1.b", "title": " ".join(["word"] * 25)},
        {"id": 3, "number": "1.c", "title": "   "},
    ]}]}


def results_by_check(results):
    return {result["rule_id"].split(".", 1)[1]: result for result in results}


def test_content_checks_for_california():
    results = results_by_check(checks.check_agenda(snapshot(), "us-ca-brown-act"))
    assert results["agenda.item_title"]["passed"] is False
    assert results["agenda.item_title"]["details"]["untitled_items"] == ["1.c"]
    assert results["agenda.item_title"]["severity"] == "block"
    words = results["agenda.description_words"]
    assert words["passed"] is False and words["severity"] == "warn"
    assert words["details"]["too_long"] == [{"number": "1.b", "words": 25}]
    assert results["agenda.accommodation_notice"]["passed"] is True
    assert results["agenda.remote_instructions"]["passed"] is True


def test_missing_notices_are_warnings():
    content = snapshot(accommodation_notice="", remote_instructions="")
    results = results_by_check(checks.check_agenda(content, "us-tx-oma"))
    assert results["agenda.accommodation_notice"]["passed"] is False
    assert results["agenda.remote_instructions"]["passed"] is False
    assert {r["rule_id"] for r in checks.blocking_failures(checks.check_agenda(content, "us-tx-oma"))} == {
        "tx.agenda.item_title"}
    assert "agenda.description_words" not in results  # the 20-word guidance is California's


def test_word_count_ignores_markup():
    assert checks.word_count("<p>Approve <strong>the</strong> budget</p>") == 3


def test_meeting_before_a_rule_existed_gets_its_first_version():
    deadline, rule = deadline_local("us-tx-oma", "regular", local(CHICAGO, 1980, 6, 2, 18, 0), CHICAGO)
    assert (rule.id, rule.version) == ("tx.posting.notice", 1)
    assert hours_between(deadline, local(CHICAGO, 1980, 6, 2, 18, 0)) == 72


def test_texas_business_days_across_daylight_saving_changes():
    # Spring forward (Sun 2026-03-08): Wed 03-11 meeting -> Tue, Mon, Fri: post by Fri 00:00 CST.
    deadline, _ = deadline_local("us-tx-oma", "regular", local(CHICAGO, 2026, 3, 11, 18, 0), CHICAGO)
    assert deadline == local(CHICAGO, 2026, 3, 6, 0, 0) and deadline.utcoffset() == timedelta(hours=-6)
    # Fall back (Sun 2026-11-01): Tue 11-03 meeting -> Mon, Fri, Thu: post by Thu 10-29 00:00 CDT.
    deadline, _ = deadline_local("us-tx-oma", "regular", local(CHICAGO, 2026, 11, 3, 18, 0), CHICAGO)
    assert deadline == local(CHICAGO, 2026, 10, 29, 0, 0) and deadline.utcoffset() == timedelta(hours=-5)


def test_every_posting_rule_links_its_source_text_except_the_body_defined_one():
    for pack in rules.PACKS.values():
        for rule in pack.rules_for(rules.POSTING):
            assert rule.source.startswith("https://") or pack.id == "generic", rule.id


def test_comment_rules_come_from_the_packs_with_citations():
    from datetime import date

    from app.compliance import rules

    assert rules.interpreter_multiple("us-ca-brown-act") == 2
    assert rules.interpreter_multiple("us-tx-oma") == 2
    assert rules.interpreter_multiple("us-ny-oml") == 1
    assert rules.interpreter_multiple("no-such-pack") == 1
    assert rules.no_early_close_since("us-ca-brown-act") == date(2026, 1, 1)
    assert rules.no_early_close_since("us-tx-oma") is None
    comment_rules = rules.get_pack("us-ca-brown-act").rules_for(rules.COMMENT)
    assert {r.id for r in comment_rules} == {"ca.comment.interpreter", "ca.comment.no_early_close",
                                             "ca.comment.warn_before_removal"}
    assert all("§" in r.citation for r in comment_rules)


def test_california_asks_for_a_warning_before_removal_from_2023():
    assert rules.warning_before_removal("us-ca-brown-act", date(2022, 12, 31)) is None
    rule = rules.warning_before_removal("us-ca-brown-act", date(2023, 1, 1))
    assert rule.id == "ca.comment.warn_before_removal" and "54957.95" in rule.citation
    assert all(rules.warning_before_removal(pack, date(2026, 11, 22)) is None
               for pack in ("us-tx-oma", "us-ny-oml", "us-il-oma", "generic", "unknown"))

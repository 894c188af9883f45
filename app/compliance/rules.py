"""Open-meeting rule packs, as data.

Each rule has an id, a version, the date it takes effect, the statute it comes
from (citation plus a link to the source text), a severity and its figures:

- `block`: publishing is refused when the rule fails (unless an override is logged);
- `warn`: the failure is recorded and shown, publishing goes ahead;
- `record`: evidence only.

A rule marked `verify=True` carries figures that still need confirmation by
counsel; such a rule is never `block` (checked at import time below), so an
unconfirmed reading of a statute can never stop a clerk from posting.

Pure module: no Flask, no database.
"""
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

BLOCK, WARN, RECORD = "block", "warn", "record"
SEVERITIES = (BLOCK, WARN, RECORD)
ALL_KINDS = ("regular", "special", "emergency")

POSTING, CONTENT, COMMENT = "posting", "content", "comment"


def N_(text):
    """Marks a rule's summary for translation: the pages show it in the reader's
    language (through gettext); the log keeps the English, as hashed."""
    return text


@dataclass(frozen=True)
class Rule:
    id: str
    version: int
    effective_from: date
    citation: str
    source: str
    severity: str
    summary: str
    check: str = POSTING
    kinds: tuple = ALL_KINDS
    # The figures: {"hours": 72}, {"business_days": 3, "holidays": {...}},
    # {"practicable": True}, {"max_words": 20}, {"field": "accommodation_notice"} ...
    params: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    verify: bool = False

    def as_evidence(self):
        """The rule as it is written into the compliance log (JSON-safe)."""
        return {"rule_id": self.id, "rule_version": self.version,
                "effective_from": self.effective_from.isoformat(), "citation": self.citation,
                "severity": self.severity, "verify": self.verify}


@dataclass(frozen=True)
class RulePack:
    id: str
    name: str
    citation: str
    source: str
    rules: tuple

    def rules_for(self, check):
        return tuple(rule for rule in self.rules if rule.check == check)


def _rule(**values):
    values["effective_from"] = date.fromisoformat(values["effective_from"])
    values["params"] = MappingProxyType(values.get("params", {}))
    values["kinds"] = tuple(values.get("kinds", ALL_KINDS))
    return Rule(**values)


def _content_rules(prefix, effective_from, *, title_citation, accommodation_citation, source):
    """Agenda content checks every pack runs at publish; citations differ per state."""
    return [
        _rule(id=f"{prefix}.agenda.item_title", version=1, effective_from=effective_from,
              citation=title_citation, source=source, severity=BLOCK, check=CONTENT,
              summary=N_("Every agenda item has a title (its brief general description)."),
              params={"check": "item_titles"}),
        _rule(id=f"{prefix}.agenda.accommodation_notice", version=1, effective_from=effective_from,
              citation=accommodation_citation, source=source, severity=WARN, check=CONTENT,
              summary=N_("The agenda says how to request a disability-related accommodation."),
              params={"check": "accommodation_notice"}),
        _rule(id=f"{prefix}.agenda.remote_instructions", version=1, effective_from=effective_from,
              citation=N_("Dais hybrid-meeting practice (public remote participation)"), source=source,
              severity=WARN, check=CONTENT,
              summary=N_("The agenda says how to watch and take part remotely."),
              params={"check": "remote_instructions"}),
    ]


CA_SECTION = "https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=GOV&sectionNum={}"
CA_SOURCE = CA_SECTION.format("54950")
TX_SOURCE = "https://statutes.capitol.texas.gov/Docs/GV/htm/GV.551.htm"
TX_HB1522 = "https://capitol.texas.gov/BillLookup/History.aspx?LegSess=89R&Bill=HB1522"
NY_SECTION = "https://www.nysenate.gov/legislation/laws/PBO/{}"
NY_SOURCE = NY_SECTION.format("A7")
IL_SOURCE = "https://www.ilga.gov/legislation/ilcs/ilcs3.asp?ActID=84&ChapterID=2"

# Texas counts business days with the national and state holidays of Gov't Code
# §662.003. The `holidays` library supplies them; the count is conservative: the
# state's optional holidays and every federal government holiday are excluded too,
# so the computed deadline is never later than any reading of the statute.
TX_HOLIDAYS = {"country": "US", "subdiv": "TX", "categories": ("public", "government")}

PACKS = {
    "us-ca-brown-act": RulePack(
        id="us-ca-brown-act", name="California — Ralph M. Brown Act",
        citation="Cal. Gov. Code §54950 et seq.", source=CA_SOURCE,
        rules=tuple([
            _rule(id="ca.posting.regular", version=1, effective_from="1994-04-01",
                  citation="Cal. Gov. Code §54954.2(a)(1)", source=CA_SECTION.format("54954.2"),
                  severity=BLOCK,
                  kinds=["regular"], params={"hours": 72},
                  summary=N_("Agenda of a regular meeting posted at least 72 hours before it starts.")),
            _rule(id="ca.posting.special", version=1, effective_from="1994-04-01",
                  citation="Cal. Gov. Code §54956(a)", source=CA_SECTION.format("54956"),
                  severity=BLOCK,
                  kinds=["special"], params={"hours": 24},
                  summary=N_("Notice of a special meeting posted at least 24 hours before it starts.")),
            # §54956.5 asks for telephone notice to the media one hour before an
            # emergency meeting rather than a posted agenda; treat it as advice.
            _rule(id="ca.posting.emergency", version=1, effective_from="1994-04-01",
                  citation="Cal. Gov. Code §54956.5(b)", source=CA_SECTION.format("54956.5"),
                  severity=WARN, verify=True,
                  kinds=["emergency"], params={"hours": 1},
                  summary=N_("Emergency meeting: media notified at least one hour before it starts.")),
            _rule(id="ca.agenda.description_words", version=1, effective_from="1994-04-01",
                  citation="Cal. Gov. Code §54954.2(a)(1)", source=CA_SECTION.format("54954.2"),
                  severity=WARN,
                  check=CONTENT, params={"check": "description_words", "max_words": 20},
                  summary=N_("Each item's brief general description is about 20 words or fewer.")),
            _rule(id="ca.comment.interpreter", version=1, effective_from="2002-01-01",
                  citation="Cal. Gov. Code §54954.3(b)(2)", source=CA_SECTION.format("54954.3"),
                  severity=RECORD, check=COMMENT, params={"interpreter_multiple": 2},
                  summary=N_("A speaker who uses a translator gets at least twice the time, "
                          "unless simultaneous interpretation is used.")),
            _rule(id="ca.comment.no_early_close", version=1, effective_from="2026-01-01",
                  citation="Cal. Gov. Code §54953.8 (SB 707)", source=CA_SECTION.format("54953.8"),
                  severity=BLOCK, check=COMMENT, params={"no_early_close": True},
                  summary=N_("A public comment period opened for a set time is not closed before "
                          "that time has passed.")),
            _rule(id="ca.comment.warn_before_removal", version=1, effective_from="2023-01-01",
                  citation="Cal. Gov. Code §54957.95 (SB 1100)", source=CA_SECTION.format("54957.95"),
                  severity=BLOCK, check=COMMENT, params={"warn_before_removal": True},
                  summary=N_("A person disrupting the meeting is warned before being removed, unless "
                          "the behaviour is a use of force or a true threat of force.")),
            *_content_rules("ca", "1994-04-01", title_citation="Cal. Gov. Code §54954.2(a)(1)",
                            accommodation_citation="Cal. Gov. Code §54954.2(a)(1)",
                            source=CA_SECTION.format("54954.2")),
        ]),
    ),
    "us-tx-oma": RulePack(
        id="us-tx-oma", name="Texas — Open Meetings Act",
        citation="Tex. Gov't Code ch. 551", source=TX_SOURCE,
        rules=tuple([
            _rule(id="tx.posting.notice", version=1, effective_from="1993-09-01",
                  citation="Tex. Gov't Code §551.043(a) (before HB 1522)", source=TX_SOURCE,
                  severity=BLOCK, kinds=["regular", "special"], params={"hours": 72},
                  summary=N_("Notice posted at least 72 hours before the scheduled time of the meeting.")),
            _rule(id="tx.posting.notice", version=2, effective_from="2025-09-01",
                  citation="Tex. Gov't Code §551.043(a), as amended by HB 1522 (89th Leg.)",
                  source=TX_HB1522, severity=BLOCK, kinds=["regular", "special"],
                  params={"business_days": 3, "holidays": TX_HOLIDAYS},
                  summary=N_("Notice posted for at least three business days before the scheduled date "
                          "of the meeting (weekends and holidays do not count).")),
            _rule(id="tx.posting.emergency", version=1, effective_from="1993-09-01",
                  citation="Tex. Gov't Code §551.045", source=TX_SOURCE, severity=WARN, verify=True,
                  kinds=["emergency"], params={"hours": 1},
                  summary=N_("Emergency meeting: notice posted at least one hour before it convenes.")),
            _rule(id="tx.comment.interpreter", version=1, effective_from="2019-09-01",
                  citation="Tex. Gov't Code §551.007(e)", source=TX_SOURCE,
                  severity=RECORD, check=COMMENT, params={"interpreter_multiple": 2},
                  summary=N_("A member of the public who addresses the body through a translator gets "
                          "at least twice the time of other speakers.")),
            *_content_rules("tx", "1993-09-01", title_citation="Tex. Gov't Code §551.041",
                            accommodation_citation="Americans with Disabilities Act, Title II (28 CFR §35.160)",
                            source=TX_SOURCE),
        ]),
    ),
    "us-ny-oml": RulePack(
        id="us-ny-oml", name="New York — Open Meetings Law",
        citation="N.Y. Pub. Off. Law art. 7", source=NY_SOURCE,
        rules=tuple([
            _rule(id="ny.posting.scheduled", version=1, effective_from="1977-01-01",
                  citation="N.Y. Pub. Off. Law §104(1)", source=NY_SECTION.format("104"),
                  severity=BLOCK,
                  kinds=["regular", "special"], params={"hours": 72, "scheduled_at_least_days": 7},
                  summary=N_("Meeting scheduled a week or more ahead: notice at least 72 hours before.")),
            _rule(id="ny.posting.practicable", version=1, effective_from="1977-01-01",
                  citation="N.Y. Pub. Off. Law §104(2)", source=NY_SECTION.format("104"),
                  severity=WARN,
                  params={"practicable": True, "scheduled_less_than_days": 7},
                  summary=N_("Meeting scheduled less than a week ahead: notice to the extent practicable, "
                          "at a reasonable time before the meeting.")),
            *_content_rules("ny", "1977-01-01", title_citation="N.Y. Pub. Off. Law §103(e)",
                            accommodation_citation="N.Y. Pub. Off. Law §103(b)", source=NY_SOURCE),
        ]),
    ),
    "us-il-oma": RulePack(
        id="us-il-oma", name="Illinois — Open Meetings Act",
        citation="5 ILCS 120", source=IL_SOURCE,
        rules=tuple([
            _rule(id="il.posting.regular", version=1, effective_from="1994-01-01",
                  citation="5 ILCS 120/2.02(a), (c)", source=IL_SOURCE, severity=BLOCK,
                  kinds=["regular", "special"], params={"hours": 48},
                  summary=N_("Agenda posted at least 48 hours before a regular or special meeting.")),
            _rule(id="il.posting.emergency", version=1, effective_from="1994-01-01",
                  citation="5 ILCS 120/2.02(a)", source=IL_SOURCE, severity=WARN, verify=True,
                  kinds=["emergency"], params={"practicable": True},
                  summary=N_("Emergency meeting: notice as soon as practicable, before the meeting.")),
            *_content_rules("il", "1994-01-01", title_citation="5 ILCS 120/2.02(c)",
                            accommodation_citation="Americans with Disabilities Act, Title II (28 CFR §35.160)",
                            source=IL_SOURCE),
        ]),
    ),
    "generic": RulePack(
        id="generic", name=N_("Generic (the body's own notice rule)"),
        citation=N_("Body's adopted rules of procedure"), source="",
        rules=tuple([
            # hours=None: the figure is the body's own `generic_notice_hours`.
            _rule(id="generic.posting.notice", version=1, effective_from="2000-01-01",
                  citation=N_("Body's adopted rules of procedure"), source="", severity=BLOCK,
                  kinds=["regular", "special"], params={"hours": None},
                  summary=N_("Notice posted the body's configured number of hours before the meeting.")),
            _rule(id="generic.posting.emergency", version=1, effective_from="2000-01-01",
                  citation=N_("Body's adopted rules of procedure"), source="", severity=WARN,
                  kinds=["emergency"], params={"hours": None},
                  summary=N_("Emergency meeting: the configured notice is advised, not enforced.")),
            *_content_rules("generic", "2000-01-01", title_citation=N_("Body's adopted rules of procedure"),
                            accommodation_citation="Americans with Disabilities Act, Title II (28 CFR §35.160)",
                            source=""),
        ]),
    ),
}

PACK_IDS = tuple(PACKS)


def get_pack(pack_id):
    try:
        return PACKS[pack_id]
    except KeyError:
        raise KeyError(f"unknown rule pack {pack_id!r}; known: {', '.join(PACK_IDS)}") from None


def rule_in_force(rules, on_date):
    """Among the versions of one rule, the one effective on `on_date` (None before any)."""
    current = None
    for rule in sorted(rules, key=lambda r: r.effective_from):
        if rule.effective_from <= on_date:
            current = rule
    return current


def _comment_rule_with(pack_id, param, on_date):
    pack = PACKS.get(pack_id)
    if pack is None:
        return None
    rules = [r for r in pack.rules_for(COMMENT) if param in r.params]
    return rule_in_force(rules, on_date) if rules else None


def interpreter_multiple(pack_id, on_date=None):
    """How many times the usual speaking time a speaker with a translator gets (1 when no rule)."""
    rule = _comment_rule_with(pack_id, "interpreter_multiple", on_date or date.max)
    return rule.params["interpreter_multiple"] if rule else 1


def warning_before_removal(pack_id, on_date):
    """The rule in force on `on_date` that asks for a warning before a disruptive
    participant is removed, or None."""
    rule = _comment_rule_with(pack_id, "warn_before_removal", on_date)
    return rule if rule and rule.params["warn_before_removal"] else None


def no_early_close_since(pack_id):
    """The date from which a timed comment period may not close early, or None."""
    pack = PACKS.get(pack_id)
    if pack is None:
        return None
    dates = [r.effective_from for r in pack.rules_for(COMMENT) if r.params.get("no_early_close")]
    return min(dates) if dates else None


def _check_pack_data():
    """Refuse to start with a malformed pack (raised, not asserted: must survive `python -O`)."""
    for pack in PACKS.values():
        seen = set()
        for rule in pack.rules:
            problems = [
                rule.severity not in SEVERITIES and "unknown severity",
                rule.verify and rule.severity == BLOCK and "an unverified rule must not block",
                not rule.citation and "no citation",
                (rule.id, rule.version) in seen and "defined twice",
            ]
            for problem in filter(None, problems):
                raise ValueError(f"rule pack {pack.id}: {rule.id} v{rule.version}: {problem}")
            seen.add((rule.id, rule.version))


_check_pack_data()

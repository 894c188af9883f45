"""The demo city: `flask --app wsgi seed-demo [--if-empty]`.

A fictional California city, Los Robles, with a city council and a planning
commission: past meetings (posted on time, held, adjourned), upcoming published
agendas with a consent calendar, a public hearing and staff reports with PDF
attachments, an amended agenda, and a draft. Everything goes through the same
services the clerk uses, with `now` values that tell the story in order, so the
compliance logs are real and verify.

Idempotent: the whole demo is written in one transaction, and a database that
already holds the demo council is left untouched.
"""
import functools
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import current_app

from app.core.db import transaction
from app.core.time import UTC, utcnow
from app.extensions import db

DEMO_PASSWORD = "demo-password-123"  # demo data only, printed when seeded
COUNCIL_SLUG = "city-council"
PLANNING_SLUG = "planning-commission"
TIMEZONE = "America/Los_Angeles"
LOCAL = ZoneInfo(TIMEZONE)
CITY = "Los Robles"

COUNCIL_TEMPLATE = [
    {"title": "Call to Order", "kind": "ceremonial"},
    {"title": "Roll Call", "kind": "ceremonial"},
    {"title": "Pledge of Allegiance", "kind": "ceremonial"},
    {"title": "Public Comment on Non-Agenda Items", "kind": "public_comment"},
    {"title": "Consent Calendar", "kind": "consent"},
    {"title": "Public Hearings", "kind": "public_hearing"},
    {"title": "New Business", "kind": "business"},
    {"title": "City Manager and Council Reports", "kind": "reports"},
    {"title": "Adjournment", "kind": "ceremonial"},
]
PLANNING_TEMPLATE = [
    {"title": "Call to Order and Roll Call", "kind": "ceremonial"},
    {"title": "Public Comment on Non-Agenda Items", "kind": "public_comment"},
    {"title": "Consent Calendar", "kind": "consent"},
    {"title": "Public Hearings", "kind": "public_hearing"},
    {"title": "Commission Business", "kind": "business"},
    {"title": "Adjournment", "kind": "ceremonial"},
]
# A general-law city council passes ordinances and spending by a majority of all its members
# (Cal. Gov. Code §36936), so its rules make that the default for main motions; procedural
# motions keep Robert's Rules. The planning commission keeps Robert's Rules throughout.
COUNCIL_THRESHOLDS = {"main": "majority_of_full_body"}
COUNCIL_MEMBERS = [
    ("Elena Vasquez", "Mayor", "At-Large"),
    ("David Okonkwo", "Mayor Pro Tem", "District 1"),
    ("Sarah Lindqvist", "Councilmember", "District 2"),
    ("Marcus Chen", "Councilmember", "District 3"),
    ("Priya Raman", "Councilmember", "District 4"),
]
PLANNING_MEMBERS = [
    ("Robert Alvarez", "Chair", "Seat A"),
    ("Hannah Mori", "Vice Chair", "Seat B"),
    ("James Whitfield", "Commissioner", "Seat C"),
    ("Teresa Nguyen", "Commissioner", "Seat D"),
    ("Omar Haddad", "Commissioner", "Seat E"),
]
CHAMBERS = "Council Chambers, Los Robles City Hall, 200 East Mission Street, Los Robles, CA 95000"
REMOTE_URL = "https://example.org/losrobles/webinar"
DIAL_IN = "+1 669 555 0142, webinar ID 815 2026 4410"
REMOTE_INSTRUCTIONS = (
    "Watch and comment remotely through the webinar link, or call the dial-in number. "
    "To speak on an item, join the public comment queue from this page when the chair opens comment; "
    "you will be unmuted when called. Written comments received by 3:00 p.m. on the meeting day "
    "are distributed to the Council and attached to the record."
)
ACCOMMODATION = (
    "In compliance with the Americans with Disabilities Act, if you need special assistance to "
    "participate in this meeting, including interpretation, please contact the City Clerk at "
    "(555) 010-2200 or clerk@example.gov at least 48 hours before the meeting."
)


# ------------------------------------------------------------------ command

@click.command("seed-demo")
@click.option("--if-empty", is_flag=True,
              help="Seed only when the database holds no body at all (used by `make run`).")
def seed_demo_command(if_empty):
    """Seed the demo city of Los Robles (idempotent)."""
    from app.meetings.models import Body

    if if_empty and db.session.scalar(sa.select(sa.func.count(Body.id))):
        click.echo("The database already holds data: demo city not seeded, nothing changed.")
        return
    if db.session.scalar(sa.select(Body.id).where(Body.slug == COUNCIL_SLUG)) is not None:
        click.echo(f"The demo city is already seeded (body '{COUNCIL_SLUG}' exists): nothing changed.")
        return
    with transaction():
        summary = seed_demo(now=utcnow(), upload_dir=current_app.config["UPLOAD_DIR"],
                            max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"])
    click.echo(f"Seeded the demo city of {CITY}: {summary['bodies']} bodies, "
               f"{summary['meetings']} meetings, {summary['attachments']} attachments.")
    click.echo("Demo staff accounts (demo data only):")
    click.echo(f"  clerk@example.gov / {DEMO_PASSWORD}  (clerk of both bodies)")
    click.echo(f"  chair@example.gov / {DEMO_PASSWORD}  (chair of the city council)")


# ------------------------------------------------------------------ the story

def local(day, hour, minute=0):
    """A local wall-clock time on `day`, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL).astimezone(UTC)


def next_weekday(after, weekday, min_days):
    """The first date with `weekday` (0 = Monday) at least `min_days` after `after`."""
    day = after + timedelta(days=min_days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def seed_demo(*, now, upload_dir, max_bytes):
    """Write the demo city; returns counts. The caller owns the transaction."""
    from app.accounts.services import create_user, grant_role
    from app.meetings import services

    today = now.astimezone(LOCAL).date()
    # Council meets on Tuesdays at 6 p.m.: the next one is 5-11 days away, so its
    # agenda can be posted well before the 72-hour Brown Act deadline.
    next_council = next_weekday(today, 1, 5)
    past_council = [next_council - timedelta(days=28), next_council - timedelta(days=14)]
    next_planning = next_weekday(today, 3, 6)  # Thursdays
    past_planning = next_planning - timedelta(days=28)
    founded = local(past_council[0] - timedelta(days=60), 9)

    council = services.create_body(slug=COUNCIL_SLUG, name=f"{CITY} City Council", timezone=TIMEZONE,
                                   rule_pack="us-ca-brown-act", comment_seconds=180, comment_policy="fifo",
                                   agenda_template=COUNCIL_TEMPLATE, default_thresholds=COUNCIL_THRESHOLDS,
                                   actor="system", now=founded)
    planning = services.create_body(slug=PLANNING_SLUG, name=f"{CITY} Planning Commission",
                                    timezone=TIMEZONE, rule_pack="us-ca-brown-act", comment_seconds=180,
                                    comment_policy="alternate", agenda_template=PLANNING_TEMPLATE,
                                    actor="system", now=founded)
    for body, members in ((council, COUNCIL_MEMBERS), (planning, PLANNING_MEMBERS)):
        for name, title, seat in members:
            services.add_member(body, name=name, title=title, seat=seat, actor="system", now=founded)

    clerk = create_user("clerk@example.gov", DEMO_PASSWORD, role="clerk", body=council,
                        name="Maria Delgado, City Clerk", now=founded)
    grant_role(clerk, planning, "clerk")
    create_user("chair@example.gov", DEMO_PASSWORD, role="chair", body=council,
                name="Elena Vasquez, Mayor", now=founded)

    story = Story(services, clerk, upload_dir, max_bytes)
    earlier = None
    for number, day in enumerate(past_council):
        earlier = story.council_meeting(council, day, held=True, approves=earlier,
                                        absent=("Priya Raman",) if number else ())
    story.council_meeting(council, next_council, held=False, now=now)
    story.planning_meeting(planning, past_planning, held=True)
    story.planning_meeting(planning, next_planning, held=False, now=now)
    story.draft_meeting(council, next_council + timedelta(days=14), now=now)
    story.cancelled_special_meeting(council, next_council + timedelta(days=2), now=now)
    return {"bodies": 2, "meetings": story.meetings, "attachments": story.attachments}


SPEAKERS = [
    ("Linda Park", "support"), ("Resident, District 3", "oppose"), ("Tom Brennan", "neutral"),
    ("Gloria Ruiz", "support"), ("Ahmed Siddiqui", "oppose"), ("Jenny Cho", "support"),
]


class Clock:
    """Minutes passing during a meeting, so each recorded step gets its own moment."""

    def __init__(self, start):
        self.now = start

    def __call__(self, minutes=0):
        self.now += timedelta(minutes=minutes)
        return self.now


class Story:
    """Builds meetings the way a clerk would, one dated step at a time."""

    def __init__(self, services, clerk, upload_dir, max_bytes):
        self.services = services
        self.clerk = clerk
        self.upload_dir = upload_dir
        self.max_bytes = max_bytes
        self.meetings = 0
        self.attachments = 0

    # -- building blocks ------------------------------------------------
    def _meeting(self, body, *, title, start, end, created, kind="regular"):
        self.meetings += 1
        return self.services.create_meeting(
            body, kind=kind, title=title, start_at=start, end_at=end, location=CHAMBERS,
            remote_url=REMOTE_URL, dial_in=DIAL_IN, remote_instructions=REMOTE_INSTRUCTIONS,
            accommodation_notice=ACCOMMODATION, actor=self.clerk, now=created)

    def _section(self, meeting, kind):
        return next(s for s in meeting.sections if s.kind.value == kind)

    def _items(self, meeting, kind, items, when):
        section = self._section(meeting, kind)
        for spec in items:
            spec = dict(spec)
            report = spec.pop("report", None)
            item = self.services.add_item(meeting, section_id=section.id, actor=self.clerk, now=when, **spec)
            if report:
                self._attach(item, report, when)

    def _attach(self, item, report, when):
        from app.meetings.attachments import add_attachment

        filename, title, html = report
        add_attachment(item, filename=filename, title=title, data=render_pdf(html),
                       upload_dir=self.upload_dir, max_bytes=self.max_bytes, actor=self.clerk, now=when)
        self.attachments += 1

    def _publish(self, meeting, when):
        from app.meetings.publishing import publish_agenda

        return publish_agenda(meeting, actor=self.clerk, now=when)

    def _hold(self, meeting, start, minutes, *, absent=(), no_votes=None, approves=None):
        """Run the meeting as the clerk records it: roll call, comment, motions, votes, minutes.

        `no_votes` maps an item title prefix to the members voting no; `approves` is an
        earlier meeting whose minutes this meeting's consent vote approves.
        """
        from app.minutes import services as proceedings

        clock = Clock(start + timedelta(minutes=1))
        proceedings.proceedings_action(meeting, action="call_to_order", actor=self.clerk, now=clock())
        members = list(meeting.body.members)
        for member in members:
            proceedings.record_attendance(meeting, member, status="absent" if member.name in absent else "present",
                                          actor=self.clerk, now=clock(1))
        present = [m for m in members if m.name not in absent]
        consent_motion = None
        for section in meeting.sections:
            kind = section.kind.value
            if kind == "consent" and section.items:
                self._comment(meeting, section.items, clock, speakers=0)
                consent_motion = self._vote(meeting, section.items[0], "Approve the consent calendar as presented.",
                                            present, clock)
            elif kind in ("public_hearing", "business"):
                for item in section.items:
                    self._comment(meeting, [item], clock, speakers=4 if kind == "public_hearing" else 2)
                    noes = next((names for prefix, names in (no_votes or {}).items()
                                 if item.title.startswith(prefix)), ())
                    self._vote(meeting, item, item.recommended_action, present, clock, noes=noes)
        proceedings.proceedings_action(meeting, action="adjourn", actor=self.clerk,
                                       now=max(clock(1), start + timedelta(minutes=minutes)))
        if approves is not None and consent_motion is not None:
            proceedings.approve_minutes(approves, approving_motion_id=consent_motion.id, actor=self.clerk,
                                        now=start + timedelta(minutes=minutes, hours=1))
        proceedings.save_revision(meeting, html=proceedings.draft_minutes(meeting), actor=self.clerk,
                                  now=start + timedelta(days=2))
        return meeting

    def _comment(self, meeting, items, clock, *, speakers):
        """Open and close public comment on each item, calling the speakers who signed up."""
        from app.live import services as live

        for item in items:
            if not item.accepts_public_comment:
                continue
            live.set_item(meeting, item_id=item.id, actor=self.clerk, now=clock(1))
            live.open_comment(meeting, item_id=item.id, actor=self.clerk, now=clock())
            for index in range(speakers):
                name, stance = SPEAKERS[(item.id + index) % len(SPEAKERS)]
                if index % 2:
                    live.join_queue(meeting, item_id=item.id, display_name=name, stance=stance, now=clock(1))
                else:
                    live.add_in_person(meeting, item_id=item.id, display_name=name, stance=stance,
                                       actor=self.clerk, now=clock(1))
            for _ in range(speakers):
                live.call_next(meeting, actor=self.clerk, now=clock(3))
            live.close_comment(meeting, actor=self.clerk, now=clock(3))

    def _vote(self, meeting, item, text, present, clock, *, noes=()):
        from app.minutes import services as proceedings

        mover, seconder = present[1], present[2]
        motion = proceedings.make_motion(meeting, item_id=item.id, text=text or "Approve.", mover_id=mover.id,
                                         seconder_id=seconder.id, actor=self.clerk, now=clock(1))
        votes = {m.id: ("no" if m.name in noes else "aye") for m in present}
        return proceedings.record_vote(motion, votes=votes, actor=self.clerk, now=clock(1))

    # -- the meetings ---------------------------------------------------
    def council_meeting(self, body, day, *, held, now=None, approves=None, absent=()):
        start, end = local(day, 18), local(day, 21)
        created = start - timedelta(days=12) if held else min(start - timedelta(days=12), now - timedelta(days=4))
        meeting = self._meeting(body, title="Regular Meeting of the City Council", start=start, end=end,
                                created=created)
        drafted = created + timedelta(hours=2)
        self._items(meeting, "consent", council_consent(day), drafted)
        self._items(meeting, "public_hearing", [COUNCIL_HEARING], drafted)
        self._items(meeting, "business", council_business(), drafted)
        if held:
            self._publish(meeting, start - timedelta(days=6, hours=1))
            return self._hold(meeting, start, 165, absent=absent, approves=approves,
                              no_votes={"Memorandum of Understanding": ("Marcus Chen",)})
        # Posted two days ago, then amended yesterday with a late-arriving item.
        posted = now - timedelta(days=2)
        self._publish(meeting, posted)
        self._items(meeting, "consent", [AMENDMENT_ITEM], now - timedelta(days=1, hours=2))
        self._publish(meeting, now - timedelta(days=1))
        return meeting

    def planning_meeting(self, body, day, *, held, now=None):
        start, end = local(day, 18, 30), local(day, 20, 30)
        created = start - timedelta(days=14) if held else min(start - timedelta(days=14), now - timedelta(days=3))
        meeting = self._meeting(body, title="Regular Meeting of the Planning Commission", start=start,
                                end=end, created=created)
        drafted = created + timedelta(hours=3)
        self._items(meeting, "consent", [{
            "title": "Approval of Minutes of the Previous Regular Planning Commission Meeting",
            "recommended_action": "Approve the minutes as presented.",
            "department": "Community Development", "accepts_public_comment": False, "estimated_minutes": 1,
        }], drafted)
        self._items(meeting, "public_hearing", [PLANNING_HEARING], drafted)
        self._items(meeting, "business", [PLANNING_STUDY_SESSION], drafted)
        self._publish(meeting, start - timedelta(days=5) if held else now - timedelta(hours=20))
        if held:
            self._hold(meeting, start, 110, no_votes={"Conditional Use Permit": ("James Whitfield",)})
        return meeting

    def cancelled_special_meeting(self, body, day, *, now):
        start = local(day, 17)
        meeting = self._meeting(body, kind="special", title="Special Meeting of the City Council: Closed Session",
                                start=start, end=local(day, 18), created=now - timedelta(days=3))
        self._items(meeting, "business", [{
            "title": "Conference with Labor Negotiators (Gov. Code §54957.6): Los Robles Police Officers' Association",
            "recommended_action": "No action expected; any reportable action will be announced.",
            "department": "Human Resources", "accepts_public_comment": True, "estimated_minutes": 45,
        }], now - timedelta(days=3) + timedelta(hours=1))
        self._publish(meeting, now - timedelta(days=2, hours=20))
        self.services.cancel_meeting(meeting, reason="Negotiations are postponed at the association's request.",
                                     actor=self.clerk, now=now - timedelta(hours=20))
        return meeting

    def draft_meeting(self, body, day, *, now):
        start = local(day, 18)
        meeting = self._meeting(body, title="Regular Meeting of the City Council", start=start,
                                end=local(day, 21), created=now - timedelta(hours=3))
        self._items(meeting, "consent", [{
            "title": "Approval of the Warrant Register",
            "recommended_action": "Approve the warrant register.", "department": "Finance",
            "fiscal_impact": "Payments as listed in the register.", "estimated_minutes": 1,
        }], now - timedelta(hours=2))
        self._items(meeting, "business", [{
            "title": "Fiscal Year 2026-27 Proposed Operating and Capital Budget Workshop",
            "body_html": "<p>Draft: the City Manager will present the proposed budget. Staff report to follow.</p>",
            "recommended_action": "Receive the presentation and provide direction.",
            "department": "City Manager's Office", "estimated_minutes": 60,
        }], now - timedelta(hours=2))
        return meeting


# ------------------------------------------------------------------ agenda content

def council_consent(day):
    previous = (day - timedelta(days=14)).strftime("%B %-d, %Y")
    return [
        {"title": f"Approval of Minutes of the Regular City Council Meeting of {previous}",
         "recommended_action": "Approve the minutes as presented.", "department": "City Clerk",
         "accepts_public_comment": False, "estimated_minutes": 1},
        {"title": "Ratification of the Warrant Register",
         "body_html": "<p>The warrant register lists all checks and electronic payments issued since "
                      "the last regular meeting, as required by Government Code §37208.</p>",
         "recommended_action": "Ratify the warrant register in the amount of $2,418,337.52.",
         "department": "Finance", "fiscal_impact": "Payments are within the adopted budget.",
         "estimated_minutes": 1},
        {"title": "Second Reading of Ordinance No. 2026-14 Amending Parking Restrictions Near Schools",
         "body_html": "<p>The ordinance amends Chapter 10.44 of the Municipal Code to add "
                      "<strong>school-day parking restrictions</strong> on four blocks near Mission "
                      "Elementary School. It was introduced at the previous meeting without changes.</p>",
         "recommended_action": "Adopt Ordinance No. 2026-14 by title only, waiving further reading.",
         "department": "Public Works", "fiscal_impact": "Signage: $4,200 from the Traffic Safety Fund.",
         "estimated_minutes": 2},
        {"title": "Award of Contract to Pacific Paving, Inc. for the 2026 Residential Resurfacing Project",
         "body_html": "<p>Seven bids were received. Pacific Paving, Inc. is the lowest responsive "
                      "and responsible bidder at $1,284,500.</p><ul><li>Engineer's estimate: "
                      "$1,410,000</li><li>Streets: 38 residential blocks in Districts 2 and 4</li></ul>",
         "recommended_action": "Award the contract and authorize a 10% construction contingency.",
         "department": "Public Works",
         "fiscal_impact": "$1,412,950 including contingency, funded by SB 1 Road Repair funds.",
         "estimated_minutes": 2,
         "report": ("staff-report-resurfacing.pdf", "Staff report: 2026 Residential Resurfacing",
                    staff_report_html(
                        "Award of Contract for the 2026 Residential Resurfacing Project",
                        "Public Works", "Award the contract to Pacific Paving, Inc. in the amount of "
                        "$1,284,500 and authorize a 10% construction contingency.",
                        ["The City received seven sealed bids on the bid opening date. The lowest "
                         "responsive and responsible bidder is Pacific Paving, Inc.",
                         "The project resurfaces 38 residential blocks selected by the pavement "
                         "management program, with curb ramps upgraded to current ADA standards."],
                        "$1,412,950 from SB 1 Road Maintenance and Rehabilitation Account funds."))},
        {"title": "Acceptance of a $15,000 Donation from the Friends of the Los Robles Library",
         "recommended_action": "Accept the donation for the summer reading program and appropriate the funds.",
         "department": "Library", "fiscal_impact": "Increases Library revenue and expenses by $15,000.",
         "estimated_minutes": 1},
    ]


COUNCIL_HEARING = {
    "title": "Ordinance Updating Accessory Dwelling Unit Regulations to Conform with State Law",
    "body_html": "<p>Recent state legislation limits how cities may regulate accessory dwelling units "
                 "(ADUs). The proposed ordinance updates Chapter 17.86 of the Zoning Code on:</p>"
                 "<ul><li>maximum unit size and height</li><li>setbacks and parking</li>"
                 "<li>permit review timelines (60 days)</li></ul>"
                 "<p>The Planning Commission recommended approval on a 5-0 vote.</p>",
    "recommended_action": "Hold the public hearing, then introduce the ordinance by title only.",
    "department": "Community Development",
    "fiscal_impact": "None; permit fees recover processing costs.",
    "estimated_minutes": 45,
    "report": ("staff-report-adu-ordinance.pdf", "Staff report: ADU ordinance update",
               None),
}
AMENDMENT_ITEM = {
    "title": "Proclamation Declaring the Second Week of Next Month Public Works Appreciation Week",
    "recommended_action": "Approve the proclamation.", "department": "City Clerk",
    "accepts_public_comment": False, "estimated_minutes": 1,
}


def council_business():
    return [
        {"title": "Memorandum of Understanding with County Transit for a Two-Year Microtransit Pilot",
         "body_html": "<p>The pilot would provide on-demand shared rides within city limits, "
                      "weekdays 6 a.m. to 9 p.m., at the standard $2.00 fare.</p>"
                      "<h3>Background</h3><p>The Council directed staff to explore first- and "
                      "last-mile options in the 2025 Mobility Plan.</p>",
         "recommended_action": "Authorize the City Manager to execute the memorandum of understanding.",
         "department": "Transportation", "fiscal_impact":
             "$380,000 per year, 60% reimbursed by a state Clean Mobility Options grant.",
         "estimated_minutes": 30,
         "report": ("staff-report-microtransit.pdf", "Staff report: microtransit pilot",
                    staff_report_html(
                        "Microtransit Pilot Program with County Transit", "Transportation",
                        "Authorize the City Manager to execute a two-year memorandum of understanding "
                        "with County Transit for an on-demand microtransit pilot.",
                        ["Residents in the eastern neighborhoods live more than half a mile from a "
                         "fixed-route bus stop. A shared, on-demand service would connect them to the "
                         "Mission Street transit center and the Civic Center.",
                         "County Transit would operate six accessible vehicles. The City would "
                         "review ridership, cost per trip and rider satisfaction quarterly."],
                        "$380,000 per year; a state grant reimburses 60%. The City's share is "
                        "included in the Measure T transportation fund."))},
        {"title": "Mid-Year Budget Report and Proposed Budget Adjustments",
         "body_html": "<p>General Fund revenues are tracking 2.1% above the adopted budget, led by "
                      "sales tax. Staff proposes adjustments for fire overtime and park maintenance.</p>",
         "recommended_action": "Receive the report and adopt the resolution approving the adjustments.",
         "department": "Finance", "fiscal_impact": "Net General Fund increase of $612,000.",
         "estimated_minutes": 25},
    ]


PLANNING_HEARING = {
    "title": "Conditional Use Permit 2026-07: Outdoor Dining at 415 Mission Street",
    "body_html": "<p>The applicant requests a conditional use permit for a 900 square-foot outdoor "
                 "dining patio. The project is categorically exempt from CEQA (Class 1).</p>",
    "recommended_action": "Hold the public hearing and adopt the resolution approving the permit, "
                          "subject to the conditions of approval.",
    "department": "Community Development", "fiscal_impact": "None.", "estimated_minutes": 30,
    "report": ("staff-report-cup-2026-07.pdf", "Staff report: CUP 2026-07",
               None),
}
PLANNING_STUDY_SESSION = {
    "title": "Study Session on Objective Design Standards for Multifamily Housing",
    "body_html": "<p>Staff will present draft objective design standards and ask for feedback "
                 "before the public review draft is released.</p>",
    "recommended_action": "Receive the presentation and provide feedback.",
    "department": "Community Development", "estimated_minutes": 40,
}


def _report_for(spec, heading, department):
    """Fill in a staff report for items that describe themselves well enough."""
    filename, title, html = spec["report"]
    if html is None:
        html = staff_report_html(heading, department, spec["recommended_action"],
                                 [_plain(spec["body_html"])], spec.get("fiscal_impact", "None."))
    return {**spec, "report": (filename, title, html)}


def _plain(html):
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# ------------------------------------------------------------------ PDFs

def staff_report_html(subject, department, recommendation, paragraphs, fiscal_impact):
    from html import escape

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Staff Report: {escape(subject)}</title>
<style>
  @page {{ size: Letter; margin: 2.2cm; @bottom-center {{ content: "Page " counter(page); font-size: 9pt; }} }}
  body {{ font-family: serif; font-size: 11pt; line-height: 1.4; }}
  h1 {{ font-size: 16pt; margin-bottom: 0; }} h2 {{ font-size: 12pt; margin-top: 1.2em; }}
  .meta {{ color: #333; font-size: 10pt; }}
</style></head>
<body>
  <p class="meta">City of {CITY} · Staff Report</p>
  <h1>{escape(subject)}</h1>
  <p class="meta">Department: {escape(department)}<br>Prepared by: {escape(department)} staff<br>
     Reviewed by: City Manager and City Attorney</p>
  <h2>Recommendation</h2><p>{escape(recommendation)}</p>
  <h2>Discussion</h2>{body}
  <h2>Fiscal impact</h2><p>{escape(fiscal_impact)}</p>
  <h2>Environmental review</h2><p>This action is not a project under the California Environmental
     Quality Act, or is exempt as stated above.</p>
</body></html>"""


@functools.lru_cache(maxsize=16)
def render_pdf(html):
    """A small, real PDF from an HTML string; nothing is fetched from outside."""
    from weasyprint import HTML

    def refuse(url, *args, **kwargs):
        raise ValueError(f"the demo staff reports load no external resources ({url})")

    return HTML(string=html, url_fetcher=refuse).write_pdf()


COUNCIL_HEARING = _report_for(COUNCIL_HEARING, "Accessory Dwelling Unit Ordinance Update",
                              "Community Development")
PLANNING_HEARING = _report_for(PLANNING_HEARING, "Conditional Use Permit 2026-07",
                               "Community Development")

"""Hostile text in every field the staff can fill, then every page in Chromium: nothing runs.

The corpus goes into every text field of bodies, members, users, meetings,
sections, items and attachments, through the same services the API and forms
use. Each page is loaded twice: once with the Content-Security-Policy bypassed,
to prove that escaping and sanitising alone stop every payload, and once with it
on, to prove the policy never even had to refuse anything.
"""
import io
from datetime import timedelta

import pytest

from tests.e2e.conftest import served, sign_in
from tests.e2e.live_server import LiveServer, require_database

PAYLOADS = [
    "<script>window.__xss=1</script>",
    "\"><script>window.__xss=2</script>",
    "'><img src=x onerror=\"window.__xss=3\">",
    "<img src=x onerror=window.__xss=4>",
    "<svg onload=window.__xss=5>",
    "\" autofocus onfocus=\"window.__xss=6\" x=\"",
    "' onmouseover='window.__xss=7' x='",
    "<a href=\"javascript:window.__xss=8\">link</a>",
    "</textarea><script>window.__xss=9</script>",
    "</title><script>alert('xss10')</script>",
    "<iframe src=\"javascript:alert(11)\"></iframe>",
    "<details open ontoggle=window.__xss=12>",
    "<body onload=window.__xss=13>",
    "tmpl{{7*7}}x ${7*7} {% if 1 %}jinja{% endif %}",
]
JS_URL = "javascript:window.__xss=20"
PASSWORD = "xss-test-password-123"


def groups(payloads, limit):
    """Pack payloads into strings of at most `limit` characters (a field's length limit)."""
    packed, current = [], ""
    for payload in payloads:
        if current and len(current) + 1 + len(payload) > limit:
            packed.append(current)
            current = ""
        current = f"{current} {payload}".strip()
    packed.append(current)
    return packed


TEXTS = groups(PAYLOADS, 200)
SHORT_TEXTS = groups(PAYLOADS, 100)  # for the 100-character member title and seat


def blank_pdf():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def first_accepted(create, *candidates):
    """Call create(value) with each candidate until the service accepts one."""
    from app.core.errors import ValidationFailed

    for value in candidates:
        try:
            return create(value)
        except ValidationFailed:
            continue
    raise AssertionError("no candidate was accepted")


def seed_hostile_data(server):
    """Write the corpus into the server's database through the services; returns the ids to visit."""
    from app import create_app
    from app.accounts.services import create_user, grant_role
    from app.core.db import transaction
    from app.core.time import utcnow
    from app.meetings import services
    from app.meetings.attachments import add_attachment
    from app.meetings.publishing import publish_agenda
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=server.database_url,
                     INSTANCE_DIR=server.instance_dir, UPLOAD_DIR=server.instance_dir / "uploads")
    pdf = blank_pdf()
    visit = {"meetings": [], "cancelled": [], "items": [], "bodies": []}
    now = utcnow()
    with app.app_context(), transaction():
        clerk = None
        for index, text in enumerate(TEXTS):
            body = services.create_body(
                slug=f"xss-{index}", name=text, timezone="America/Los_Angeles", rule_pack="us-ca-brown-act",
                agenda_template=[{"title": text, "kind": "consent"}, {"title": text, "kind": "business"}],
                actor="system", now=now)
            visit["bodies"].append(body.slug)
            for seat in range(2):
                short = SHORT_TEXTS[(2 * index + seat) % len(SHORT_TEXTS)]
                services.add_member(body, name=text, title=short, seat=short, actor="system", now=now)
            if clerk is None:
                clerk = create_user("clerk@example.gov", PASSWORD, role="clerk", body=body, name=text, now=now)
            else:
                grant_role(clerk, body, "clerk")

            def new_meeting(remote_url, days):
                return services.create_meeting(
                    body, kind="regular", title=text, start_at=now + timedelta(days=days),
                    location=text, remote_url=remote_url, dial_in=text, remote_instructions=text,
                    accommodation_notice=text, actor=clerk, now=now)

            meeting = first_accepted(lambda url: new_meeting(url, 10), JS_URL, text, "https://example.org/")
            section = services.add_section(meeting, title=text, kind="business", actor=clerk, now=now)
            items = []
            for section_id in (section.id, meeting.sections[0].id):
                items.append(services.add_item(
                    meeting, section_id=section_id, title=text, body_html=text, recommended_action=text,
                    department=text, fiscal_impact=text, estimated_minutes=5, actor=clerk, now=now))
            add_attachment(items[0], filename=f"{text}.pdf", title=text, data=pdf,
                           upload_dir=app.config["UPLOAD_DIR"], max_bytes=app.config["MAX_ATTACHMENT_BYTES"],
                           actor=clerk, now=now)
            publish_agenda(meeting, actor=clerk, now=now)
            # An amendment, so the version history and its diff render the corpus too.
            services.update_item(items[0], {"title": f"{text} (amended)",
                                            "recommended_action": TEXTS[(index + 1) % len(TEXTS)]},
                                 actor=clerk, now=now + timedelta(minutes=1))
            publish_agenda(meeting, actor=clerk, now=now + timedelta(minutes=1))
            visit["meetings"].append(meeting.id)
            visit["items"].append(items[0].id)

            cancelled = first_accepted(lambda url: new_meeting(url, 20), JS_URL, "https://example.org/")
            services.cancel_meeting(cancelled, reason=text, actor=clerk, now=now)
            visit["cancelled"].append(cancelled.id)
        visit["live"] = start_live_meeting(visit["meetings"][0], clerk, now + timedelta(minutes=2))
        draft = services.create_meeting(body, kind="special", title=TEXTS[0], start_at=now + timedelta(days=30),
                                        location=TEXTS[0], actor=clerk, now=now)
        visit["drafts"] = [draft.id]
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    return visit


def start_live_meeting(meeting_id, clerk, now):
    """Put the corpus on the live pages too: current item, speaker and queue names."""
    from app.core.errors import DomainError
    from app.live import services as live
    from app.meetings import services

    meeting = services.get_meeting(meeting_id)
    item = next(item for item in meeting.items if item.accepts_public_comment)
    services.change_status(meeting, "in_progress", actor=clerk, now=now)
    live.set_item(meeting, item_id=item.id, actor=clerk, now=now)
    live.open_comment(meeting, item_id=item.id, actor=clerk, now=now)
    for index, text in enumerate(SHORT_TEXTS):
        for candidate in (text[:60], text[:40]):  # 60: the sign-up form's limit on a typed name
            try:
                if index % 2:
                    live.join_queue(meeting, item_id=item.id, display_name=candidate, stance="oppose", now=now)
                else:
                    live.add_in_person(meeting, item_id=item.id, display_name=candidate, stance="support",
                                       actor=clerk, now=now)
                break
            except DomainError:
                continue
    live.call_next(meeting, actor=clerk, now=now)
    record_proceedings(meeting, item, clerk, now)
    return [meeting_id]


def record_proceedings(meeting, item, clerk, now):
    """The corpus in the record too: a motion's text, a recusal reason and the minutes."""
    from app.minutes import services as proceedings

    members = list(meeting.body.members)
    for member in members:
        proceedings.record_attendance(meeting, member, status="present", actor=clerk, now=now)
    proceedings.declare_recusal(meeting, item=item, member=members[-1], reason=TEXTS[0], actor=clerk, now=now)
    proceedings.make_motion(meeting, item_id=item.id, text=" ".join(TEXTS), mover_id=members[0].id,
                            actor=clerk, now=now)
    proceedings.save_revision(meeting, html=" ".join(f"<p>{text}</p>" for text in TEXTS), actor=clerk, now=now)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    require_database()
    server = LiveServer(tmp_path_factory.mktemp("xss-server"), label="e2e_xss")
    try:
        server.migrate()
        server.visit = seed_hostile_data(server)
        server.start()
        yield server
    finally:
        server.stop()
        server.drop_database()


def public_paths(visit):
    paths = ["/", "/meetings", "/login", f"/meetings?body={visit['bodies'][0]}"]
    for meeting_id in visit["meetings"]:
        paths += [f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/versions",
                  f"/meetings/{meeting_id}/versions/2", f"/meetings/{meeting_id}/compliance"]
    for meeting_id in visit["cancelled"]:
        paths += [f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/compliance"]
    for meeting_id in visit["live"]:
        paths += [f"/meetings/{meeting_id}/comment", f"/meetings/{meeting_id}/display",
                  f"/meetings/{meeting_id}/minutes"]
    return paths


def staff_paths(visit):
    paths = ["/staff", "/staff/meetings/new"]
    paths += [f"/staff/meetings/{meeting_id}/agenda"
              for meeting_id in visit["meetings"] + visit["cancelled"][:1] + visit["drafts"]]
    paths += [f"/staff/items/{item_id}/edit" for item_id in visit["items"]]
    paths += [f"/staff/items/{item_id}/delete" for item_id in visit["items"][:1]]
    for meeting_id in visit["live"]:
        paths += [f"/staff/meetings/{meeting_id}/live", f"/staff/meetings/{meeting_id}/proceedings",
                  f"/staff/meetings/{meeting_id}/minutes"]
    return paths


INSPECT_DOM = """() => {
  const found = [];
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName} has handler ${name}="${attr.value}"`);
      if (urlAttributes.includes(name) && value.startsWith('javascript:'))
        found.push(`${el.tagName} ${name}="${attr.value}"`);
    }
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (el.tagName === 'SCRIPT' && !el.src && !type.includes('json')) found.push('inline script: ' + el.textContent.slice(0, 80));
    if (['IFRAME', 'OBJECT', 'EMBED', 'SVG', 'DETAILS'].includes(el.tagName.toUpperCase()) && el.closest('main'))
      if (el.tagName.toUpperCase() !== 'DETAILS' || el.hasAttribute('ontoggle')) found.push('injected element ' + el.tagName);
  }
  const globals = Object.keys(window).filter(k => k.startsWith('__xss')).map(k => `${k}=${window[k]}`);
  return {found, globals, violations: window.__cspViolations || []};
}"""
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
"""


def inspect_pages(browser, server, *, bypass_csp):
    context = browser.new_context(bypass_csp=bypass_csp)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    problems = []
    try:
        page = context.new_page()
        dialogs, console = [], []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: console.append(message.text))
        page.on("pageerror", lambda error: console.append(f"page error: {error}"))

        def check(path):
            dialogs.clear()
            console.clear()
            response = page.goto(server.url + path)
            if response.status != 200:
                problems.append(f"{path}: HTTP {response.status}")
            page.wait_for_load_state("load")
            # Let any onload/onerror/ontoggle handler have its chance; live pages render over the socket.
            page.wait_for_timeout(1500 if path.endswith(("/comment", "/display", "/live")) else 50)
            result = page.evaluate(INSPECT_DOM)
            html = page.content()
            for issue in result["found"]:
                problems.append(f"{path}: {issue}")
            if result["globals"]:
                problems.append(f"{path}: payload ran: {result['globals']}")
            if dialogs:
                problems.append(f"{path}: dialog opened: {dialogs}")
            if "tmpl49x" in html:
                problems.append(f"{path}: template injection rendered {{{{7*7}}}} as 49")
            if not bypass_csp:
                csp = [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m]
                if csp or result["violations"]:
                    problems.append(f"{path}: the CSP had to step in: {csp + result['violations']}")

        for path in filter(served, public_paths(server.visit)):
            check(path)
        sign_in(page, server, "clerk@example.gov", PASSWORD)
        for path in filter(served, staff_paths(server.visit)):
            check(path)
    finally:
        context.close()
    return problems


def test_inspection_sees_a_payload_that_runs(browser):
    """Guard against a vacuous pass: unescaped payloads on a page are all caught."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.dismiss())
        page.set_content("<main>" + " ".join(PAYLOADS) + "</main>")
        page.wait_for_timeout(100)
        result = page.evaluate(INSPECT_DOM)
        assert result["globals"], "the payloads should have run on this unescaped page"
        assert any("onerror" in issue for issue in result["found"])
        assert any("javascript:" in issue for issue in result["found"])
        assert any("inline script" in issue for issue in result["found"])
    finally:
        context.close()


def test_corpus_reaches_the_pages(browser, hostile_server):
    """Guard against a vacuous pass: the hostile text is on the pages, as text."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{hostile_server.url}/meetings/{hostile_server.visit['meetings'][0]}")
        text = page.inner_text("main")
        assert "<script>window.__xss=1</script>" in text
        # The live display draws the speaker's typed name from the socket state, as text.
        page.goto(f"{hostile_server.url}/meetings/{hostile_server.visit['live'][0]}/display")
        page.wait_for_function("() => document.querySelector('main').innerText.includes('window.__xss')",
                               timeout=10_000)
    finally:
        context.close()


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["escaping-alone", "with-csp"])
def test_nothing_in_the_corpus_executes(browser, hostile_server, bypass_csp):
    problems = inspect_pages(browser, hostile_server, bypass_csp=bypass_csp)
    if problems:
        print("\n".join(problems))
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])

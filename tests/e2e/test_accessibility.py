"""axe-core in Chromium: no serious or critical WCAG violation on the public and staff pages.

Run on the demo city, at a desktop width and at a 375 px phone width.
"""
import json

import pytest

from tests.e2e.conftest import AXE_PATH, DESKTOP, PHONE, query, served, sign_in

SEVERE = {"serious", "critical"}
# Moderate by axe's measure, but a screen reader's list of landmarks with two of one
# name cannot tell them apart: held to zero as well.
ALSO_REFUSED = {"landmark-unique"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                       "best-practice"]},
               "resultTypes": ["violations"]}


def public_paths(server):
    (published,) = query(server, "SELECT id FROM meetings WHERE status = 'published' "
                                 "ORDER BY start_at LIMIT 1")
    (adjourned,) = query(server, "SELECT id FROM meetings WHERE status = 'adjourned' "
                                 "ORDER BY start_at DESC LIMIT 1")
    amended = query(server, "SELECT meeting_id FROM agenda_versions WHERE number = 2 LIMIT 1")
    paths = ["/", "/meetings", f"/meetings/{published.id}", f"/meetings/{published.id}/versions",
             f"/meetings/{published.id}/compliance", f"/meetings/{published.id}/comment",
             f"/meetings/{published.id}/display", f"/meetings/{adjourned.id}",
             f"/meetings/{adjourned.id}/minutes", "/login"]
    member = query(server, "SELECT member_id FROM minutes_votes LIMIT 1")
    if member:
        paths.append(f"/members/{member[0].member_id}/votes")
    if amended:
        paths.append(f"/meetings/{amended[0].meeting_id}/versions/2")
    return paths


def staff_paths(server):
    (draft,) = query(server, "SELECT id FROM meetings WHERE status = 'draft' LIMIT 1")
    (published,) = query(server, "SELECT id FROM meetings WHERE status = 'published' "
                                 "ORDER BY start_at LIMIT 1")
    (adjourned,) = query(server, "SELECT id FROM meetings WHERE status = 'adjourned' "
                                 "ORDER BY start_at DESC LIMIT 1")
    (item,) = query(server, "SELECT i.id FROM agenda_items i JOIN attachments a ON a.item_id = i.id "
                            "JOIN meetings m ON m.id = i.meeting_id WHERE m.status = 'published' LIMIT 1")
    return ["/staff", "/staff/bodies", "/staff/bodies/city-council/settings", "/staff/meetings/new",
            f"/staff/meetings/{draft.id}/agenda",
            f"/staff/meetings/{published.id}/agenda", f"/staff/items/{item.id}/edit",
            f"/staff/meetings/{published.id}/live", f"/staff/meetings/{adjourned.id}/proceedings",
            f"/staff/meetings/{adjourned.id}/minutes"]


def axe_violations(page):
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in result["violations"] if v.get("impact") in SEVERE or v["id"] in ALSO_REFUSED]


def describe(path, violations):
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"][:5]]
        lines.append(f"{path}: [{v['impact']}] {v['id']}: {v['help']} -> {targets}\n"
                     f"    {v['nodes'][0].get('failureSummary', '')[:300]}")
    return "\n".join(lines)


def audit(page, server, paths):
    problems = []
    for path in filter(served, paths):
        response = page.goto(server.url + path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        if path.endswith(("/comment", "/display", "/live")):
            page.wait_for_timeout(1000)  # audit what the socket state has drawn, not an empty shell
        violations = axe_violations(page)
        if violations:
            problems.append(describe(path, violations))
    return problems


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone-375"])
def test_public_and_staff_pages_have_no_serious_violations(browser, demo_server, viewport):
    # axe is injected as a script tag, which the strict CSP rightly refuses; bypass it for the audit only.
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    try:
        page = context.new_page()
        problems = audit(page, demo_server, public_paths(demo_server))
        sign_in(page, demo_server, "clerk@example.gov")
        problems += audit(page, demo_server, staff_paths(demo_server))
    finally:
        context.close()
    if problems:
        print("\n".join(problems))
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


def test_phone_layout_does_not_scroll_sideways(browser, demo_server):
    """WCAG 1.4.10 (reflow): at 375 px nothing needs horizontal scrolling."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        wide = []
        for path in filter(served, public_paths(demo_server)):
            page.goto(demo_server.url + path)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                wide.append(f"{path}: {overflow}px too wide")
    finally:
        context.close()
    assert not wide, json.dumps(wide, indent=1)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_header_links_and_the_skip_link_are_thumb_sized_on_a_phone(browser, demo_server, lang):
    """WCAG 2.5.5: at 360 px the skip link, the home link and every header link or button
    are at least 44 by 44 CSS pixels (they were 43 px tall, the home link 55x34)."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(f"{demo_server.url}/meetings?lang={lang}")
        page.focus(".skip-link")  # shown only while focused
        sizes = page.evaluate("""() => [...document.querySelectorAll(
                ".skip-link, .site-header a, .site-header button")].map(el => {
            const box = el.getBoundingClientRect();
            return [el.textContent.trim(), Math.round(box.width * 10) / 10, Math.round(box.height * 10) / 10]; })""")
    finally:
        context.close()
    assert len(sizes) >= 5, sizes  # skip link, Dais, Meetings, Staff sign-in, the other language
    small = [size for size in sizes if size[1] < 44 or size[2] < 44]
    assert not small, small

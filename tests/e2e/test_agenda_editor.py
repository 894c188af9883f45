"""The agenda builder's drag and drop in Chromium: one PUT of the whole order, announced live."""
from tests.e2e.conftest import query, sign_in

# Tall enough that source and target are both on screen: a synthetic drag cannot scroll.
TALL = {"width": 1280, "height": 2400}

ORDER_SQL = ("SELECT i.id, i.section_id FROM agenda_items i JOIN agenda_sections s ON s.id = i.section_id "
             "WHERE i.meeting_id = :m ORDER BY s.position, i.position")


def draft_with_items(server):
    (draft,) = query(server, "SELECT m.id FROM meetings m WHERE m.status = 'draft' AND "
                             "(SELECT count(*) FROM agenda_items i WHERE i.meeting_id = m.id) >= 2 LIMIT 1")
    return draft.id


def test_drag_and_drop_saves_the_new_order(browser, demo_server):
    meeting_id = draft_with_items(demo_server)
    before = query(demo_server, ORDER_SQL, m=meeting_id)
    first, last = before[0], before[-1]
    context = browser.new_context(viewport=TALL)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, demo_server, "clerk@example.gov")
        page.goto(f"{demo_server.url}/staff/meetings/{meeting_id}/agenda")
        assert page.is_visible(f"#item-{last.id} .drag-handle")  # the script ran under the strict CSP
        page.drag_and_drop(f"#item-{last.id} .editor-item-head", f"#item-{first.id} .editor-item-head")
        page.wait_for_function(
            "() => document.getElementById('order-status').textContent.indexOf('saved') >= 0", timeout=10000)
        assert page.get_attribute("#order-status", "aria-live") == "polite"
        number = page.inner_text(f"#item-{last.id} [data-role=number]")
        assert number.endswith(".a")
        assert not errors
    finally:
        context.close()
    after = query(demo_server, ORDER_SQL, m=meeting_id)
    assert after[0].id == last.id and after[0].section_id == first.section_id


def test_a_refused_order_is_put_back(browser, demo_server):
    meeting_id = draft_with_items(demo_server)
    before = query(demo_server, ORDER_SQL, m=meeting_id)
    first, last = before[0], before[-1]
    context = browser.new_context(viewport=TALL)
    try:
        page = context.new_page()
        sign_in(page, demo_server, "clerk@example.gov")
        page.route("**/items/order", lambda route: route.fulfill(
            status=409, content_type="application/json",
            body='{"error": {"code": "invalid_state", "message": "The agenda is locked."}}'))
        page.goto(f"{demo_server.url}/staff/meetings/{meeting_id}/agenda")
        ids_before = page.eval_on_selector_all("li[data-item-id]", "els => els.map(e => e.id)")
        page.drag_and_drop(f"#item-{last.id} .editor-item-head", f"#item-{first.id} .editor-item-head")
        page.wait_for_function(
            "() => document.getElementById('order-status').textContent.indexOf('locked') >= 0", timeout=10000)
        assert page.eval_on_selector_all("li[data-item-id]", "els => els.map(e => e.id)") == ids_before
    finally:
        context.close()
    assert query(demo_server, ORDER_SQL, m=meeting_id) == before


def test_an_item_can_be_dropped_into_an_empty_section(browser, demo_server):
    meeting_id = draft_with_items(demo_server)
    item = query(demo_server, ORDER_SQL, m=meeting_id)[0]
    (empty,) = query(demo_server, "SELECT s.id FROM agenda_sections s WHERE s.meeting_id = :m AND NOT EXISTS "
                                  "(SELECT 1 FROM agenda_items i WHERE i.section_id = s.id) "
                                  "ORDER BY s.position LIMIT 1", m=meeting_id)
    context = browser.new_context(viewport=TALL)
    try:
        page = context.new_page()
        sign_in(page, demo_server, "clerk@example.gov")
        page.goto(f"{demo_server.url}/staff/meetings/{meeting_id}/agenda")
        target = f'ol[data-section-id="{empty.id}"]'
        assert page.eval_on_selector(target, "el => el.getBoundingClientRect().height") > 10
        page.drag_and_drop(f"#item-{item.id} .editor-item-head", target)
        page.wait_for_function(
            "() => document.getElementById('order-status').textContent.indexOf('saved') >= 0", timeout=10000)
    finally:
        context.close()
    (moved,) = query(demo_server, "SELECT section_id FROM agenda_items WHERE id = :i", i=item.id)
    assert moved.section_id == empty.id

"""Agenda content checks run at publish time, on the agenda snapshot (plain JSON).

Pure: the snapshot and a rule pack in, a list of JSON-safe results out. Each
result names its rule, its citation, its severity and what it found, so the
compliance log holds the evidence and the report page can show it.
"""
import re

from app.compliance.rules import BLOCK, CONTENT, get_pack

_TAG = re.compile(r"<[^>]+>")


def word_count(text):
    return len(_TAG.sub(" ", text or "").split())


def _items(content):
    for section in content.get("sections", []):
        yield from section.get("items", [])


def _item_titles(content, rule):
    untitled = [item.get("number") for item in _items(content) if not (item.get("title") or "").strip()]
    return not untitled, {"untitled_items": untitled}


def _accommodation_notice(content, rule):
    notice = (content.get("meeting", {}).get("accommodation_notice") or "").strip()
    return bool(notice), {"present": bool(notice)}


def _remote_instructions(content, rule):
    meeting = content.get("meeting", {})
    found = [name for name in ("remote_instructions", "remote_url", "dial_in")
             if (meeting.get(name) or "").strip()]
    return bool(found), {"present": found}


def _description_words(content, rule):
    limit = rule.params["max_words"]
    too_long = [{"number": item.get("number"), "words": word_count(item.get("title"))}
                for item in _items(content) if word_count(item.get("title")) > limit]
    return not too_long, {"max_words": limit, "too_long": too_long}


CHECKS = {
    "item_titles": _item_titles,
    "accommodation_notice": _accommodation_notice,
    "remote_instructions": _remote_instructions,
    "description_words": _description_words,
}


def check_agenda(content, pack_id):
    """Run every content rule of the pack; returns one result dict per rule."""
    results = []
    for rule in get_pack(pack_id).rules_for(CONTENT):
        passed, details = CHECKS[rule.params["check"]](content, rule)
        results.append({**rule.as_evidence(), "summary": rule.summary, "passed": passed,
                        "details": details})
    return results


def blocking_failures(results):
    return [result for result in results if not result["passed"] and result["severity"] == BLOCK]

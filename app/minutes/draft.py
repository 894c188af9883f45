"""The minutes draft, written from the meeting's record (pure: plain data in, HTML out).

The HTML uses only tags the sanitizer keeps, one block per line, so the clerk's
edits diff cleanly line by line. `_` translates the fixed wording and `ngettext`
the wording that depends on a count (one speaker, two speakers).
"""
from html import escape


def N_(text):
    """Marks wording kept in a table for translation where it is used (`_(table[key])`):
    the extractor finds it here (`make messages` and the i18n test know this name)."""
    return text


EVENT_WORDS = {
    "call_to_order": N_("The meeting was called to order at {time}."),
    "recess": N_("The meeting recessed at {time}."),
    "reconvene": N_("The meeting reconvened at {time}."),
    "adjourn": N_("The meeting was adjourned at {time}."),
    "remote_access_down": N_("Remote public access was reported down at {time}."),
    "remote_access_restored": N_("Remote public access was restored at {time}."),
    "closed_session": N_("The body went into closed session at {time}."),
    "closed_session_report": N_("The body returned from closed session at {time} and reported:"),
}
VOTE_WORDS = {"aye": N_("Aye"), "no": N_("No"), "abstain": N_("Abstain"), "absent": N_("Absent"),
              "recused": N_("Recused")}
RESULT_WORDS = {"adopted": N_("Adopted"), "failed": N_("Failed"), None: N_("Not voted")}
THRESHOLD_WORDS = {"majority_of_votes_cast": N_("majority of votes cast"),
                   "majority_of_full_body": N_("majority of the full body"), "two_thirds": N_("two-thirds")}
KIND_WORDS = {"main": N_("Motion"), "amendment": N_("Amendment"), "substitute": N_("Substitute motion"),
              "table": N_("Motion to table"), "reconsider": N_("Motion to reconsider")}
# How a comment period ran, keyed by (opened again, a limit for the whole period). The
# common case, closed by the chair with the time per speaker unchanged, is one sentence.
PERIOD_OPENED_AND_CLOSED = {
    (False, False): N_("Public comment opened at {opened} with {per_speaker} per speaker and closed at {closed}."),
    (False, True): N_("Public comment opened at {opened} with {per_speaker} per speaker and a limit of {period} "
                      "for the period, and closed at {closed}."),
    (True, False): N_("Public comment opened again at {opened} with {per_speaker} per speaker and closed at "
                      "{closed}."),
    (True, True): N_("Public comment opened again at {opened} with {per_speaker} per speaker and a limit of "
                     "{period} for the period, and closed at {closed}."),
}
PERIOD_OPENED = {
    (False, False): N_("Public comment opened at {opened} with {per_speaker} per speaker."),
    (False, True): N_("Public comment opened at {opened} with {per_speaker} per speaker and a limit of {period} "
                      "for the period."),
    (True, False): N_("Public comment opened again at {opened} with {per_speaker} per speaker."),
    (True, True): N_("Public comment opened again at {opened} with {per_speaker} per speaker and a limit of "
                     "{period} for the period."),
}
# The chair's warnings, removals and reinstatements, each with the reason the chair gave.
CONDUCT_WORDS = {
    "warned": N_("The chair warned {name} at {time}: {reason}"),
    "removed_after_warning": N_("The chair removed {name} at {time}, after a warning at {warned}: {reason}"),
    "removed_for_threat": N_("The chair removed {name} at {time} without a prior warning, for a use of force or a "
                             "true threat of force: {reason}"),
    "removed": N_("The chair removed {name} at {time} without a prior warning: {reason}"),
    "reinstated": N_("The chair reinstated {name} at {time}, undoing the removal: {reason}"),
}
STANCES = ("support", "oppose", "neutral", "unstated")
MIDDLE = ("recess", "reconvene", "remote_access_down", "remote_access_restored", "closed_session",
          "closed_session_report")


def _identity(text):
    return text


def _english_plural(singular, plural, n):
    return singular if n == 1 else plural


def render(record, _=_identity, ngettext=_english_plural):
    """HTML minutes from `record` (see services.minutes_record for its shape)."""
    e = escape
    lines = [f"<h3>{e(record['body'])}: {e(record['title'])}</h3>",
             f"<p>{e(record['date'])}{(' — ' + e(record['location'])) if record.get('location') else ''}</p>"]
    for part in record.get("comment_before_order", []):
        label = f"{part['number']}. {part['title']}" if part["number"] else part["title"]
        heading = (_("Public comment on {item}").format(item=label) if part["item_id"]
                   else _("Public comment on non-agenda items"))
        lines.append(f"<h4>{e(heading)}</h4>")
        lines += _speakers(part["speakers"], _, ngettext)
    lines += _events(record["events"], ("call_to_order",), _)
    lines += _attendance(record, _)
    # A recess, a remote-access report or a closed session is written where it happened:
    # after the part of the meeting under way then (before any, here).
    general = bool(record.get("general_comment"))
    places = {item["item_id"] for item in record["items"]} | ({"general"} if general else set())
    lines += _events([ev for ev in record["events"] if ev.get("place") not in places], MIDDLE, _)
    # General comment goes after the part of the meeting under way when it was first
    # opened (`general_comment_place`; None: here, after the roll call).
    general_place = record.get("general_comment_place")
    if general_place not in {item["item_id"] for item in record["items"]}:
        general_place = None
    if general and general_place is None:
        lines += _general_comment(record, _, ngettext)
    for item in record["items"]:
        lines += _item(item, _, ngettext)
        lines += _events([ev for ev in record["events"] if ev.get("place") == item["item_id"]], MIDDLE, _)
        if general and general_place == item["item_id"]:
            lines += _general_comment(record, _, ngettext)
    lines += _events(record["events"], ("adjourn",), _)
    return "\n".join(lines) + "\n"


def _general_comment(record, _, ngettext):
    heading = _("Public comment on non-agenda items")
    return ([f"<h4>{escape(heading)}</h4>"] + _speakers(record["general_comment"], _, ngettext)
            + _events([ev for ev in record["events"] if ev.get("place") == "general"], MIDDLE, _))


def _sentence(note):
    """The clerk's note as a sentence of the minutes: it follows one ("…at 7:00 PM."),
    so it ends like one too, unless the clerk already ended it."""
    note = note.strip()
    return note if not note or note[-1] in ".!?…:;)\"'”’" else note + "."


def _events(events, kinds, _):
    lines = []
    for ev in events:
        if ev["kind"] not in kinds:
            continue
        words = EVENT_WORDS[ev["kind"]]
        lines.append(f"<p>{escape(_(words).format(time=ev['time']))}"
                     f"{(' ' + escape(_sentence(ev['note']))) if ev.get('note') else ''}</p>")
        if ev.get("items"):
            lines.append("<ul>")
            lines += [f"<li>{escape(item)}</li>" for item in ev["items"]]
            lines.append("</ul>")
    return lines


def _attendance(record, _):
    heading = _("Roll call")
    lines = [f"<h4>{escape(heading)}</h4>", "<ul>"]
    for person in record["attendance"]:
        if person["status"] == "present":
            how = _("present remotely") if person["mode"] == "remote" else _("present in person")
            if person["mode"] == "remote" and person.get("remote_basis"):
                how += f" ({person['remote_basis']})"
        elif person["status"] == "not_recorded":
            how = _("attendance not recorded")
        elif person.get("left"):
            # Recorded present, then left: present for part of the meeting, not absent.
            how = _("present until {time}").format(time=person["left"])
        else:
            how = _("absent")
        extra = []
        if person.get("late") and person.get("arrived"):
            extra.append(_("arrived at {time}").format(time=person["arrived"]))
        if person.get("left") and person["status"] == "present":
            extra.append(_("left at {time}").format(time=person["left"]))
        suffix = f"; {', '.join(extra)}" if extra else ""
        lines.append(f"<li>{escape(person['title'])} {escape(person['name'])}: {escape(how)}{escape(suffix)}</li>")
    lines.append("</ul>")
    q = record["quorum"]
    word = _("A quorum was present") if q["has_quorum"] else _("No quorum was present")
    of, needed = _("of"), _("{needed} needed").format(needed=q["needed"])
    lines.append(f"<p>{escape(word)} ({q['present']} {escape(of)} {q['seats']}; {escape(needed)}).</p>")
    return lines


def _speakers(speakers, _, ngettext):
    # The wording is called outside f-strings: Babel's extractor does not look inside them.
    lines = _periods(speakers, _, ngettext)
    if not speakers["total"]:
        none = _("No public speakers.")
        return lines + [f"<p>{escape(none)}</p>"] + _beyond_the_speakers(speakers, _, ngettext)
    words = {"support": _("support"), "oppose": _("oppose"), "neutral": _("neutral"), "unstated": _("no position given")}
    stance = ", ".join(f"{speakers[s]} {words[s]}" for s in STANCES if speakers.get(s))
    text = ngettext("{total} public speaker ({in_person} in person, {remote} remote): {stances}.",
                    "{total} public speakers ({in_person} in person, {remote} remote): {stances}.",
                    speakers["total"]).format(
        total=speakers["total"], in_person=speakers["in_person"], remote=speakers["remote"], stances=stance)
    lines.append(f"<p>{escape(text)}</p>")
    names = speakers.get("names") or []
    if names:
        label = ngettext("Speaker who gave a name:", "Speakers who gave a name:", len(names))
        lines.append(f"<p>{escape(label)} {escape(', '.join(names))}</p>")
    return lines + _time_given(speakers, _, ngettext) + _beyond_the_speakers(speakers, _, ngettext)


def _periods(speakers, _, ngettext):
    """Each comment period as the clerk writes it: when it opened, with the time per
    speaker (and the period's own limit, if one was set), each change of that time, and
    when it closed. One paragraph a period, in the order they were held."""
    lines = []
    for index, period in enumerate(speakers.get("periods") or []):
        key = (index > 0, bool(period.get("period_seconds")))
        values = {"opened": period["opened"], "closed": period.get("closed"),
                  "per_speaker": _duration(period["seconds_per_speaker"] or 0, ngettext),
                  "period": _duration(period.get("period_seconds") or 0, ngettext)}
        changes = period.get("changes") or []
        if period.get("closed") and not changes and not period.get("closed_reason"):
            lines.append(f"<p>{escape(_(PERIOD_OPENED_AND_CLOSED[key]).format(**values))}</p>")
            continue
        sentences = [_(PERIOD_OPENED[key]).format(**values)]
        for change in changes:
            sentences.append(_("The time per speaker was changed to {per_speaker} at {time}.").format(
                per_speaker=_duration(change["seconds_per_speaker"] or 0, ngettext), time=change["at"]))
        if not period.get("closed"):
            sentences.append(_("Public comment is still open."))
        elif period.get("closed_reason") == "adjourned":
            sentences.append(_("Public comment closed at {time}, when the meeting was adjourned.").format(
                time=period["closed"]))
        else:
            sentences.append(_("Public comment closed at {time}.").format(time=period["closed"]))
        lines.append(f"<p>{escape(' '.join(sentences))}</p>")
    return lines


def _time_given(speakers, _, ngettext):
    """"Time per speaker: 2 minutes" (", then 1 minute 30 seconds" after a change), and
    the longer time of those who spoke through an interpreter. Where the record has the
    comment periods, they already say the time per speaker: only the longer time is added."""
    limits = speakers.get("seconds_per_speaker") or []
    multiple = speakers.get("interpreter_multiple")
    longer = _("Speakers who used an interpreter had {multiple} times as long.").format(multiple=multiple)
    if speakers.get("periods"):
        return [f"<p>{escape(longer)}</p>"] if multiple else []
    if not limits:
        return []
    durations = [_duration(seconds, ngettext) for seconds in limits]
    text = _("Time per speaker: {time}.").format(time=_(", then ").join(durations))
    if multiple:
        text += " " + longer
    return [f"<p>{escape(text)}</p>"]


def _duration(seconds, ngettext):
    minutes, rest = divmod(seconds, 60)
    parts = [ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)] if minutes else []
    if rest or not minutes:
        parts.append(ngettext("{n} second", "{n} seconds", rest).format(n=rest))
    return " ".join(parts)


def _beyond_the_speakers(speakers, _, ngettext):
    """Those who asked to speak and are not counted as speakers, each in a sentence, and
    the chair's warnings, removals and reinstatements."""
    conduct = _conduct(speakers, _) if "conduct" in speakers else _removed(speakers, ngettext)
    return _untimed(speakers, ngettext) + conduct + _not_heard(speakers, ngettext)


def _conduct(speakers, _):
    """Each warning, removal and reinstatement, in order, with when and the reason the
    chair gave: a removal says whether a warning came first, and when. The participant
    is "Speaker <number>", their place in the sign-up order as the log and the display
    give it, never the name they typed: that is unverified (anyone may type anyone's),
    and the chair may have hidden it."""
    lines = []
    for act in speakers.get("conduct") or []:
        kind = act["kind"]
        if kind == "removed":
            kind = ("removed_after_warning" if act.get("warned_at") else
                    "removed_for_threat" if act.get("threat") else "removed")
        name = _("Speaker %(number)s") % {"number": act.get("number")}
        text = _(CONDUCT_WORDS[kind]).format(name=name, time=act["at"], warned=act.get("warned_at"),
                                             reason=_sentence(act.get("reason") or ""))
        lines.append(f"<p>{escape(text)}</p>")
    return lines


def _not_heard(speakers, ngettext):
    count = speakers.get("not_heard") or 0
    # Not "when public comment ended" where it never began: that would read as if
    # comment had been held on the item.
    if speakers.get("not_heard_reason") == "comment_not_opened":
        return _counted(count, ngettext(
            "{count} person asked to speak but was not heard: public comment on this was not opened.",
            "{count} people asked to speak but were not heard: public comment on this was not opened.",
            count))
    # Skipped by the chair and not recalled is not the same as never reached: said apart.
    skipped = speakers.get("not_heard_skipped") or 0
    waiting = count - skipped
    return _counted(waiting, ngettext(
        "{count} person asked to speak but was not heard: still in line when public comment ended.",
        "{count} people asked to speak but were not heard: still in line when public comment ended.",
        waiting)) + _counted(skipped, ngettext(
            "{count} person asked to speak but was not heard: skipped by the chair and not recalled "
            "before public comment ended.",
            "{count} people asked to speak but were not heard: skipped by the chair and not recalled "
            "before public comment ended.", skipped))


def _untimed(speakers, ngettext):
    return _counted(speakers.get("untimed"), ngettext(
        "{count} person was called, but the turn ended before its time was started: not counted as a speaker.",
        "{count} people were called, but their turns ended before their time was started: "
        "not counted as speakers.", speakers.get("untimed") or 0))


def _removed(speakers, ngettext):
    # Not named here: the compliance log keeps who was removed, by whom and why.
    return _counted(speakers.get("removed"), ngettext(
        "{count} participant was removed by the chair (the compliance log gives the reason).",
        "{count} participants were removed by the chair (the compliance log gives the reasons).",
        speakers.get("removed") or 0))


def _counted(count, words):
    """A paragraph of `words` (already made singular or plural for `count`), if any."""
    return [f"<p>{escape(words.format(count=count))}</p>"] if count else []


def _item(item, _, ngettext):
    lines = [f"<h4>{escape(item['number'])}. {escape(item['title'])}</h4>"]
    for recusal in item.get("recusals", []):
        text = _("{name} recused: {reason}").format(name=recusal["name"], reason=recusal["reason"])
        lines.append(f"<p>{escape(text)}</p>")
    if item.get("speakers") is not None:
        lines += _speakers(item["speakers"], _, ngettext)
    for motion in item.get("motions", []):
        lines += _motion(motion, _)
    return lines


def _motion(motion, _):
    second = (_("seconded by {name}").format(name=motion["seconder"]) if motion.get("seconder")
              else _("without a second"))
    kind_words = KIND_WORDS[motion["kind"]]
    head = _("{kind} by {mover}, {second}: {text}").format(
        kind=_(kind_words), mover=motion["mover"], second=second, text=motion["text"])
    lines = [f"<p>{escape(head)}</p>"]
    if motion.get("result") is None:
        none = _("No vote was taken.")
        lines.append(f"<p>{escape(none)}</p>")
        return lines
    lines.append("<ul>")
    for vote in motion["votes"]:
        lines.append(f"<li>{escape(vote['name'])}: {escape(_(VOTE_WORDS[vote['vote']]))}</li>")
    lines.append("</ul>")
    t = motion["tally"]
    result_words, threshold_words = RESULT_WORDS[motion["result"]], THRESHOLD_WORDS[motion["threshold"]]
    method = _("roll call") if motion.get("method") == "roll_call" else _("voice vote")
    summary = _("{result} by {method}, {aye}-{no} ({abstain} abstaining, {absent} absent, {recused} recused; "
                "needed: {threshold}).").format(
        result=_(result_words), method=method, aye=t["aye"], no=t["no"],
        abstain=t["abstain"], absent=t["absent"], recused=t["recused"],
        threshold=_(threshold_words))
    lines.append(f"<p>{escape(summary)}</p>")
    if motion.get("override_reason"):
        text = _("Guards overridden ({guards}): {reason}").format(
            guards=", ".join(motion.get("overridden", [])), reason=motion["override_reason"])
        lines.append(f"<p>{escape(text)}</p>")
    return lines

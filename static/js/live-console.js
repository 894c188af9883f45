/* The chair's and clerk's console. Every button sends one event and shows the
   server's answer; the page itself only ever shows the state the server sent. */
(function () {
  "use strict";
  var L = window.DaisLive;
  if (!L.root) { return; }
  var mayModerate = L.root.dataset.mayModerate === "true";
  // The two small forms that act on one participant: which entry each is open for,
  // and the button that opened it (focus goes back there when the form closes).
  var forms = {
    warn: { form: "warn-form", field: "warn-reason", label: "warn-label", text: "warnReason", entry: null, opener: null },
    remove: { form: "remove-form", field: "remove-reason", label: "remove-label", text: "reason", entry: null, opener: null },
    // Hiding the name a participant typed: they keep their place, as "Speaker <number>".
    hide: { form: "hide-form", field: "hide-reason", label: "hide-label", text: "hideReason", entry: null, opener: null },
    // Giving a removed participant their place back (removed by mistake).
    reinstate: { form: "reinstate-form", field: "reinstate-reason", label: "reinstate-label", text: "reinstateReason",
                 entry: null, opener: null },
    withdraw: { form: "withdraw-form", field: "withdraw-reason", label: "withdraw-label", text: "withdrawReason",
                entry: null, opener: null },
    // Correcting a card where it stands (a typo, the wrong stance or item): `was` is what
    // the form showed when opened, so only what the clerk changed is sent.
    correct: { form: "correct-form", field: "correct-name", label: "correct-label", text: "correctCard", named: true,
               entry: null, opener: null, was: null }
  };
  // Staff who add cards may withdraw and correct them (the forms are on the page only for them).
  var mayWithdraw = Boolean(document.getElementById("withdraw-form"));

  var live = L.connect({ onState: render });

  // A refusal describes the moment it was given: it goes once the meeting has moved on
  // from that moment (a recess over, another speaker, comment opened or closed, the
  // timer started or paused), or after MESSAGE_LIFETIME_MS, for when nothing more comes
  // (after adjournment). It stays up MESSAGE_MIN_MS first: the state that caused it (the
  // other console's call) may arrive just after it.
  var MESSAGE_LIFETIME_MS = 15000;
  var MESSAGE_MIN_MS = 3000;
  var messageAt = 0;
  var messageMoment = null;

  function report(reply) {
    say(reply.ok ? "" : refusal(reply.error));
    return reply;
  }

  function momentOf(state) {
    if (!state) { return ""; }
    var speaker = state.speaker || {};
    return [state.status, state.comment.open, state.comment.item_id, speaker.entry_id, speaker.started_at,
            speaker.running, speaker.paused].join("|");
  }

  function say(message) {
    L.announce("console-message", message);
    messageMoment = momentOf(live.state());
    var at = messageAt = Date.now();
    if (message) {
      window.setTimeout(function () { if (messageAt === at) { L.setText("console-message", ""); } },
                        MESSAGE_LIFETIME_MS);
    }
  }

  function clearPassedMessage(state) {
    if (!document.getElementById("console-message").textContent || momentOf(state) === messageMoment) { return; }
    // A state inside the first moments is most likely the one that caused the refusal:
    // it becomes the moment the refusal is about.
    if (Date.now() - messageAt < MESSAGE_MIN_MS) { messageMoment = momentOf(state); return; }
    say("");
  }

  // A done action in words, for a chair who cannot see the screen change (a visually
  // hidden status line: the screen already shows it). Who was called, and comment opening
  // or closing, are read out by the speaker and comment status lines themselves.
  var DONE = { "timer:start": "doneTimerStart", "timer:pause": "doneTimerPause", "timer:resume": "doneTimerResume",
               "timer:extend": "doneTimerExtend", "timer:stop": "doneTimerStop", skip: "doneSkip",
               recall: "doneRecall", set_speaker_time: "doneTime", warn: "doneWarn", remove: "doneRemove",
               withdraw_card: "doneWithdraw", set_item: "doneItem", hide_name: "doneHide",
               reinstate: "doneReinstate" };

  function confirmDone(event, payload) {
    var key = DONE[event === "timer" ? "timer:" + payload.action : event];
    if (!key) { return; }
    // Setting no current item is said as the screen says it.
    if (event === "set_item" && !payload.item_id) { key = "noItem"; }
    sayDone(L.text(key, { seconds: payload.seconds, item: L.itemTitle(payload.item_id) }));
  }

  function sayDone(words) {
    var el = document.getElementById("console-done");
    if (!el) { return; }
    // Emptied first, so the same words for a second action are read out again.
    el.textContent = "";
    window.setTimeout(function () { el.textContent = words; }, 50);
  }

  // To the second: the rules refuse a close until that very second.
  function localTime(iso) {
    return L.localTime(iso, true);
  }

  // A timed period that may not close yet says when it may.
  function refusal(error) {
    var until = error && error.code === "comment_period_running" && error.details && error.details.may_close_at;
    var errors = document.getElementById("live-errors");
    if (!until || !errors) { return L.refusal(error); }
    return errors.dataset.commentPeriodRunningUntil.split("{time}").join(localTime(until));
  }

  // When the body's rules keep a timed period open, the console says until when beside
  // Close, and answers a press itself rather than ask "close?" only to be refused.
  // The count runs from the state's arrival, so it can only end late, never early: a
  // press once the note has gone is not refused.
  function tooEarlyToClose() {
    var left = live.mayCloseIn();
    return left !== null && left > 0 ? live.state().comment.may_close_at : null;
  }

  function showCloseNote() {
    var note = document.getElementById("close-note");
    if (!note) { return; }
    var until = tooEarlyToClose();
    var wanted = until ? L.text("mayCloseAt", { time: localTime(until) }) : "";
    note.hidden = !until;
    if (note.textContent !== wanted) { note.textContent = wanted; }
  }

  // One action at a time: a second activation of the same action while the first is
  // on its way (a double click, Enter pressed twice) is dropped. Calling next twice
  // would end the turn of the speaker just called before they said a word. A double
  // click can outlast a fast reply, so these stay closed a moment after their answer too.
  // (A card's Enter pressed twice lands on the form emptied as the card was sent.)
  var pending = {};
  var cardsSent = 0;
  var SETTLE_MS = { call_next: 1000, timer: 600, skip: 600, recall: 600 };

  // `control`, when given, looks unavailable meanwhile (aria-disabled, not disabled,
  // so a keyboard user's focus stays on it).
  function send(event, payload, control) {
    var p = payload || {};
    // Each card is a person (two of one name are two cards; a key pressed twice lands on
    // the form emptied as the first was sent), so cards are never taken for a double press.
    var key = event === "add_in_person" ? event + ":" + (++cardsSent) :
      [event, p.action || p.entry_id || p.display_name || ""].join(":");
    if (pending[key]) { return new Promise(function () {}); }  // nothing to report: the first one will
    pending[key] = true;
    if (control) { control.setAttribute("aria-disabled", "true"); }
    return live.call(event, payload).then(function (reply) {
      window.setTimeout(function () {
        delete pending[key];
        if (control) { control.removeAttribute("aria-disabled"); }
        if (live.state()) { renderTimerButtons(live.state()); }  // as they now apply
      }, SETTLE_MS[event] || 0);
      if (reply.ok) { confirmDone(event, p); }
      // A card's refusal is said on the card form's own status line, where the clerk
      // looks (not in the alert at the top as well: it would be read out twice).
      function answer() {
        return event === "add_in_person" ? explained(reply, event, p) : report(explained(reply, event, p));
      }
      // "Not possible right now" for what this screen still shows as possible: another
      // console's change has not reached it yet (the refusal can overtake the state). It
      // catches up first, so the answer is about what happened ("has just ended").
      if (behind(reply, event, p)) { return live.sync().then(answer); }
      return answer();
    });
  }

  function behind(reply, event, payload) {
    return !reply.ok && reply.error && reply.error.code === "invalid_state" &&
      !whyRefused(event, payload, live.state());
  }

  // The server's general "not possible right now" (invalid_state) for the console's
  // everyday buttons, said for the case at hand from the state it now shows.
  function explained(reply, event, payload) {
    var code = !reply.ok && reply.error && reply.error.code;
    // A timer press for the speaker another console has just replaced: nothing was done
    // to either, which the call_next wording ("press Call next again") would not say.
    if (code === "speaker_changed" && event === "timer") {
      return { ok: false, error: { code: "speaker_changed_timer", message: reply.error.message } };
    }
    var why = code === "invalid_state" && whyRefused(event, payload, live.state());
    return why ? { ok: false, error: { code: "explained", message: why } } : reply;
  }

  function whyRefused(event, payload, state) {
    if (!state) { return null; }
    // In recess nobody is called and no time runs until the meeting reconvenes.
    if (state.status === "recessed" && (event === "call_next" ||
        (event === "timer" && (payload.action === "start" || payload.action === "resume")))) {
      return L.refusal({ code: "in_recess" });
    }
    if (event === "call_next") {
      if (!state.comment.open) { return L.text("callClosed"); }
      if (!state.speaker && !L.waitingOnCommentItem(state).length) { return L.text("callNobody"); }
    }
    if (event === "correct_card") { return whyNotCorrected(payload, state); }
    var speaker = state.speaker;
    // Another console ended the turn just before this press reached the server.
    if (event === "timer" && !speaker) { return timerNobody(); }
    var key = null;
    if (event === "timer") {
      if (payload.action === "start" && speaker.started_at) { key = "timerStarted"; }
      if ((payload.action === "pause" || payload.action === "resume") && !speaker.started_at) { key = "timerNotStarted"; }
      if (payload.action === "pause" && speaker.paused) { key = "timerAlreadyPaused"; }
      if (payload.action === "resume" && speaker.running) { key = "timerAlreadyRunning"; }
    }
    return key && L.text(key);
  }

  // A card called, withdrawn or removed since its form was opened, or moved to an item
  // whose comment has since been held and closed (the form's list showed it open).
  function whyNotCorrected(payload, state) {
    var listed = state.queue.concat(state.skipped || []).filter(function (entry) {
      return entry.entry_id === payload.entry_id;
    })[0];
    if (!listed) { return L.text("correctGone"); }
    if (payload.display_name && listed.name_hidden) { return L.text("correctNameHidden"); }
    if ("item_id" in payload && payload.item_id !== null &&
        (state.comment.closed_item_ids || []).indexOf(payload.item_id) !== -1) {
      return L.refusal({ code: "comment_closed" });
    }
    return null;
  }

  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button small";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  // A button acting on one entry. Rows are rebuilt on every state, so the action and
  // entry are written on the button to find its replacement and keep the focus there.
  // Named for its participant too: a screen reader listing the page's buttons hears
  // "Warn Speaker 3", not "Warn" once per row.
  function entryButton(action, label, entry, onClick) {
    var b = button(label, onClick);
    b.dataset.action = action;
    b.dataset.entry = String(entry.entry_id);
    // (With the place in line, where it has one: two cards of one name are told apart.)
    var name = entry.display_name || L.speakerName(entry);
    b.setAttribute("aria-label", label + " " + name + (entry.position ? ", " + L.text("inLine", { position: entry.position }) : ""));
    return b;
  }

  // A card or a caller's entry staff added (no page of its own) can be corrected where it
  // stands, or taken back: the card's own buttons, together (a line of their own in a row).
  function cardButtons(container, entry) {
    if (!mayWithdraw || entry.has_page !== false) { return; }
    var group = document.createElement("span");
    group.className = "card-actions";
    group.appendChild(entryButton("correct", L.text("correct"), entry, function (event) {
      openCorrection(entry, event.currentTarget);
    }));
    group.appendChild(entryButton("withdraw", L.text("withdraw"), entry, function (event) {
      openForm("withdraw", entry, event.currentTarget);
    }));
    container.appendChild(group);
  }

  // A row's buttons are one Tab stop (a toolbar: the arrow keys, Home and End move
  // between them), so a keyboard user passes a row in one press, not five.
  function toolbar(container, entry) {
    var bar = document.createElement("span");
    bar.className = "row-actions";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", L.text("actionsFor", { name: entry.display_name || L.speakerName(entry) }));
    container.appendChild(bar);
    return bar;
  }

  // The toolbar's stop is `current` (else its first button); the others wait for the arrows.
  function rove(bar, current) {
    var buttons = bar.querySelectorAll("button");
    if (!buttons.length) { bar.remove(); return; }
    Array.prototype.forEach.call(buttons, function (b, i) {
      b.tabIndex = (current ? b === current : i === 0) ? 0 : -1;
    });
  }

  var TOOLBAR_KEYS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  function toolbarKeys(event) {
    var bar = event.target.closest && event.target.closest("[role=toolbar]");
    if (!bar || !(event.key in TOOLBAR_KEYS || event.key === "Home" || event.key === "End")) { return; }
    var buttons = Array.prototype.slice.call(bar.querySelectorAll("button"));
    var at = buttons.indexOf(event.target);
    var to = event.key === "Home" ? 0 : event.key === "End" ? buttons.length - 1 :
      (at + TOOLBAR_KEYS[event.key] + buttons.length) % buttons.length;
    event.preventDefault();
    rove(bar, buttons[to]);
    buttons[to].focus();
  }
  ["queue-rows", "skipped-list", "removed-list"].forEach(function (id) {
    var list = document.getElementById(id);
    if (!list) { return; }
    list.addEventListener("keydown", toolbarKeys);
    // Focus put on a button otherwise (a click, a form closing) makes it the row's stop.
    list.addEventListener("focusin", function (event) {
      var bar = event.target.closest && event.target.closest("[role=toolbar]");
      if (bar && event.target.tagName === "BUTTON") { rove(bar, event.target); }
    });
  });

  function moderationButtons(container, entry) {
    container.appendChild(entryButton("warn", L.text("warn"), entry, function (event) {
      openForm("warn", entry, event.currentTarget);
    }));
    container.appendChild(entryButton("remove", L.text("remove"), entry, function (event) {
      openForm("remove", entry, event.currentTarget);
    }));
    // Only a name a participant typed on their own page: without one the row already says
    // "Speaker <number>", and a card's name staff wrote themselves (corrected if wrong).
    if (entry.display_name && entry.has_page !== false) {
      container.appendChild(entryButton("hide", L.text("hideName"), entry, function (event) {
        openForm("hide", entry, event.currentTarget);
      }));
    }
  }

  function entryButtonFor(action, entryId) {
    var found = document.querySelectorAll("button[data-action='" + action + "'][data-entry='" + entryId + "']");
    return Array.prototype.filter.call(found, function (b) { return !b.closest("[hidden]"); })[0] || null;
  }

  // What the chair has done about this participant so far: warned them, hid their name
  // (said on the row, so a console opened later does not take "Speaker 4" for someone
  // who gave no name).
  function conductBadges(container, entry) {
    [["warned", "live-warned", "warned"], ["name_hidden", "live-name-hidden", "nameHidden"]].forEach(function (b) {
      if (!entry[b[0]]) { return; }
      var badge = document.createElement("span");
      badge.className = "badge " + b[1];
      badge.textContent = L.text(b[2]);
      container.appendChild(document.createTextNode(" "));
      container.appendChild(badge);
    });
  }

  function cell(row, value, header) {
    var td = document.createElement(header ? "th" : "td");
    if (header) { td.scope = "row"; }
    td.textContent = value;
    row.appendChild(td);
    return td;
  }

  // One line per row: a long item title is cut short on screen (whole on hover and for
  // screen readers), since it repeats on every row of its item.
  function itemCell(td, title) {
    var span = document.createElement("span");
    span.className = "queue-item";
    span.title = span.textContent = title;
    td.appendChild(span);
  }

  // Cards are usually for the item under comment, unless the clerk picked another.
  var cardItem = L.followedChoice(document.getElementById("card-item"));
  // Comment usually opens on the current item (else general comment), as the chair just
  // set it, unless they pick another for this opening. Without this, "set the current
  // item, then open comment" opened general comment.
  var openItem = L.followedChoice(document.getElementById("open-item"));

  // Another console's call or extension that this screen showed only a moment ago: a
  // press within JUST_CHANGED_MS of it was most likely aimed at what the screen showed
  // before (people react in a few hundred milliseconds), so it is answered here rather
  // than sent. (Presses crossing on the network are refused by the server.)
  var JUST_CHANGED_MS = 1500;
  var changedAt = { speaker: 0, allotted: 0 };
  var sentAt = { call_next: 0, extend: 0 };
  var shown = null;
  // A turn that ended a moment ago (stopped on another console, ended by the speaker,
  // skipped): a timer button pressed now says so, not "call the next speaker first".
  var JUST_ENDED_MS = 5000;
  var justEnded = { at: 0, name: "" };

  function noteChanges(state) {
    var before = shown;
    shown = state;
    var was = before && before.speaker, now = state.speaker;
    var at = Date.now();
    if (now && (!was || was.entry_id !== now.entry_id)) {
      if (at - sentAt.call_next > JUST_CHANGED_MS) { changedAt.speaker = at; }
    } else if (now && was && was.allotted_seconds !== now.allotted_seconds) {
      if (at - sentAt.extend > JUST_CHANGED_MS) { changedAt.allotted = at; }
    } else if (was && !now) {
      justEnded = { at: at, name: L.speakerName(was) };
    }
  }

  function timerNobody() {
    return Date.now() - justEnded.at < JUST_ENDED_MS ?
      L.text("timerJustEnded", { name: justEnded.name }) : L.text("timerNobody");
  }

  function justChanged(what) {
    return Date.now() - changedAt[what] < JUST_CHANGED_MS;
  }

  var commentWasOpen = false;
  function render(state) {
    noteChanges(state);
    clearPassedMessage(state);
    L.refreshCommentChoices(document.getElementById("card-item"), state);
    L.refreshCommentChoices(document.getElementById("correct-item"), state);
    markClosedChoices(document.getElementById("open-item"), state);
    if (state.comment.open) {
      cardItem.follow(state.comment.item_id === null ? "" : String(state.comment.item_id));
    } else {
      openItem.follow(state.current_item ? String(state.current_item.item_id) : "");
    }
    L.setText("current-item", state.current_item ? L.itemTitle(state.current_item.item_id) : L.text("noItem"));
    // The pickers show what is in force, unless the chair is choosing right now.
    keepValue("item-select", state.current_item ? String(state.current_item.item_id) : "");
    keepValue("time-seconds", String(state.comment.seconds_per_speaker));
    L.showCommentStatus(state);
    L.showMeetingNotice(state);
    document.getElementById("order-notice").hidden = state.status !== "published";
    // Adjourned (or cancelled, postponed): the record stays on screen, the controls go.
    L.root.toggleAttribute("data-over", !L.isLive(state));
    // Comment closed: the next opening starts from the body's usual time again (a time
    // shortened for a crowd on one item must not carry over to the next unnoticed).
    if (commentWasOpen && !state.comment.open) {
      var seconds = document.getElementById("open-seconds");
      if (seconds) { keepValue("open-seconds", seconds.dataset.usual); }
    }
    commentWasOpen = state.comment.open;
    showCommentActions(state.comment.open);
    var focused = focusedEntryButton();
    var speaker = state.speaker;
    L.setText("speaker", speaker ? L.speakerName(speaker) + " · " + L.channelLabel(speaker.channel) +
      (speaker.interpreter ? " · " + L.text("interpreter") : "") : L.text("nobody"));
    renderSpeakerControls(speaker);
    showSpeakerPage(state);
    renderTimerButtons(state);
    var threat = document.getElementById("remove-threat");
    if (threat) {
      threat.hidden = !state.comment.warn_before_removal;
      if (threat.hidden) { document.getElementById("remove-threat-check").checked = false; }
    }
    var rows = document.getElementById("queue-rows");
    rows.textContent = "";
    // Lines for several items (one waiting for an item not yet open, say) are each
    // headed by their item: each is numbered from 1, the item under comment first.
    var grouped = state.queue.some(function (entry) { return entry.item_id !== state.queue[0].item_id; });
    var lastItem;
    state.queue.forEach(function (entry) {
      if (grouped && entry.item_id !== lastItem) {
        lastItem = entry.item_id;
        var heading = document.createElement("tr");
        heading.className = "queue-group";
        var open = state.comment.open && entry.item_id === state.comment.item_id;
        var strong = document.createElement("strong");
        strong.textContent = L.text(open ? "queueGroupOpen" : "queueGroup", { item: L.itemTitle(entry.item_id) });
        cell(heading, "").colSpan = 6;
        heading.firstChild.appendChild(strong);
        rows.appendChild(heading);
      }
      var row = document.createElement("tr");
      cell(row, String(entry.position));
      var who = cell(row, "", true);
      who.append.apply(who, L.speakerNameNodes(entry));
      if (entry.interpreter) { who.appendChild(document.createTextNode(" · " + L.text("interpreter"))); }
      conductBadges(who, entry);
      cell(row, L.channelLabel(entry.channel));
      cell(row, L.stanceLabel(entry.stance));
      itemCell(cell(row, ""), L.itemTitle(entry.item_id));
      var actions = toolbar(cell(row, ""), entry);
      if (mayModerate) {
        // Skip is for the line being called (a skipped place is listed, and recalled,
        // only while comment is open on its item).
        if (state.comment.open && entry.item_id === state.comment.item_id) {
          actions.appendChild(entryButton("skip", L.text("skip"), entry, function () { send("skip", { entry_id: entry.entry_id }); }));
        }
        moderationButtons(actions, entry);
      }
      cardButtons(actions, entry);
      rove(actions);
      rows.appendChild(row);
    });
    if (!state.queue.length) {
      var none = document.createElement("tr");
      cell(none, L.text("empty")).colSpan = 6;
      rows.appendChild(none);
    }
    L.setText("queue-summary", queueSummary(state));
    showNextUp(state);
    var skipped = document.getElementById("skipped-list");
    if (skipped) {
      skipped.textContent = "";
      if (!(state.skipped || []).length) {
        var nobody = document.createElement("li");
        nobody.textContent = L.text("noneSkipped");
        skipped.appendChild(nobody);
      }
      (state.skipped || []).forEach(function (entry) {
        var li = document.createElement("li");
        li.textContent = L.speakerName(entry);
        conductBadges(li, entry);
        li.appendChild(document.createTextNode(" "));
        var actions = toolbar(li, entry);
        actions.appendChild(entryButton("recall", L.text("recall"), entry, function () { send("recall", { entry_id: entry.entry_id }); }));
        moderationButtons(actions, entry);
        cardButtons(actions, entry);
        rove(actions);
        skipped.appendChild(li);
      });
    }
    renderRemoved(state);
    showCardCorrect(state);
    // A warn or remove form left open for someone no longer speaking, waiting or skipped
    // (another console called next or removed them, or they left) closes, and says why.
    // (Not the removal this console sent: its state arrives before its answer, which
    // closes the form and says "Removed".)
    Object.keys(forms).forEach(function (kind) {
      var entry = forms[kind].entry;
      var still = kind === "reinstate" ? byId(state.removed || [], entry && entry.entry_id) : entry && inLine(state, entry.entry_id);
      if (entry && !still && forms[kind].sending !== entry.entry_id) {
        closeForm(kind, true);
        say(L.text(kind === "reinstate" ? "reinstateGone" : "participantGone", { name: L.speakerName(entry) }));
      } else if (entry && kind === "hide" && forms.hide.sending !== entry.entry_id && !nameIn(state, entry.entry_id)) {
        // Another console hid it first: nothing is left to hide.
        closeForm(kind, true);
        say(L.text("nameAlreadyHidden", { name: L.text("speaker", { n: entry.number || entry.entry_id }) }));
      }
    });
    restoreFocus(focused);
  }

  // "Correct this card" while the card last added is still waiting or skipped.
  function showCardCorrect(state) {
    var b = document.getElementById("card-correct");
    if (!b) { return; }
    var still = Boolean(lastCard && state) && state.queue.concat(state.skipped || []).some(function (e) {
      return e.entry_id === lastCard.entry_id;
    });
    if (b.hidden === still) { b.hidden = !still; }
    if (still) {
      b.setAttribute("aria-label", L.text("correctCard", { name: L.speakerName(current(lastCard)) }));
    }
  }

  // Who Call next will call, beside the button (on a laptop the queue is below the fold).
  // Not a live region: the queue changing would be read out to the chair all the time.
  function showNextUp(state) {
    var next = L.waitingOnCommentItem(state)[0];
    L.setText("next-up", next ? [L.text("nextUp") + " " + L.speakerName(next), L.channelLabel(next.channel)]
      .concat(next.interpreter ? [L.text("interpreter")] : []).join(" · ") : "");
  }

  // Those removed on the item under comment, each with a button to give the place back.
  function renderRemoved(state) {
    var list = document.getElementById("removed-list");
    if (!list) { return; }
    list.textContent = "";
    var removed = state.removed || [];
    if (!removed.length) {
      var nobody = document.createElement("li");
      nobody.textContent = L.text("noneRemoved");
      list.appendChild(nobody);
    }
    removed.forEach(function (entry) {
      var li = document.createElement("li");
      li.textContent = L.speakerName(entry) + " ";
      var actions = toolbar(li, entry);
      actions.appendChild(entryButton("reinstate", L.text("reinstate"), entry, function (event) {
        openForm("reinstate", entry, event.currentTarget);
      }));
      rove(actions);
      list.appendChild(li);
    });
  }

  function byId(entries, entryId) {
    return entries.some(function (e) { return e.entry_id === entryId; });
  }

  function nameIn(state, entryId) {
    var all = [state.speaker].concat(state.queue, state.skipped || []);
    return all.some(function (e) { return e && e.entry_id === entryId && e.display_name; });
  }

  function inLine(state, entryId) {
    var has = function (e) { return e.entry_id === entryId; };
    return Boolean((state.speaker && has(state.speaker)) || state.queue.some(has) || (state.skipped || []).some(has));
  }

  // The timer buttons that do not apply now look unavailable (aria-disabled: they keep
  // focus, and a press says why): Start once started, Pause unless running, Resume
  // unless paused; none with nobody speaking.
  function renderTimerButtons(state) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-timer]"), function (b) {
      if (pending["timer:" + b.dataset.timer]) { return; }  // resting after a press
      var applies = Boolean(state.speaker) && !whyRefused("timer", { action: b.dataset.timer }, state);
      if (applies) { b.removeAttribute("aria-disabled"); } else { b.setAttribute("aria-disabled", "true"); }
    });
    // Call next looks unavailable in recess only: otherwise a press is answered in words
    // (comment closed, nobody waiting), and pressed while someone speaks it ends their turn.
    var call = document.getElementById("call-next");
    if (call && !pending["call_next:"]) {
      if (state.status === "recessed") { call.setAttribute("aria-disabled", "true"); }
      else { call.removeAttribute("aria-disabled"); }
    }
  }

  // Whether a remote speaker's page has received the call (`seen_at`). One that has not
  // ten seconds after the call is most likely closed or offline: the chair can skip them
  // rather than wait in silence. (In the room, or a caller the clerk added, there is no
  // page: nothing to show.) The call's age comes with the state (`called_seconds_ago`,
  // by the server's clock), so a console opened or reloaded after the call agrees with
  // the others. While this console is offline, what it last said stays: it cannot know.
  var PAGE_SILENT_MS = 10000;
  var calledHere = { call: null, at: 0 };
  function showSpeakerPage(state) {
    var speaker = state && state.speaker;
    var call = L.callOf(speaker);
    if (call !== calledHere.call) {
      calledHere = { call: call, at: Date.now() - (speaker ? speaker.called_seconds_ago * 1000 : 0) };
    }
    var hasPage = Boolean(speaker) && speaker.has_page;
    document.getElementById("speaker-page").hidden = !hasPage;
    if (!hasPage || (!speaker.seen_at && !live.socket.connected)) { return; }
    L.setText("speaker-page", speaker.seen_at ? L.text("pageSeen", { time: L.localTime(speaker.seen_at, true) })
      : L.text(Date.now() - calledHere.at < PAGE_SILENT_MS ? "pageWaiting" : "pageSilent"));
  }

  function renderSpeakerControls(speaker) {
    var badge = document.getElementById("speaker-warned");
    if (badge) { badge.hidden = !(speaker && speaker.warned); }
    var group = document.getElementById("speaker-moderation");
    if (!group) { return; }
    group.hidden = !speaker;
    ["speaker-warn", "speaker-remove", "speaker-hide"].forEach(function (id) {
      document.getElementById(id).dataset.entry = speaker ? String(speaker.entry_id) : "";
    });
    // A speaker without a typed name is already "Speaker <number>".
    document.getElementById("speaker-hide").hidden = !(speaker && speaker.display_name);
  }

  // A button for one participant that has focus as a new state is drawn: the queue's
  // rows are rebuilt, and the speaker's buttons hide once nobody is speaking.
  function focusedEntryButton() {
    var el = document.activeElement;
    var section = el && el !== document.body && el.closest("#queue-rows, #skipped-list, #removed-list, #speaker-moderation");
    return section ? { action: el.dataset.action, entry: el.dataset.entry, section: section.closest("section") } : null;
  }

  // Back to the same button for the same participant; if they have moved on (skipped,
  // recalled, called), to the heading of the section the button was in, never to the
  // top of the page. Not to the next person's button: a second Enter would act on them.
  function restoreFocus(focused) {
    // A focused button just hidden still holds focus until the browser's next frame.
    var active = document.activeElement;
    if (!focused || (active && active !== document.body && !active.closest("[hidden]"))) { return; }
    var target = focused.action && focused.entry ? entryButtonFor(focused.action, focused.entry) : null;
    if (!target) { target = focused.section && focused.section.querySelector("h2"); }
    if (!target) { return; }
    if (target.tagName === "H2") { target.setAttribute("tabindex", "-1"); }
    target.focus();
  }

  function openForm(kind, entry, opener) {
    var f = forms[kind];
    var form = document.getElementById(f.form);
    // A reason or a ticked box written for someone else must not carry over.
    if (!f.entry || f.entry.entry_id !== entry.entry_id) { form.reset(); }
    f.entry = entry;
    f.opener = opener || null;
    // Opened where it was asked for: under the speaker's buttons, or under the queue. (A
    // form further down would scroll a chair's tablet away from the running clock.)
    var near = opener && opener.closest("#speaker-moderation, .table-scroll, #skipped-list, #removed-list, #card-form");
    if (near && near.nextElementSibling !== form) { near.insertAdjacentElement("afterend", form); }
    form.hidden = false;
    L.setText(f.label, f.named ? L.text(f.text, { name: L.speakerName(entry) }) : L.text(f.text) + " " + L.speakerName(entry));
    document.getElementById(f.field).focus();
  }

  // `gone`: the participant just left the queue, so their buttons are about to go too.
  function closeForm(kind, gone) {
    var f = forms[kind];
    var form = document.getElementById(f.form);
    var entryId = f.entry ? f.entry.entry_id : null;
    form.hidden = true;
    form.reset();
    f.entry = null;
    // Back to the button that opened the form, or its replacement after a new state.
    var target = null;
    if (!gone) { target = f.opener && f.opener.isConnected && !f.opener.closest("[hidden]") ? f.opener : entryButtonFor(kind, entryId); }
    if (!target) {  // the heading of the section the form was opened from (docs/public-comment.md)
      var fromSpeaker = f.opener && f.opener.closest("#speaker-moderation");
      target = document.getElementById(fromSpeaker ? "speaker-heading" : "queue-heading");
      target.setAttribute("tabindex", "-1");
    }
    f.opener = null;
    target.focus();
  }

  function queueSummary(state) {
    var waiting = L.waitingOnCommentItem(state);
    if (!waiting.length) { return ""; }
    var seconds = waiting.reduce(function (sum, e) { return sum + e.expected_seconds; }, 0);
    return L.text("queueSummary", { n: waiting.length, minutes: Math.max(1, Math.round(seconds / 60)) });
  }

  // The opening form while comment is closed; the time and the close while it is open.
  // Focus that was on a control being hidden moves to what comes next: Call next after
  // opening, the item to comment on after closing.
  function showCommentActions(open) {
    var openForm = document.getElementById("open-form");
    if (!openForm) { return; }
    var active = document.activeElement;
    var wasIn = function (el) { return el && el.contains(active) && active !== document.body; };
    var lost = (open && wasIn(openForm)) ||
      (!open && (wasIn(document.getElementById("time-form")) || wasIn(document.getElementById("close-comment"))));
    openForm.hidden = open;
    document.getElementById("time-form").hidden = !open;
    document.getElementById("close-comment").hidden = !open;
    if (lost) { document.getElementById(open ? "call-next" : "open-item").focus(); }
  }

  function keepValue(id, value) {
    var el = document.getElementById(id);
    if (el && el !== document.activeElement && el.value !== value) { el.value = value; }
  }

  function intValue(form, name) {
    var value = new FormData(form).get(name);
    return value ? parseInt(value, 10) : null;
  }

  function on(id, event, handler) {
    var el = document.getElementById(id);
    if (el) { el.addEventListener(event, handler); }
  }

  on("item-form", "submit", function (event) {
    event.preventDefault();
    send("set_item", { item_id: intValue(event.target, "item_id") });
  });
  // The items whose comment has been held and closed, said in the list to open comment
  // on (still offered: the chair may open one again). After a close, the list is back on
  // the current item, the one just closed: Enter there would reopen it unasked.
  function markClosedChoices(select, state) {
    if (!select) { return; }
    var closed = state.comment.closed_item_ids || [];
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) { return; }
      if (option.dataset.label === undefined) { option.dataset.label = option.textContent; }
      var shut = closed.indexOf(parseInt(option.value, 10)) >= 0;
      var label = option.dataset.label + (shut ? " " + L.text("closedOption") : "");
      if (option.textContent !== label) { option.textContent = label; }
    });
  }

  on("open-form", "submit", function (event) {
    event.preventDefault();
    var payload = { item_id: intValue(event.target, "item_id") };
    var state = live.state();
    if (state && payload.item_id !== null && (state.comment.closed_item_ids || []).indexOf(payload.item_id) >= 0 &&
        !window.confirm(L.text("reopenAsk", { item: L.itemTitle(payload.item_id) }))) { return; }
    var seconds = intValue(event.target, "seconds_per_speaker");
    var minutes = intValue(event.target, "period_minutes");
    if (seconds) { payload.seconds_per_speaker = seconds; }
    if (minutes) { payload.period_seconds = minutes * 60; }
    var period = event.target.elements.period_minutes;
    send("open_comment", payload).then(function (reply) {
      // A total period is chosen for one opening. Left in the field, it would make the
      // next opening (general comment after a hearing, say) timed too, and under some
      // rules a timed period cannot close early.
      if (reply.ok && period) { period.value = ""; }
      if (reply.ok) { openItem.release(); }
    });
  });
  on("time-form", "submit", function (event) {
    event.preventDefault();
    var seconds = intValue(event.target, "seconds");
    if (!seconds) { document.getElementById("time-seconds").focus(); return; }
    send("set_speaker_time", { seconds: seconds });
  });
  // Closing ends the speaker's turn too: ask first when anyone is speaking or waiting.
  on("close-comment", "click", function () {
    var until = tooEarlyToClose();
    if (until) {
      report({ ok: false, error: { code: "comment_period_running", details: { may_close_at: until } } });
      return;
    }
    var state = live.state();
    var waiting = state ? L.waitingOnCommentItem(state).length : 0;
    var speaker = state && state.speaker;
    var warnings = [];
    if (waiting) { warnings.push(L.text("closeWaiting", { n: waiting })); }
    // Skipped and never recalled: they would not be heard either, and no longer be listed.
    var skipped = state ? (state.skipped || []).length : 0;
    if (skipped) { warnings.push(L.text("closeSkipped", { n: skipped })); }
    if (speaker) { warnings.push(L.text("closeSpeaker", { name: L.speakerName(speaker) })); }
    if (warnings.length && !window.confirm(warnings.concat(L.text("closeAsk")).join(" "))) { return; }
    send("close_comment", {});
  });
  // Says who this console shows speaking: if another console has called next since,
  // the server refuses (speaker_changed) rather than end the new speaker's turn.
  on("call-next", "click", function (event) {
    if (pending["call_next:"]) { return; }  // a double click: the first press is on its way
    var state = live.state();
    if (state && state.status === "recessed") {  // it looks so: said without asking the server
      report({ ok: false, error: { code: "in_recess" } });
      return;
    }
    if (justChanged("speaker")) {
      report({ ok: false, error: { code: "speaker_changed" } });
      return;
    }
    // Called but not started (a remote speaker not yet unmuted, say): Call next would end
    // a turn nobody has had, and it cannot be given back. Skip keeps the place.
    var speaker = state && state.speaker;
    if (speaker && !speaker.started_at && live.socket.connected &&
        !window.confirm(L.text("callNotStarted", { name: L.speakerName(speaker) }))) { return; }
    var payload = state ? { current_speaker: speaker ? speaker.entry_id : null } : {};
    sentAt.call_next = Date.now();
    send("call_next", payload, event.currentTarget);
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-timer]"), function (b) {
    b.addEventListener("click", function () {
      var state = live.state();
      var payload = { action: b.dataset.timer };
      // A button that does not apply now (it looks so, nobody speaking included) says why,
      // in words, without asking the server for its general "not possible right now".
      var why = state && whyRefused("timer", payload, state);
      if (why) {
        report({ ok: false, error: { code: "explained", message: why } });
        return;
      }
      // Stop before Start (they sit side by side) ends a turn nobody has had, and it
      // cannot be given back, as with Call next: asked first, Skip offered instead.
      var speaker = state && state.speaker;
      if (payload.action === "stop" && speaker && !speaker.started_at && live.socket.connected &&
          !window.confirm(L.text("stopNotStarted", { name: L.speakerName(speaker) }))) { return; }
      // For the speaker this console shows: if another console called next meanwhile (while
      // the question above was open, say), the server refuses instead of acting on them.
      if (speaker) { payload.current_speaker = speaker.entry_id; }
      // With the time this console shows: if another console has added time since, the
      // server refuses (time_changed) rather than add it twice for one request.
      if (payload.action === "extend") {
        if (justChanged("allotted")) {
          report({ ok: false, error: { code: "time_changed" } });
          return;
        }
        payload.seconds = 30;
        if (state && state.speaker) { payload.allotted = state.speaker.allotted_seconds; }
        sentAt.extend = Date.now();
      }
      send("timer", payload, b);
    });
  });
  function speakerButton(id, kind) {
    on(id, "click", function (event) {
      var state = live.state();
      if (state && state.speaker) { openForm(kind, state.speaker, event.currentTarget); }
    });
  }
  speakerButton("speaker-warn", "warn");
  speakerButton("speaker-remove", "remove");
  speakerButton("speaker-hide", "hide");
  // A speaker who does not answer (a remote resident who never unmutes) is skipped,
  // not finished: they keep their place and the chair can recall them later.
  on("speaker-skip", "click", function () {
    var state = live.state();
    if (state && state.speaker) { send("skip", { entry_id: state.speaker.entry_id }); }
  });

  function reasonOf(kind) {
    var field = document.getElementById(forms[kind].field);
    var reason = field.value.trim();
    if (!reason) { field.focus(); }
    return reason;
  }

  on("warn-form", "submit", function (event) {
    event.preventDefault();
    var entry = forms.warn.entry;
    var reason = reasonOf("warn");
    if (!entry || !reason) { return; }
    send("warn", { entry_id: entry.entry_id, reason: reason }).then(function (reply) {
      if (reply.ok) { closeForm("warn"); }
    });
  });
  on("remove-form", "submit", function (event) {
    event.preventDefault();
    var entry = forms.remove.entry;
    var reason = reasonOf("remove");
    if (!entry || !reason) { return; }
    var payload = { entry_id: entry.entry_id, reason: reason };
    var threat = document.getElementById("remove-threat");
    if (!threat.hidden && document.getElementById("remove-threat-check").checked) { payload.threat = true; }
    // Refused with warning_required, the refusal shows as any error does and the warn
    // form takes the remove form's place, for the same participant: warn, then remove.
    forms.remove.sending = entry.entry_id;
    send("remove", payload).then(function (reply) {
      forms.remove.sending = null;
      if (reply.ok) { closeForm("remove", true); return; }
      if (reply.error && reply.error.code === "warning_required") {
        var opener = forms.remove.opener;
        document.getElementById(forms.remove.form).hidden = true;
        forms.remove.entry = forms.remove.opener = null;
        openForm("warn", entry, opener);
      }
    });
  });
  // The form's participant and reason sent as `event`. The state that makes the change
  // (the name hidden, the card withdrawn) arrives before the answer: the form is not closed
  // then as done by someone else (`sending`); its button goes with the change, so focus
  // goes to the section's heading.
  function sendsWithReason(kind, event) {
    on(kind + "-form", "submit", function (submitted) {
      submitted.preventDefault();
      var entry = forms[kind].entry;
      var reason = reasonOf(kind);
      if (!entry || !reason) { return; }
      forms[kind].sending = entry.entry_id;
      send(event, { entry_id: entry.entry_id, reason: reason }).then(function (reply) {
        forms[kind].sending = null;
        if (reply.ok) { closeForm(kind, true); }
      });
    });
  }
  sendsWithReason("hide", "hide_name");
  sendsWithReason("withdraw", "withdraw_card");
  sendsWithReason("reinstate", "reinstate");
  // The card as it stands now (the state may have moved on since its row was drawn).
  function current(entry) {
    var state = live.state();
    var all = state ? state.queue.concat(state.skipped || []) : [];
    return all.filter(function (e) { return e.entry_id === entry.entry_id; })[0] || entry;
  }

  // What the correction form shows, and so what it sends when changed.
  function cardValues(form) {
    var stance = form.querySelector("input[name=stance]:checked");
    return { display_name: form.elements.display_name.value.trim(), stance: stance ? stance.value : "",
             interpreter: form.elements.interpreter.checked, item: form.elements.item_id.value };
  }

  // Opened filled in with the card as it stands; a skipped card stays on its item (the
  // chair recalls it there), so its item is not offered.
  function openCorrection(entry, opener) {
    entry = current(entry);
    openForm("correct", entry, opener);
    var form = document.getElementById("correct-form");
    form.elements.display_name.value = entry.display_name || "";
    form.querySelector("input[name=stance][value='" + (entry.stance || "") + "']").checked = true;
    form.elements.interpreter.checked = Boolean(entry.interpreter);
    form.elements.item_id.value = entry.item_id === null ? "" : String(entry.item_id);
    document.getElementById("correct-item-field").hidden = !live.state() ||
      !live.state().queue.some(function (e) { return e.entry_id === entry.entry_id; });
    forms.correct.was = cardValues(form);
  }

  var CHANGED = { display_name: "changedDisplayName", stance: "changedStance", interpreter: "changedInterpreter",
                  item_id: "changedItemId" };

  // Only the fields the clerk changed are sent: the server refuses a correction that
  // changes nothing, and says which fields did change; the console says so in words.
  on("correct-form", "submit", function (submitted) {
    submitted.preventDefault();
    var entry = forms.correct.entry;
    var was = forms.correct.was;
    if (!entry || !was) { return; }
    var now = cardValues(submitted.target);
    var payload = { entry_id: entry.entry_id };
    if (now.display_name !== was.display_name) { payload.display_name = now.display_name || null; }
    if (now.stance !== was.stance) { payload.stance = now.stance || null; }
    if (now.interpreter !== was.interpreter) { payload.interpreter = now.interpreter; }
    if (now.item !== was.item) {
      if (L.pickedClosed(document.getElementById("correct-item"))) {
        report({ ok: false, error: { code: "comment_closed" } });
        return;
      }
      payload.item_id = now.item ? parseInt(now.item, 10) : null;
    }
    if (Object.keys(payload).length === 1) {
      say(L.text("correctNothing"));
      return;
    }
    send("correct_card", payload).then(function (reply) {
      if (!reply.ok) { return; }  // said in the alert; the form stays, as typed, to fix
      closeForm("correct");
      sayDone(L.text("doneCorrect", {
        name: L.speakerName(reply.entry),
        changes: reply.changed.map(function (field) { return L.text(CHANGED[field]); }).join(", ") }));
    });
  });

  // The card just added, a Tab from the card form: a slip heard as it is read back is
  // corrected at once.
  var lastCard = null;
  on("card-correct", "click", function (event) {
    if (lastCard) { openCorrection(lastCard, event.currentTarget); }
  });
  // To the first row's actions (one Tab stop each), not past the rest of the console.
  on("card-to-queue", "click", function (event) {
    var first = document.querySelector("#queue-rows [role=toolbar] button[tabindex='0']");
    if (!first) { return; }  // nobody in line: the link goes to the queue's heading
    event.preventDefault();
    first.focus();
  });

  Object.keys(forms).forEach(function (kind) {
    var form = document.getElementById(forms[kind].form);
    if (!form) { return; }
    form.querySelector("[data-close-form]").addEventListener("click", function () { closeForm(kind); });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); closeForm(kind); }
    });
  });
  // Speaker cards: type, Enter, next card. Focus returns to the name field each time.
  var lastCardAt = 0;
  var askedNoName = false;
  on("card-form", "submit", function (event) {
    event.preventDefault();
    var form = event.target;
    // An item whose comment closed, still selected (L.pickedClosed): the card would go to
    // general comment unnoticed.
    if (L.pickedClosed(document.getElementById("card-item"))) {
      L.setText("card-status", L.refusal({ code: "comment_closed" }));
      return;
    }
    var data = new FormData(form);
    var payload = { item_id: intValue(form, "item_id"), interpreter: data.get("interpreter") === "on",
                    channel: data.get("remote") === "on" ? "remote" : "in_person" };
    var name = (data.get("display_name") || "").trim();
    if (name) { payload.display_name = name; }
    if (data.get("stance")) { payload.stance = data.get("stance"); }
    // Enter pressed again just after a card went in lands on the emptied form: most
    // likely a key held or pressed twice, not a card without a name. It is asked about,
    // and Enter once more adds it.
    if (!name && Date.now() - lastCardAt < 1000) {
      lastCardAt = 0;
      askedNoName = true;  // still asked once the card before is answered
      var added = document.getElementById("card-status").textContent;  // still said: it went in
      L.setText("card-status", (added ? added + " " : "") + L.text("cardNoName"));
      return;
    }
    askedNoName = false;
    // The form is emptied as the card is sent, not when the answer comes: the clerk is
    // already typing the next card, and emptying it then would take their first letters.
    lastCardAt = Date.now();
    var item = form.elements.item_id.value;
    form.reset();
    form.elements.item_id.value = item;
    document.getElementById("card-name").focus();
    send("add_in_person", payload).then(function (reply) {
      // What went in, read back: a stance or interpreter picked on the wrong card shows.
      var details = [L.stanceLabel(payload.stance), payload.interpreter ? L.text("interpreter") : "",
                     payload.channel === "remote" ? L.text("remote") : ""]
        .filter(Boolean).join(", ");
      var question = askedNoName ? " " + L.text("cardNoName") : "";
      if (reply.ok) {
        lastCard = { entry_id: reply.entry.entry_id, number: reply.entry.number, display_name: payload.display_name || null,
                     stance: payload.stance || null, interpreter: payload.interpreter, item_id: reply.entry.item_id,
                     position: reply.entry.position, has_page: false };
        showCardCorrect(live.state());
        var who = L.speakerName({ entry_id: reply.entry.entry_id, number: reply.entry.number,
                                  display_name: payload.display_name });
        // The item too: a card filed under the wrong one is the costliest slip to miss.
        L.setText("card-status", L.text(details ? "cardAddedDetails" : "cardAdded", {
          name: who, details: details, item: L.itemTitle(reply.entry.item_id), position: reply.entry.position })
          + question);
        return;
      }
      // Not added: said where the clerk is looking, with what was on the card, to enter
      // again (not put back into the form, where the next card may be being typed).
      L.setText("card-status", L.text(details ? "cardNotAddedDetails" : "cardNotAdded", {
        name: payload.display_name || L.text("cardNameless"), details: details,
        reason: refusal(reply.error) }) + question);
    });
  });

  L.tick(live, function (remaining) {
    L.showCountdown("countdown", live.state(), remaining);
    showSpeakerPage(live.state());
    showCloseNote();
  });
})();

/* Shared client for the /live namespace: connects, keeps the newest state, and
   asks for `sync` whenever a state was missed (on every connection, reconnections
   included, the server sends its whole state unasked). The server
   may gather several changes into one state (versions then jump); each state names
   the version sent before it (`previous_version`), so a jump is a missed message
   only when that is newer than the state held here.
   The server is the only clock: countdowns start from `remaining_seconds` as
   received and run locally only while the server says the timer is running. */
(function () {
  "use strict";

  var root = document.getElementById("live");
  var stringsEl = document.getElementById("live-strings");
  var strings = stringsEl ? stringsEl.dataset : {};

  function text(key, values) {
    var value = strings[key] || "";
    Object.keys(values || {}).forEach(function (name) {
      value = value.split("{" + name + "}").join(String(values[name]));
    });
    return value;
  }

  // A refusal in the page's language where the page knows its code (the template's
  // #live-errors element, one data attribute per code), else the server's message,
  // which is in English.
  var errorTexts = document.getElementById("live-errors");

  function refusal(error) {
    if (!error) { return ""; }
    var own = errorTexts && /^[a-z_]+$/.test(error.code || "") ?
      errorTexts.getAttribute("data-" + error.code.replace(/_/g, "-")) : null;
    return own || error.message || "";
  }

  // Agenda item titles by id, from the page's #item-titles (the state carries ids only).
  var titles = {};
  var pageTitles = {};  // the ids the page itself listed
  Array.prototype.forEach.call(document.querySelectorAll("#item-titles span"), function (el) {
    titles[el.dataset.id] = el.textContent;
    pageTitles[el.dataset.id] = true;
  });

  // The state's titles are the agenda as posted (docs/live.md); a page that lists the
  // agenda as it stands (the console, data-agenda="working") keeps its own for the items
  // it listed, and takes the state's for the others (added since it loaded).
  var workingAgenda = Boolean(root && root.dataset.agenda === "working");
  function learnTitle(itemId, title) {
    if (!workingAgenda || !pageTitles[itemId]) { titles[itemId] = title; }
  }

  function itemTitle(itemId) {
    return itemId ? titles[itemId] || "" : text("general");
  }

  // Statuses in which the queue can be used; a recess keeps it.
  var LIVE_STATUSES = { published: true, in_progress: true, recessed: true };
  var STATUS_NOTICES = { draft: "statusDraft", recessed: "statusRecessed", adjourned: "statusAdjourned",
                         cancelled: "statusCancelled", postponed: "statusPostponed" };

  function isLive(state) { return Boolean(LIVE_STATUSES[state.status]); }

  // The #meeting-notice line: what the meeting's status means for public comment.
  function showMeetingNotice(state) {
    var el = document.getElementById("meeting-notice");
    if (!el) { return; }
    var message = STATUS_NOTICES[state.status] ? text(STATUS_NOTICES[state.status]) : "";
    setText("meeting-notice", message);
    el.hidden = !message;
  }

  // The queue entries for the item under comment, in speaking order; none while comment is closed.
  function waitingOnCommentItem(state) {
    if (!state.comment.open) { return []; }
    return state.queue.filter(function (e) { return e.item_id === state.comment.item_id; });
  }

  // A "Comment on" list of a page loaded earlier, kept true to the state: an item whose
  // comment has been held and closed stays listed (the resident sees why it cannot be
  // picked) but is disabled; an item comment opens on that the list lacks (added to the
  // agenda since) is added; a renamed one shows its new title. Item options carry
  // data-number: the item's number when the page loaded ("" for one added since).
  // `turnOver(value)`, where given, says whether the person using the list has had their
  // turn (or been removed) on that choice ("" for general comment): greyed too, since a
  // second turn on an item is refused.
  function refreshCommentChoices(select, state, turnOver) {
    if (!select) { return; }
    var opened = state.comment.open && state.comment.item_id ? String(state.comment.item_id) : null;
    if (opened && !Array.prototype.some.call(select.options, function (o) { return o.value === opened; })) {
      var added = document.createElement("option");
      added.value = opened;
      added.dataset.number = "";
      select.appendChild(added);
    }
    var closed = state.comment.closed_item_ids || [];
    Array.prototype.forEach.call(select.querySelectorAll("option[data-number]"), function (option) {
      var title = itemTitle(option.value);
      var number = option.dataset.number;
      var label = (number ? number + " " : "") + title;
      var shut = closed.indexOf(parseInt(option.value, 10)) >= 0;
      var over = !shut && Boolean(turnOver && turnOver(option.value));
      if (option.disabled !== (shut || over)) { option.disabled = shut || over; }  // untouched on every other state
      if (shut) { label += " " + text("closedOption"); }
      if (over) { label += " " + text("turnOverOption"); }
      if (option.textContent !== label) { option.textContent = label; }
    });
    var general = turnOver && select.querySelector("option[value='']");
    if (general) {
      general.dataset.label = general.dataset.label || general.textContent;
      var overGeneral = Boolean(turnOver(""));
      var generalLabel = general.dataset.label + (overGeneral ? " " + text("turnOverOption") : "");
      if (general.disabled !== overGeneral) { general.disabled = overGeneral; }
      if (general.textContent !== generalLabel) { general.textContent = generalLabel; }
    }
  }

  // Whether the option picked in such a list is one whose comment has closed since: it
  // stays selected, greyed, and a form would send it as no choice at all (general
  // comment), so the page says why instead of sending.
  function pickedClosed(select) {
    var chosen = select && select.options[select.selectedIndex];
    return Boolean(chosen && chosen.disabled);
  }

  // A <select> the state keeps on the likely option (the item under comment, the current
  // item) until a person picks one; their pick then stands until `release()`. It never
  // moves under the person using it: what the state wanted is applied when they leave it.
  function followedChoice(select) {
    var picked = false;
    var wanted = null;
    function apply() {
      if (!select || picked || wanted === null || document.activeElement === select) { return; }
      // (Not a greyed option: the page would have to refuse it.)
      var offered = Array.prototype.some.call(select.options, function (o) { return o.value === wanted && !o.disabled; });
      if (offered && select.value !== wanted) { select.value = wanted; }
    }
    if (select) {
      // Only a person's choice fires "change"; the script's own does not.
      select.addEventListener("change", function () { picked = true; });
      select.addEventListener("blur", apply);
    }
    return {
      follow: function (value) { wanted = value; apply(); },
      release: function () { picked = false; }
    };
  }

  // A moment (ISO 8601) as the chamber's clock shows it: in the body's time zone.
  function localTime(iso, withSeconds) {
    var parts = { hour: "numeric", minute: "2-digit", timeZone: root.dataset.timezone || undefined };
    if (withSeconds) { parts.second = "2-digit"; }
    return new Date(iso).toLocaleTimeString(document.documentElement.lang || undefined, parts);
  }

  // `withoutItem`: where the page's headline is the item under comment (the chamber
  // screen), the status does not say its title a second time.
  function commentStatus(state, withoutItem) {
    if (!state.comment.open) { return text("commentClosed"); }
    // The agenda number too ("6.a"): people follow the meeting on the printed agenda.
    var number = state.comment.item_number ? state.comment.item_number + " " : "";
    var words = text("commentOpen") + (withoutItem ? "" : ": " + number + itemTitle(state.comment.item_id)) + " · " +
      text("perSpeaker", { time: clock(state.comment.seconds_per_speaker) });
    if (state.comment.period_ends_at) {
      // Once its time has passed the period stays open until the chair closes it: it
      // must not read as still running.
      var end = Date.parse(state.comment.period_ends_at);
      var ended = end <= Date.now();
      // To the second unless it ends on the minute (as the server writes it, display.end_clock):
      // the same time before and after it ends, and the console's "can close at".
      var time = localTime(state.comment.period_ends_at, end % 60000 !== 0);
      words += " · " + text(ended ? "periodEnded" : "periodUntil", { time: time });
    }
    return words;
  }

  function speakerName(entry) {
    return entry.display_name ? entry.display_name + " (" + text("nameUnverified") + ")" : speakerLabel(entry);
  }

  // The name alone: the typed one, or the entry's number within the meeting (older
  // servers' states lack it: the id then).
  function speakerLabel(entry) {
    return entry.display_name || text("speaker", { n: entry.number || entry.entry_id });
  }

  // The same, as nodes with "(name not verified)" in a span of its own, for a page that
  // sets it apart (the console's queue, in a lighter weight).
  function speakerNameNodes(entry) {
    if (!entry.display_name) { return [document.createTextNode(speakerName(entry))]; }
    var note = document.createElement("span");
    note.className = "muted name-note";
    note.textContent = "(" + text("nameUnverified") + ")";
    return [document.createTextNode(entry.display_name + " "), note];
  }

  function channelLabel(channel) {
    return channel === "in_person" ? text("inPerson") : text("remote");
  }

  function stanceLabel(stance) {
    return stance ? text(stance) : "";
  }

  function clock(seconds) {
    seconds = Math.max(0, Math.ceil(seconds));
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  var ENDING_SECONDS = 30;

  // "over" once a started timer has run out, "ending" in its last 30 seconds, else "".
  function countdownPhase(state, remaining) {
    var speaker = state && state.speaker;
    if (remaining === null || !speaker || !speaker.started_at) { return ""; }
    return remaining <= 0 ? "over" : remaining <= ENDING_SECONDS ? "ending" : "";
  }

  // The speaker's countdown in element `id`: the time left and, smaller beside it, why
  // it is not running or that time is up; `data-phase` lets the style mark the last
  // seconds (the words say "time is up" too, so colour is never the only sign).
  function showCountdown(id, state, remaining) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var time = el.querySelector(".countdown-time");
    var note = el.querySelector(".countdown-note");
    if (!time) {
      el.textContent = "";
      time = el.appendChild(document.createElement("span"));
      time.className = "countdown-time";
      el.appendChild(document.createTextNode(" "));
      note = el.appendChild(document.createElement("span"));
      note.className = "countdown-note";
    }
    var speaker = state && state.speaker;
    var phase = countdownPhase(state, remaining);
    var why = "";
    if (speaker && speaker.paused) { why = "(" + text("paused") + ")"; }
    else if (speaker && !speaker.started_at) { why = "(" + text("notStarted") + ")"; }
    else if (phase === "over") { why = text("timeUp"); }
    var label = remaining === null ? "" : clock(remaining);
    if (time.textContent !== label) { time.textContent = label; }
    if (note.textContent !== why) { note.textContent = why; }
    el.setAttribute("data-phase", phase);
  }

  // One call of a speaker: a place skipped, recalled and called again is called again.
  function callOf(speaker) {
    return speaker ? speaker.entry_id + "@" + speaker.called_at : null;
  }

  function setText(id, value) {
    var el = document.getElementById(id);
    if (el && el.textContent !== value) { el.textContent = value; }
  }

  // The same, with the agenda items' titles in it marked in their own language (the
  // clerk's, where the page is in another), so a screen reader reads each with the right
  // voice. `itemIds`: the items the sentence names (null: general comment, the page's own words).
  var titlesElement = document.getElementById("item-titles");
  var titlesLang = titlesElement ? titlesElement.getAttribute("lang") : null;
  function setTextWithItems(id, value, itemIds) {
    var el = document.getElementById(id);
    if (!el || el.textContent === value) { return; }
    var named = titlesLang ? itemIds.filter(Boolean).map(itemTitle).filter(Boolean) : [];
    var parts = [];
    var rest = value;
    for (;;) {
      // The next title said (the longer, where one title begins another).
      var at = -1, title = "";
      named.forEach(function (candidate) {
        var found = rest.indexOf(candidate);
        if (found >= 0 && (at < 0 || found < at || (found === at && candidate.length > title.length))) {
          at = found;
          title = candidate;
        }
      });
      if (at < 0) { break; }
      var span = document.createElement("span");
      span.lang = titlesLang;
      span.textContent = title;
      parts.push(document.createTextNode(rest.slice(0, at)), span);
      rest = rest.slice(at + title.length);
    }
    if (!parts.length) { el.textContent = value; return; }
    parts.push(document.createTextNode(rest));
    el.replaceChildren.apply(el, parts);
  }

  function setTextWithItem(id, value, itemId) { setTextWithItems(id, value, [itemId]); }

  var statusElement = document.getElementById("comment-status");
  var statusWithoutItem = Boolean(statusElement && statusElement.hasAttribute("data-without-item"));
  function showCommentStatus(state) {
    setTextWithItem("comment-status", commentStatus(state, statusWithoutItem),
                    state.comment.open && !statusWithoutItem ? state.comment.item_id : null);
  }

  // A message set again as it already stands changes nothing a screen reader hears, and
  // nothing anyone sees: a second refusal of the same kind would be met with silence.
  // Emptied first and set a moment later, it is read out (and seen) again.
  var ANNOUNCE_AGAIN_MS = 100;
  function announce(id, value) {
    var el = document.getElementById(id);
    if (!el) { return; }
    if (!value || el.textContent !== value) { setText(id, value); return; }
    el.textContent = "";
    window.setTimeout(function () { if (!el.textContent) { el.textContent = value; } }, ANNOUNCE_AGAIN_MS);
  }

  var CALL_TIMEOUT_MS = 10000;

  function connect(options) {
    var meetingId = parseInt(root.dataset.meeting, 10);
    var current = null;
    var receivedAt = 0;
    var auth = { meeting: meetingId };
    if (options.token) { auth.token = options.token; }
    // WebSocket first, and long-polling when it cannot be had: some carriers', offices'
    // and public Wi-Fi proxies refuse WebSocket upgrades, and Socket.IO falls back to the
    // next transport only when told to try them all.
    var socket = io("/live", { auth: auth, transports: ["websocket", "polling"], tryAllTransports: true });

    // Until the first state of each connection: the server's whole state, sent on
    // connecting, is then taken whatever its version (the server's word, as a `sync`
    // reply's is), unless a broadcast on the new connection got here first. (Set when
    // the connection is lost, not when it is made: the client hands over the state sent
    // on connecting before it says it has connected.)
    var fresh = true;

    function apply(state) {
      var whole = typeof state.previous_version !== "number";
      if (current && state.version <= current.version && !(fresh && whole)) { return; }
      fresh = false;
      // The titles the state carries are the current ones: an item added or renamed
      // since the page loaded is not (or not so) in its list.
      if (state.current_item) { learnTitle(state.current_item.item_id, state.current_item.title); }
      if (state.comment.item_id && state.comment.item_title) { learnTitle(state.comment.item_id, state.comment.item_title); }
      // A state without `previous_version` is the whole state as the server sent it on
      // connecting (or a `sync` reply): nothing before it can have been missed.
      var gap = current && !whole && state.previous_version > current.version;
      current = state;
      receivedAt = performance.now();
      options.onState(state);
      listeners.forEach(function (listener) { listener(state); });
      if (gap) { sync(); }
    }

    // The reply is read from the database before it is sent, so a change committed in
    // between may reach the page first: a reply older than a state that arrived since
    // asking is dropped (taken, it would undo a call the page has shown). With nothing
    // arrived since, the reply is taken whatever its version: the server's word.
    // (Settled once the reply is taken, or in CALL_TIMEOUT_MS without one.)
    function sync() {
      var asked = current;
      return new Promise(function (resolve) {
        if (!socket.connected) { resolve(); return; }
        window.setTimeout(resolve, CALL_TIMEOUT_MS);
        socket.emit("sync", {}, function (reply) {
          if (reply && reply.ok) {
            if (current === asked) { current = null; }
            apply(reply.state);
          }
          resolve();
        });
      });
    }

    socket.on("state", apply);
    // Until the first connection the page says it is trying, not that it is live, and
    // its controls look unavailable (a press would send nothing).
    setText("connection", text("connecting"));
    if (!root.hasAttribute("data-offline")) { root.setAttribute("data-offline", "connecting"); }
    // A connection that cannot be made (the network, or the server refusing this
    // page) leaves the controls unavailable, as offline, and says so.
    socket.on("connect_error", function () {
      root.setAttribute("data-offline", "true");
      setText("connection", text(socket.active ? "cannotConnect" : "refused"));
    });
    socket.on("connect", function () {
      root.removeAttribute("data-offline");
      // "Nothing was sent" stops being news once the connection is back.
      ["console-message", "join-error", "leave-error"].forEach(function (id) {
        var el = document.getElementById(id);
        if (el && el.textContent === text("offline")) { el.textContent = ""; }
      });
      setText("connection", text("connected"));
      if (options.onConnect) { options.onConnect(socket); }
    });
    // Offline, the page's controls look unavailable (live.css) and say so when pressed.
    socket.on("disconnect", function () {
      fresh = true;
      root.setAttribute("data-offline", "true");
      setText("connection", text("disconnected"));
    });

    function sinceState() {
      return (performance.now() - receivedAt) / 1000;
    }

    function remaining() {
      var speaker = current && current.speaker;
      if (!speaker) { return null; }
      if (!speaker.running) { return speaker.remaining_seconds; }
      return Math.max(0, speaker.remaining_seconds - sinceState());
    }

    // Seconds until a timed comment period may close under the body's rules (null: no such limit).
    function mayCloseIn() {
      var comment = current && current.comment;
      if (!comment || !comment.open || typeof comment.may_close_in_seconds !== "number") { return null; }
      return Math.max(0, comment.may_close_in_seconds - sinceState());
    }

    // Sent only while connected: Socket.IO would otherwise hold the event and send it
    // on reconnecting, acting on a press made seconds earlier about a state that has
    // moved on (a stale Call next ends the wrong speaker's turn). An event that gets no
    // answer in time is reported too; the state that follows shows what happened.
    function call(event, payload) {
      if (!socket.connected) {
        return Promise.resolve({ ok: false, error: { code: "offline", message: text("offline") } });
      }
      return new Promise(function (resolve) {
        socket.timeout(CALL_TIMEOUT_MS).emit(event, payload || {}, function (error, reply) {
          if (error) { resolve({ ok: false, error: { code: "no_answer", message: text("noAnswer") } }); return; }
          resolve(reply || { ok: false });
        });
      });
    }

    opened = { socket: socket, call: call, sync: sync, remaining: remaining, mayCloseIn: mayCloseIn,
               state: function () { return current; } };
    return opened;
  }

  // Other scripts of a live page (the proceedings summary) follow the page's own
  // connection rather than opening a second one: `listener` gets every newer state,
  // starting with the one held now. False when the page has no connection to share.
  var listeners = [];
  var opened = null;
  function listen(listener) {
    if (!opened) { return false; }
    listeners.push(listener);
    if (opened.state()) { listener(opened.state()); }
    return true;
  }

  // Every page's clock: `render` gets the speaker's remaining seconds, and the comment
  // status follows the time too (a timed period's end comes without a new state).
  function tick(live, render) {
    function step() {
      var state = live.state();
      if (state) { showCommentStatus(state); }
      render(live.remaining());
    }
    step();
    window.setInterval(step, 250);
  }

  window.DaisLive = {
    root: root, text: text, speakerName: speakerName, speakerNameNodes: speakerNameNodes, channelLabel: channelLabel,
    stanceLabel: stanceLabel, speakerLabel: speakerLabel, clock: clock, localTime: localTime, followedChoice: followedChoice, refreshCommentChoices: refreshCommentChoices, pickedClosed: pickedClosed, setText: setText, announce: announce, connect: connect, listen: listen, tick: tick, refusal: refusal,
    ENDING_SECONDS: ENDING_SECONDS, itemTitle: itemTitle, commentStatus: commentStatus, showCommentStatus: showCommentStatus,
    setTextWithItem: setTextWithItem, setTextWithItems: setTextWithItems, waitingOnCommentItem: waitingOnCommentItem, isLive: isLive, showMeetingNotice: showMeetingNotice, countdownPhase: countdownPhase,
    showCountdown: showCountdown, callOf: callOf
  };
})();

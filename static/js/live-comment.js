/* The resident's page: join (a name is optional), keep the place across reloads and
   lost connections with a token kept in this browser, and follow the queue live.
   Position changes, being skipped, the end of the place and a warning from the chair
   are announced politely; "you're next" and "you're live" assertively. */
(function () {
  "use strict";
  var L = window.DaisLive;
  if (!L.root) { return; }
  var meetingId = L.root.dataset.meeting;
  var storageKey = "dais-live-token-" + meetingId;
  // The browser's key to its places, made here before any join and shared by its tabs,
  // so two tabs joining at once are one resident: the second is refused as a second
  // place instead of being given one nobody follows. (It is a bearer secret like the
  // server's: 24 random bytes.)
  var token = window.localStorage.getItem(storageKey) || newToken();
  window.localStorage.setItem(storageKey, token);

  function newToken() {
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  // The last status this browser saw for its place, so a reload that no longer finds
  // the place (it ended, or was removed or called while the page was closed) says so.
  var lastKey = "dais-live-last-" + meetingId;
  // And which place that was: the server says how each of the token's places ended.
  var lastEntryKey = "dais-live-last-entry-" + meetingId;
  // Written at each join, so the browser's other tabs follow it (the token alone does
  // not change on a second join, and an unchanged value fires no storage event).
  var joinedKey = "dais-live-joined-" + meetingId;
  // How many places this browser has joined in the meeting: only a browser with more
  // than one needs to ask which to follow when comment moves to another item.
  var joinsKey = "dais-live-joins-" + meetingId;
  function joinsHere() { return parseInt(window.localStorage.getItem(joinsKey) || "0", 10); }
  // The entry this page follows: its id, item and last known status ("waiting",
  // "speaking", "skipped", or an end: "done", "unheard" (a turn ended before its time
  // started), "closed", "gone", "removed", "over", or "finished" while the server is
  // asked how a turn ended), `started` (while speaking: whether their time has
  // started), and `since`, the version from which the server's state includes it.
  var myEntry = null;
  // Whether this page has followed a place, or said how the last one ended.
  var settled = false;
  var lastAlert = "";
  var ENDED = { done: true, closed: true, gone: true, over: true, removed: true, finished: true, left: true,
                calledAway: true, unheard: true };
  // What the resident is told once their place is no longer waiting or speaking.
  var MESSAGES = { skipped: "skipped", closed: "skippedClosed", gone: "gone", done: "done", over: "over",
                   removed: "removed", left: "left", calledAway: "calledAway", unheard: "unheard" };
  // Whether the meeting's status lets anyone join (an adjourned meeting does not).
  var meetingLive = !document.getElementById("join-section").hidden;

  function showJoin(shown) {
    document.getElementById("join-section").hidden = !shown || !meetingLive;
  }

  // A place this browser's token still holds on another item after the followed one
  // ended (learnWhyGone): said under "your turn is over", and followed when comment
  // opens there (followCommentOpening).
  var keptElsewhere = null;

  // The items (general comment as "general") on which this browser's turn is over or
  // it was removed: the server refuses a new place there (one turn per person per
  // item), so the page does not invite the resident to ask for one.
  var turnOver = {};
  var OVER = { done: true, unheard: true, calledAway: true, finished: true, removed: true };
  function itemKey(itemId) { return itemId === null || itemId === undefined ? "general" : String(itemId); }
  // How the token's places that ended ended, from an answer to `resume`: listed beside
  // the places found, or, none found, with the refusal.
  function endingsOf(reply) {
    return (reply.ok ? reply.ended : reply.error && reply.error.details && reply.error.details.ended) || [];
  }

  function noteEndings(reply) {
    endingsOf(reply).forEach(function (place) {
      if (OVER[place.status] && "item_id" in place) { turnOver[itemKey(place.item_id)] = true; }
    });
  }

  // The browser's other places, listed under "Your place" with a Leave each:
  // `{entry_id, item_id, status, since}` as for the followed one.
  var others = [];

  function placesBesides(places, entryId, version) {
    return (places || []).filter(function (place) { return place.entry_id !== entryId; }).map(function (place) {
      return { entry_id: place.entry_id, item_id: place.item_id, status: place.status,
               since: Math.max(place.since || 0, version || 0) };
    });
  }

  // Follow `entry`. `places`, when the server listed them (`resume`), are all the
  // token's places; otherwise (a join) the place followed until now, if it still
  // waits, becomes one of the others.
  function remember(entry, version, places) {
    settled = true;
    keptElsewhere = null;
    var before = myEntry && !ENDED[myEntry.status] ? [myEntry] : [];
    // The chair's hiding of the name is said until the page follows another place.
    var sameName = myEntry && myEntry.entry_id === entry.entry_id && !entry.display_name;
    // Whether this page saw the place's turn under way is kept when the place is found again.
    var started = myEntry && myEntry.entry_id === entry.entry_id ? myEntry.started : undefined;
    others = placesBesides(places || before.concat(others), entry.entry_id, version);
    // The places found by `resume` count as this browser's joins: with two, the page
    // follows the one comment opens on (followCommentOpening), though it joined one.
    if (places && places.length > joinsHere()) { window.localStorage.setItem(joinsKey, String(places.length)); }
    myEntry = { entry_id: entry.entry_id, item_id: entry.item_id, status: entry.status,
                position: entry.position, since: version || 0, display_name: entry.display_name || null,
                number: entry.number, started: started };
    // An anonymous resident is listed as "Speaker <number>": they should know it's them.
    // "Speaker 7" is a label, and a number beside "number 6 in line": say which is which.
    L.setText("my-name", L.text(entry.display_name ? "listedAs" : "listedAsNumber", { name: L.speakerName(entry) }));
    // Found again (a reload, another tab) with the name the chair hid: still said why.
    if (entry.name_hidden) { L.setText("my-name-note", L.text("nameHiddenNotice")); }
    else if (!sameName) { L.setText("my-name-note", ""); }
    L.setText("join-note", "");
    L.setText("join-error", "");
    L.setText("my-note", "");
    document.getElementById("you").hidden = false;
    showJoin(false);
  }

  function forget(message) {
    settled = true;
    myEntry = null;
    keptElsewhere = null;
    others = [];
    document.getElementById("you").hidden = true;
    showJoin(true);
    // Said where the resident now looks: above the join form that has come back. A live
    // region shown already filled is not read out, so it is filled a moment later.
    L.setText("join-note", "");
    if (message) { window.setTimeout(function () { if (!myEntry) { L.setText("join-note", message); } }, 150); }
    L.setText("join-error", "");
    L.setText("also-join", "");  // no place is kept any more
    L.setText("my-warning", "");
    L.setText("my-name-note", "");
    setStatus("", false);
    setWait("");
    clearAlert();
  }

  function byId(entries, entryId) {
    return entries.filter(function (e) { return e.entry_id === entryId; })[0];
  }

  // A resident who waits with the page in a background tab (or the phone in a pocket)
  // cannot hear the live region: the tab's title carries the alert too, and a phone
  // that can vibrates once when it first appears.
  var pageTitle = document.title;

  function alertOnce(message) {
    if (message !== lastAlert) {
      lastAlert = message;
      L.setText("my-alert", message);
      document.title = message ? message + " — " + pageTitle : pageTitle;
      // Browsers refuse (with a console warning) to vibrate for a page never touched,
      // as after a reload that found the place again: such a page is not asked to.
      var touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
      if (message && navigator.vibrate && touched) { navigator.vibrate([200, 100, 200]); }
    }
  }

  // Emptied so "you're next" never outlives the state that made it true; the next
  // time it becomes true it is announced again.
  function clearAlert() { alertOnce(""); }

  // The polite status line: the place in line, or, as a notice, why there is none.
  function setStatus(message, notice) {
    var el = document.getElementById("my-position");
    el.className = notice ? "notice" : "";
    L.setText("my-position", message);
  }

  // The wait, shown as it changes; read out (#my-wait-said, in the place's live region)
  // when it is a reason (comment not open, closed, a place kept) or an estimate for a
  // place that has just moved or a time per speaker the chair has just changed. An
  // estimate that only follows the clock is not read out again while the place stays
  // where it was.
  var estimateSaidAt = null;  // #my-position's text and the time per speaker when the estimate read out was made

  // `itemId`: the item the message names, if any (its title is marked in its language).
  function setWait(message, estimate, secondsPerSpeaker, itemId) {
    L.setTextWithItems("my-wait", message, [itemId]);
    document.getElementById("my-wait").hidden = !message;
    var basis = document.getElementById("my-position").textContent + "|" + secondsPerSpeaker;
    if (estimate && estimateSaidAt === basis) { return; }
    // Nothing to estimate yet (a place known from the join's answer before the state
    // with those ahead): an estimate that comes for this place is still news.
    if (estimate && !message) { L.setText("my-wait-said", ""); return; }
    estimateSaidAt = estimate ? basis : null;
    L.setText("my-wait-said", message);
  }

  // Said once each: "you are live", "30 seconds left" as the countdown turns, "your time
  // is up" when it runs out, and "you have more time" if the chair then adds some (not
  // "you are live" again, which would sound like a new turn).
  var pausedByRecess = false;  // the time running when the recess began stays paused after it
  function speakingAlert(state, remaining) {
    // Offline, the clock shown runs on, but what it would announce ("30 seconds left",
    // "your time is up") is not said as fact: the chair may have paused or ended the turn.
    if (!live.socket.connected) { return; }
    // A recess pauses the speaker's time; the turn is kept for when the chair resumes it.
    if (state.status === "recessed") {
      pausedByRecess = Boolean(state.speaker.started_at);
      alertOnce(L.text(state.speaker.started_at ? "recessSpeaking" : "recessCalled"));
      return;
    }
    // Called, but their time not started: a remote speaker is most likely still muted.
    if (!state.speaker.started_at) { pausedByRecess = false; alertOnce(L.text("liveReady")); return; }
    // Paused by the chair (a speaker who cannot see the clock would not know), or still
    // paused after the recess, until the chair resumes it; resumed, the alerts below
    // carry on ("you are live", or the last 30 seconds).
    if (state.speaker.paused) { alertOnce(L.text(pausedByRecess ? "reconvenedPaused" : "yourTimePaused")); return; }
    pausedByRecess = false;
    var phase = L.countdownPhase(state, remaining);
    // Resumed after a pause: said as such, with where the time stands, not "30 seconds
    // left" again with fewer left, or nothing at all.
    var wasPaused = lastAlert === L.text("yourTimePaused") || lastAlert === L.text("reconvenedPaused");
    if (wasPaused && phase !== "over") {
      alertOnce(L.text(phase === "ending" && state.speaker.allotted_seconds > L.ENDING_SECONDS ? "resumedEnding"
                                                                                             : "resumedTime"));
      return;
    }
    var live_ = L.text("live"), moreTime = L.text("moreTime"), calledUp = L.text("calledTimeUp");
    // The last 30 seconds said alone, or after "you are live" (by a page that has said
    // nothing of this turn yet), "30 seconds left" or, reached late (back online with 12
    // seconds to go), "less than 30 seconds left".
    var endings = ENDING_ALERTS.map(function (key) { return L.text(key); });
    endings = endings.concat(endings.map(function (ending) { return live_ + " " + ending; }));
    // A page that has said nothing of this turn yet (back online late in it, or after it
    // ran out) says first that the resident was called: "30 seconds left" or "your time
    // is up" alone would be news of a turn they never heard begin. (Said that way, each
    // stays while its phase lasts.)
    var wasEnding = endings.indexOf(lastAlert) >= 0;
    var told = wasEnding || SPEAKING_ALERTS.some(function (key) { return lastAlert === L.text(key); });
    var timeUp = told && lastAlert !== calledUp ? L.text("yourTimeUp") : calledUp;
    var ending = L.text(remaining < L.ENDING_SECONDS - 5 ? "endingSoonLate" : "endingSoon");
    var wasOver = lastAlert === L.text("yourTimeUp") || lastAlert === calledUp;
    if (phase === "over") { alertOnce(timeUp); }
    else if (wasOver || lastAlert === moreTime || (wasEnding && phase !== "ending")) { alertOnce(moreTime); }
    // (A turn shorter than that is "ending" from its start: no warning then. Once said, the
    // warning stays as it was said, not said again as the seconds run down.)
    else if (phase === "ending" && state.speaker.allotted_seconds > L.ENDING_SECONDS) {
      if (!wasEnding) { alertOnce(told ? ending : live_ + " " + ending); }
    }
    // (After "the chair resumed your time", that stays: "you are live" would say it twice.)
    else if (lastAlert !== L.text("resumedTime")) { alertOnce(live_); }
  }
  var ENDING_ALERTS = ["endingSoon", "endingSoonLate", "resumedEnding"];
  // What this page may have said of the resident's turn (each alone, or "live" with the
  // last 30 seconds): one of them said means the resident knows they were called.
  var SPEAKING_ALERTS = ["live", "liveReady", "yourTimeUp", "calledTimeUp", "moreTime",
                         "yourTimePaused", "reconvenedPaused", "recessSpeaking", "recessCalled", "resumedTime"];

  function commentOpenOnMine(state) {
    return state.comment.open && state.comment.item_id === myEntry.item_id;
  }

  // The server sends no status for the resident's own entry: it is read from where
  // the entry appears (skipped entries are listed only while comment on their item is
  // open). Absent from all three, the place has ended: after speaking, the turn is
  // over, or the chair removed the speaker (the server is asked which); a skipped
  // resident whose comment closed can no longer be recalled; otherwise they were
  // removed or left elsewhere (or were called while this page was offline).
  function placeIn(state) {
    var id = myEntry.entry_id;
    // Adjourned, cancelled or postponed: a place still open ends with the meeting. The
    // speaker's turn ends as spoken (the server records it done), and is thanked for.
    if (!meetingLive) {
      // (Called but their time not started: nothing was said to thank them for.)
      var ended = ENDED[myEntry.status] ? myEntry.status :
        myEntry.status === "speaking" && myEntry.started !== false ? "done" : "over";
      return { status: ended, entry: null };
    }
    if (state.speaker && state.speaker.entry_id === id) { return { status: "speaking", entry: state.speaker }; }
    var waiting = byId(state.queue, id);
    if (waiting) { return { status: "waiting", entry: waiting }; }
    var skipped = byId(state.skipped || [], id);
    if (skipped) { return { status: "skipped", entry: skipped }; }
    // A state older than the join or resume reply cannot show the entry yet.
    if (state.version < myEntry.since) { return { status: myEntry.status, entry: myEntry }; }
    if (ENDED[myEntry.status]) { return { status: myEntry.status, entry: null }; }
    if (myEntry.status === "speaking") { return { status: "finished", entry: null }; }
    if (myEntry.status === "skipped" && !commentOpenOnMine(state)) { return { status: "closed", entry: null }; }
    return { status: "gone", entry: null };
  }

  // The wait: the time of those ahead, and what the speaker on the item has left, as the
  // clock counts it (so it goes down during a turn; the words change once a minute).
  function showWait(state, mine, speakerRemaining) {
    var seconds = 0;
    state.queue.forEach(function (entry) {
      if (entry.item_id === mine.item_id && entry.position < mine.position) { seconds += entry.expected_seconds; }
    });
    if (state.speaker && state.speaker.item_id === mine.item_id) { seconds += speakerRemaining || 0; }
    // Nobody ahead and nobody speaking on the item: no wait to estimate ("you are next" says it).
    // (Nothing to estimate, the speaker ahead over their time, is still an estimate: not
    // read out as news while the place stays where it is.)
    setWait(seconds > 0 ? L.text("wait", { minutes: Math.max(1, Math.round(seconds / 60)) }) : "", true,
            state.comment.seconds_per_speaker);
  }

  function showWaiting(state, mine) {
    if (!mine.position) { setStatus("", false); setWait(""); clearAlert(); return; }
    var ahead = mine.position - 1;
    setStatus(L.text(ahead ? "position" : "positionFirst", { position: mine.position, ahead: ahead }), false);
    // Signed up early, or comment on the item closed: no wait to estimate until it opens.
    if (!commentOpenOnMine(state)) {
      var held = (state.comment.closed_item_ids || []).indexOf(mine.item_id) >= 0;
      // (General comment is not an agenda item: it is not called one.)
      setWait(L.text(held ? "heldClosed" : mine.item_id === null ? "generalNotOpen" : "notOpen"));
      clearAlert();
      return;
    }
    // In recess nobody is called and nobody knows for how long: no estimate, and
    // "you are next" waits for the meeting to resume.
    if (state.status === "recessed") { setWait(L.text("recessWait")); clearAlert(); return; }
    showWait(state, mine, live.remaining());
    if (ahead === 0) { alertOnce(L.text("next")); } else { clearAlert(); }
  }

  // How place `entryId` ended, as this page says it, from the server's answer to
  // `resume` (null when it does not say): not found, it lists how each of the token's
  // places ended (`details.ended`); found, a place still skipped is one whose comment
  // closed before the chair recalled it.
  // `resume` refused for want of an answer (none in time, offline again, the server busy)
  // says nothing of the place: it is asked again, never taken for "no place".
  var UNANSWERED = { no_answer: true, offline: true, rate_limited: true, server_error: true };
  var ASK_AGAIN_MS = 3000;
  function unanswered(reply) {
    return !reply.ok && Boolean(reply.error && UNANSWERED[reply.error.code]);
  }

  // How the place `entryId`, last seen `last`, ended, as the resident is told it.
  function endingMessage(reply, entryId, last) {
    var ended = missedTurn(endingIn(reply, entryId), last) ||
      (last === "speaking" || last === "finished" ? "done" : last);
    var reason = ended === "removed" ? removalReason(reply, entryId) : "";
    if (reason) { return L.text("removedBecause", { reason: reason }); }
    return L.text(ENDED[ended] && MESSAGES[ended] ? MESSAGES[ended] : "gone");
  }

  // The reason the chair gave for removing this place, if they did.
  function removalReason(reply, entryId) {
    var mine = endingsOf(reply).filter(function (e) { return e.entry_id === entryId; })[0];
    return (mine && mine.status === "removed" && mine.reason) || "";
  }

  function endingIn(reply, entryId) {
    if (reply.ok && reply.entry.entry_id === entryId) { return reply.entry.status === "skipped" ? "closed" : null; }
    var mine = endingsOf(reply).filter(function (e) { return e.entry_id === entryId; })[0];
    // A turn ended before its time started (`heard` false) is not thanked for.
    if (mine && mine.status === "done" && mine.heard === false) { return "unheard"; }
    return (mine && { removed: "removed", done: "done", left: "left" }[mine.status]) || null;
  }

  // A turn that began and ended while this page did not follow it was not had here:
  // thanking the resident for a comment they may never have made would be wrong.
  // (`lastSeen` is the status this page last gave the place, stored across reloads.)
  var NOT_SEEN_SPEAKING = { waiting: true, skipped: true, gone: true, calledAway: true };
  function missedTurn(ended, lastSeen) {
    return (ended === "done" || ended === "unheard") && NOT_SEEN_SPEAKING[lastSeen] ? "calledAway" : ended;
  }

  // A place that vanished from the state ("gone") was removed, or left from another
  // page, or called while this one was offline; a turn that ended ("finished") was
  // had, or the chair removed the speaker: the server says which (to this token only).
  // A turn it says nothing about (no answer, say) was most likely had.
  var askingWhy = null;  // the entry whose ending the server is being asked about
  function learnWhyGone(entryId, asked) {
    askingWhy = entryId;
    live.call("resume", { token: token }).then(function (reply) {
      if (unanswered(reply)) {
        // No answer is not "the turn was had": a removed speaker would be thanked. Asked
        // again while the place is still the one followed, and the page says nothing yet.
        window.setTimeout(function () {
          if (myEntry && myEntry.entry_id === entryId && myEntry.status === asked) { learnWhyGone(entryId, asked); }
          else if (askingWhy === entryId) { askingWhy = null; }
        }, ASK_AGAIN_MS);
        return;
      }
      if (askingWhy === entryId) { askingWhy = null; }
      noteEndings(reply);
      if (!myEntry || myEntry.entry_id !== entryId || myEntry.status !== asked) { return; }
      // The token's other place, still in line (the server gives it when this one ended).
      keptElsewhere = reply.ok && reply.entry.entry_id !== entryId ? reply.entry : null;
      if (reply.ok) { others = placesBesides(reply.places, entryId, reply.version); }
      // A turn this page saw under way, then skipped, and ended from another tab (or called
      // again meanwhile) was had here: thanked for, not "called while away".
      var ended = endingIn(reply, entryId);
      var status = (ended === "done" && myEntry.started ? "done" : missedTurn(ended, asked)) ||
        (asked === "finished" ? "done" : null);
      if (status) { myEntry.status = status; }
      myEntry.reason = removalReason(reply, entryId);
      if (live.state()) { render(live.state()); }  // what the server said, or "no longer in the queue"
    });
  }

  // Once "you are live" is on screen the page tells the server, and the chair's console
  // shows that this page is open: a speaker whose page never says so can be skipped
  // rather than waited for. Said once per call (a second call of the same place, after
  // a skip and a recall, is another), and again if it did not get through.
  var seenSent = null;
  function confirmSeen(speaker) {
    var call = L.callOf(speaker);
    if (speaker.seen_at || seenSent === call || !live.socket.connected) { return; }
    seenSent = call;
    live.call("seen_call", { token: token }).then(function (reply) {
      if (!reply.ok && seenSent === call) { seenSent = null; }
    });
  }

  // This browser's token may hold places on several items (general comment and an
  // item, say), and the page follows one. When comment opens on another item, the
  // server is asked for the place to follow (`resume` gives the one under comment
  // first): otherwise the chair could call a place this page is not watching. (Only
  // a browser that joined more than once asks: a comment opening must not bring a
  // `resume` from every page at once.)
  var commentOn = null;
  function followCommentOpening(state) {
    var now = state.comment.open ? "item " + state.comment.item_id : "closed";
    var opened = commentOn !== null && now !== commentOn && state.comment.open;
    commentOn = now;
    if (!opened || !myEntry || myEntry.item_id === state.comment.item_id ||
        joinsHere() < 2) { return; }
    var following = myEntry.entry_id;
    live.call("resume", { token: token }).then(function (reply) {
      if (!reply.ok || !myEntry || myEntry.entry_id !== following || reply.entry.entry_id === following) { return; }
      remember(reply.entry, reply.version, reply.places);
      if (live.state()) { render(live.state()); }
    });
  }

  // One of the browser's other places is called while the page follows another (its
  // `resume` when comment opened went unanswered, say): followed at once, so that the
  // resident hears "you are live" rather than that the other place has ended.
  function followCalledPlace(state) {
    if (!myEntry || !state.speaker) { return; }
    var called = others.filter(function (place) { return place.entry_id === state.speaker.entry_id; })[0];
    if (!called) { return; }
    remember({ entry_id: called.entry_id, item_id: called.item_id, status: "speaking", position: null,
               display_name: state.speaker.display_name, number: state.speaker.number }, state.version, null);
  }

  // After leaving one place (on item `leftItem`), the browser's other one, if it has one:
  // followed again, and said so (the "you left" above the join form would be gone).
  function followAnotherPlace(leftItem) {
    live.call("resume", { token: token }).then(function (reply) {
      if (!reply.ok || myEntry) { return; }
      remember(reply.entry, reply.version, reply.places);
      if (live.state()) { render(live.state()); }
      var note = L.text("leftKept", { left: L.itemTitle(leftItem), kept: L.itemTitle(reply.entry.item_id) });
      window.setTimeout(function () {
        if (myEntry) { L.setTextWithItems("my-note", note, [leftItem, reply.entry.item_id]); }
      }, 150);
      document.getElementById("you-heading").focus();
    });
  }

  // The browser's other places, as the server lists them now, beside the one followed.
  function findOtherPlaces(following) {
    live.call("resume", { token: token }).then(function (reply) {
      if (!reply.ok || !myEntry || myEntry.entry_id !== following) { return; }
      others = placesBesides(reply.places, following, reply.version);
      if (live.state()) { render(live.state()); }
    });
  }

  // The chair warned this resident (on this place or another: a warning is given to the
  // person), and they are told what for: the state says when, `resume` what the chair
  // gave as the reason. Nothing is said until the server answers, so the live region is
  // read out once, with the reason, not a bare warning and then the same with it.
  var warning = { at: null, reason: null };
  var askedWarning = null;
  function noteWarning(reply) {
    if (reply.ok && reply.warning) { warning = { at: reply.warning.at, reason: reply.warning.reason }; }
  }
  function showWarning(at) {
    if (!at) { L.setText("my-warning", ""); return; }
    if (warning.at === at) {
      L.setText("my-warning", warning.reason ? L.text("warnedBecause", { reason: warning.reason }) : L.text("warnedNotice"));
      return;
    }
    if (askedWarning === at) { return; }
    askedWarning = at;
    live.call("resume", { token: token }).then(function (reply) {
      // Unanswered, or from an older server: the warning without its reason.
      warning = { at: at, reason: reply.ok && reply.warning ? reply.warning.reason : null };
      if (myEntry && live.state()) { render(live.state()); }
    });
  }

  // The chair hid the name this resident gave (an insult, or someone else's title): they
  // keep their place, listed by their number, and are told why the name went.
  function showHiddenName(entry) {
    if (!entry || entry === myEntry || !("display_name" in entry) || !myEntry.display_name || entry.display_name) {
      return;
    }
    myEntry.display_name = null;
    L.setText("my-name", L.text("listedAsNumber", { name: L.speakerName({ number: entry.number || myEntry.number,
                                                                           entry_id: myEntry.entry_id }) }));
    L.setText("my-name-note", L.text("nameHiddenNotice"));
  }

  // Called, the resident's countdown is what they need to see: on a phone they may have
  // scrolled away to read the agenda, or reopened the page at its top. Brought on screen
  // once, when the turn comes (not at every state, which would fight their scrolling).
  function bringOnScreen(el) {
    var box = el.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) { el.scrollIntoView({ block: "center" }); }
  }

  function renderMine(state) {
    var place = placeIn(state);
    var status = place.status;
    var wasSpeaking = myEntry.status === "speaking";
    // The item is the state's: a place moves to general comment when its item leaves the agenda.
    if (place.entry && place.entry !== myEntry && "item_id" in place.entry) { myEntry.item_id = place.entry.item_id; }
    if ((status === "gone" || status === "finished") && myEntry.status !== status) {
      learnWhyGone(myEntry.entry_id, status);
    }
    // Reinstated: the places on other items that the removal ended came back with it.
    if (myEntry.status === "removed" && status === "waiting") { findOtherPlaces(myEntry.entry_id); }
    myEntry.status = status;
    if (OVER[status]) { turnOver[itemKey(myEntry.item_id)] = true; }
    window.localStorage.setItem(lastKey, status);
    window.localStorage.setItem(lastEntryKey, String(myEntry.entry_id));
    showWarning(place.entry && place.entry.warned ? place.entry.warned_at || "given" : null);
    showHiddenName(place.entry);
    document.getElementById("my-countdown").hidden = status !== "speaking";
    // A skipped resident may withdraw too, so the chair does not recall someone who has gone.
    var leave = document.getElementById("leave");
    var leaveHadFocus = document.activeElement === leave;
    leave.hidden = status !== "waiting" && status !== "speaking" && status !== "skipped";
    // Hidden under the resident's finger (the chair ended the turn, say): focus goes to
    // the heading of what now says so, not back to the top of the page.
    if (leaveHadFocus && leave.hidden) { document.getElementById("you-heading").focus(); }
    // While speaking, the same button ends the turn, and says so.
    var leaveLabel = L.text(status === "speaking" ? "endTurn" : "leaveQueue");
    if (leave.textContent !== leaveLabel) { leave.textContent = leaveLabel; }
    if (ENDED[status]) { L.setText("leave-error", ""); }
    // "No answer… the page shows what happened as soon as it hears back": it has heard
    // back (this state), and it shows the place still held.
    else if (document.getElementById("leave-error").textContent ===
             L.refusal({ code: "no_answer", message: L.text("noAnswer") })) { L.setText("leave-error", ""); }
    // Once the place has ended the resident may ask to speak on something else; while it
    // waits for its item, they may also ask to speak on the one comment is open on.
    var elsewhere = (status === "waiting" || status === "skipped") && state.comment.open &&
      state.comment.item_id !== myEntry.item_id && !turnOver[itemKey(state.comment.item_id)];
    showJoin(Boolean(ENDED[status]) || elsewhere);
    L.setTextWithItems("also-join", elsewhere ? L.text("alsoJoin", { item: L.itemTitle(myEntry.item_id),
                                                                     open: L.itemTitle(state.comment.item_id) }) : "",
                       [myEntry.item_id, state.comment.item_id]);
    if (status === "waiting") { showWaiting(state, place.entry); return; }
    setWait("");
    if (status === "speaking") {
      myEntry.started = Boolean(place.entry.started_at);
      if (!wasSpeaking) { bringOnScreen(document.getElementById("my-countdown")); }
      setStatus("", false);
      speakingAlert(state, live.remaining());
      confirmSeen(place.entry);
      return;
    }
    clearAlert();
    // Nothing is said until the server answers: a thank-you, or "no longer in the queue",
    // that "the chair removed you" then contradicts would be read out twice, the wrong
    // one first.
    if ((status === "finished" || status === "gone") && askingWhy === myEntry.entry_id) {
      setStatus("", false);
      return;
    }
    if (status === "finished") { status = "done"; }
    setStatus(status === "removed" && myEntry.reason ? L.text("removedBecause", { reason: myEntry.reason })
                                                     : L.text(MESSAGES[status]), true);
    if (ENDED[status] && keptElsewhere) {
      setWait(L.text("keptPlace", { item: L.itemTitle(keptElsewhere.item_id) }), false, undefined, keptElsewhere.item_id);
    }
  }

  // Each other place as the state shows it: its place in line, or skipped. One the
  // state no longer shows (left from another tab, removed, or skipped and its comment
  // closed) is no longer listed.
  function renderOthers(state) {
    var list = document.getElementById("others-list");
    // Once the meeting is over no place is waiting, whatever the state still lists.
    if (!meetingLive) { document.getElementById("my-others").hidden = true; return; }
    var rows = [];
    var ended = [];
    others = others.filter(function (place) {
      var waiting = byId(state.queue, place.entry_id);
      var skipped = !waiting && byId(state.skipped || [], place.entry_id);
      if (!waiting && !skipped && state.version >= place.since) { ended.push(place); return false; }
      var item = L.itemTitle(place.item_id);
      if (waiting) { place.status = "waiting"; place.position = waiting.position; }
      if (skipped) { place.status = "skipped"; }
      rows.push([place, place.status === "skipped" ? L.text("otherSkipped", { item: item })
                                                   : L.text("otherPlace", { item: item, position: place.position || "…" })]);
      return true;
    });
    document.getElementById("my-others").hidden = !myEntry || !rows.length;
    // One that ended elsewhere (the chair removed it, another tab left it, or it was
    // skipped and its comment closed) is not dropped without a word.
    if (ended.length && myEntry) {
      L.setTextWithItems("my-note", ended.map(function (place) {
        return L.text("otherEnded", { item: L.itemTitle(place.item_id) });
      }).join(" "), ended.map(function (place) { return place.item_id; }));
    }
    // Rebuilt only when what it says changes, so focus stays on a button being pressed.
    var said = rows.map(function (row) { return row[0].entry_id + ":" + row[1]; }).join("|");
    if (list.dataset.said === said) { return; }
    list.dataset.said = said;
    list.textContent = "";
    rows.forEach(function (row) {
      var li = document.createElement("li");
      var line = document.createElement("span");
      line.textContent = row[1] + " ";
      var leave = document.createElement("button");
      leave.type = "button";
      leave.className = "button small";
      leave.textContent = L.text("leaveOther");
      // Its name starts with the words on it (WCAG 2.5.3), then says which place.
      leave.setAttribute("aria-label", L.text("leaveOtherLabel", { item: L.itemTitle(row[0].item_id) }));
      leave.dataset.entry = String(row[0].entry_id);
      li.append(line, leave);
      list.appendChild(li);
    });
  }

  // The "Comment on" choice: what a page loaded now would preselect (the item under
  // comment, else general comment), until the resident picks one by hand (nothing is
  // announced: the choice is read with the form).
  var itemChoice = L.followedChoice(document.getElementById("join-item"));

  function render(state) {
    L.showCommentStatus(state);
    L.showMeetingNotice(state);
    meetingLive = L.isLive(state);
    // Where to speak is news only while the meeting is live.
    var where = document.getElementById("speak-where");
    if (where) { where.hidden = !meetingLive; }
    followCommentOpening(state);
    followCalledPlace(state);
    L.refreshCommentChoices(document.getElementById("join-item"), state, function (value) {
      return turnOver[value === "" ? "general" : value];
    });
    itemChoice.follow(state.comment.open && state.comment.item_id ? String(state.comment.item_id) : "");
    if (myEntry) { renderMine(state); } else { showJoin(true); }
    renderOthers(state);
    L.setText("speaker", state.speaker ? L.speakerName(state.speaker) : L.text("nobody"));
    // One line at a time, numbered by place: the resident's own item while they hold a
    // place on it, else the item under comment (each item has its own line).
    var shown = myEntry && !ENDED[myEntry.status] ? myEntry.item_id : state.comment.open ? state.comment.item_id : undefined;
    var line = shown === undefined ? [] : state.queue.filter(function (e) { return e.item_id === shown; });
    L.setTextWithItem("queue-item", shown === undefined ? "" : L.text("queueFor", { item: L.itemTitle(shown) }), shown);
    var list = document.getElementById("queue");
    list.textContent = "";
    line.forEach(function (entry) {
      var li = document.createElement("li");
      li.value = entry.position;
      li.textContent = L.speakerName(entry);
      if (myEntry && entry.entry_id === myEntry.entry_id) {
        li.className = "mine";  // in bold, and said in words: "Speaker 7" alone is easy to forget
        li.setAttribute("aria-current", "true");
        li.appendChild(document.createTextNode(" " + L.text("you")));
      }
      list.appendChild(li);
    });
    if (!line.length) {
      var empty = document.createElement("li");
      empty.className = "live-empty";
      empty.textContent = L.text("empty");
      list.appendChild(empty);
    }
  }

  // What a page opened again says of the place this browser last followed, which
  // `resume` no longer finds: how the server says it ended, else as last seen here
  // (last seen speaking, the turn has most likely been had since). Nothing when this
  // browser followed none, or gave it up itself.
  function endedNote(reply) {
    var last = window.localStorage.getItem(lastKey);
    if (!last) { return ""; }
    return endingMessage(reply, parseInt(window.localStorage.getItem(lastEntryKey), 10), last);
  }

  // A page opened again that finds other places of this browser: the one it followed
  // last may have ended while it was closed (called, say). Said, rather than silently
  // following another place; nothing if it is still held, or had ended already here.
  function endedWhileAway(reply) {
    var lastId = parseInt(window.localStorage.getItem(lastEntryKey), 10);
    var last = window.localStorage.getItem(lastKey);
    var held = (reply.places || [reply.entry]).some(function (place) { return place.entry_id === lastId; });
    var ended = endingsOf(reply).filter(function (place) { return place.entry_id === lastId; })[0];
    if (!lastId || !last || held || ENDED[last] || !ended) { return ""; }
    return L.text("endedOn", { item: L.itemTitle(ended.item_id), ending: endedNote(reply) });
  }

  // The place this page followed vanished or ended while the page was still asking the
  // server how (the answer lost), and `resume` now gives another place of the browser's:
  // said, rather than silently following the other one.
  function endedWhileFollowed(reply) {
    if (!myEntry || (myEntry.status !== "gone" && myEntry.status !== "finished")) { return ""; }
    var held = (reply.places || [reply.entry]).some(function (place) { return place.entry_id === myEntry.entry_id; });
    if (held || !endingsOf(reply).some(function (place) { return place.entry_id === myEntry.entry_id; })) { return ""; }
    return L.text("endedOn", { item: L.itemTitle(myEntry.item_id),
                               ending: endingMessage(reply, myEntry.entry_id, myEntry.status) });
  }

  var live = L.connect({
    token: token,
    onState: render,
    onConnect: function () {
      // A browser that has never joined has no place to find.
      if (window.localStorage.getItem(joinedKey)) { findMyPlace(); }
    }
  });

  function findMyPlace() {
    live.call("resume", { token: token }).then(function (reply) {
      if (unanswered(reply)) {
        window.setTimeout(function () { if (live.socket.connected) { findMyPlace(); } }, ASK_AGAIN_MS);
        return;
      }
      noteEndings(reply);
      noteWarning(reply);
      // `resume` finds a waiting, speaking or skipped place. A place this page already
      // follows and `resume` no longer finds (it ended while the connection was down)
      // is placed by the state; otherwise the stored token has no place left.
      if (reply.ok) {
        var note = settled ? endedWhileFollowed(reply) : endedWhileAway(reply);
        remember(reply.entry, reply.version, reply.places);
        // Under "Your place", where the resident now looks (filled a moment after the
        // section is shown, so that it is read out).
        if (note) { window.setTimeout(function () { if (myEntry) { L.setText("my-note", note); } }, 150); }
      }
      else if (!myEntry) {
        // Once this page has followed a place or said how the last one ended, the note
        // is already there: said again on reconnecting it would be read out again, or
        // wiped (a resident who ended their own turn or left has no last status stored).
        if (!settled) { forget(endedNote(reply)); }
        return;
      }
      if (live.state()) { render(live.state()); }
    });
  }

  L.tick(live, function (remaining) {
    var state = live.state();
    L.setText("speaker-time", remaining === null ? "" : " · " + L.clock(remaining));
    var waiting = myEntry && myEntry.status === "waiting" && state && byId(state.queue, myEntry.entry_id);
    if (waiting && waiting.position && commentOpenOnMine(state) && state.status !== "recessed") {
      showWait(state, waiting, remaining);
    }
    if (myEntry && state && state.speaker && state.speaker.entry_id === myEntry.entry_id) {
      L.showCountdown("my-clock", state, remaining);
      speakingAlert(state, remaining);
    }
  });

  var form = document.getElementById("join-form");
  var joining = false;
  if (form) {
    form.hidden = false;
    document.getElementById("join-loading").hidden = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      // A choice made by hand before its item's comment closed (L.pickedClosed).
      var picked = document.getElementById("join-item");
      if (L.pickedClosed(picked)) {
        var key = picked.value === "" ? "general" : picked.value;
        L.announce("join-error", L.refusal({ code: turnOver[key] ? "already_queued" : "comment_closed" }));
        return;
      }
      var itemId = data.get("item_id");
      var payload = { item_id: itemId ? parseInt(itemId, 10) : null, interpreter: data.get("interpreter") === "on" };
      var name = (data.get("display_name") || "").trim();
      if (name) { payload.display_name = name; }
      if (data.get("stance")) { payload.stance = data.get("stance"); }
      // A double tap sends one join (the second would only be refused as a duplicate).
      if (joining) { return; }
      // On a slow connection the answer takes seconds: the button says it is on its way.
      var button = form.querySelector("button[type=submit]");
      var label = button.textContent;
      if (live.socket.connected) {
        joining = true;
        button.setAttribute("aria-disabled", "true");
        button.textContent = L.text("joining");
      }
      // Marked before it is sent: if the join goes in and its answer is lost (the signal
      // drops, the tab is closed), the page asks for this browser's places when it
      // connects again, instead of never showing a place the chair can call.
      if (!window.localStorage.getItem(joinedKey)) { window.localStorage.setItem(joinedKey, "sent"); }
      live.call("join_queue", payload).then(function (reply) {
        if (joining) { button.removeAttribute("aria-disabled"); button.textContent = label; }
        joining = false;
        if (!reply.ok) {
          L.announce("join-error", L.refusal(reply.error));
          // It may have gone in with the answer lost, or an earlier join did: the place is
          // looked up, so it shows and can be left.
          var code = reply.error && reply.error.code;
          if (code === "no_answer" || code === "already_queued") { findPlaces(); }
          return;
        }
        L.setText("join-error", "");
        // The choice is spent: for the next join it follows the item under comment again.
        itemChoice.release();
        // So is the stance, which was for that item: carried over, it would be recorded
        // for the next one unasked. (The name and the interpreter are the person's: kept.)
        Array.prototype.forEach.call(form.querySelectorAll("input[name=stance]"), function (r) { r.checked = false; });
        token = reply.entry.token;
        window.localStorage.setItem(storageKey, token);
        window.localStorage.setItem(joinedKey, String(reply.entry.entry_id));
        window.localStorage.setItem(joinsKey, String(joinsHere() + 1));
        remember(reply.entry, reply.version);
        if (live.state()) { render(live.state()); }
        document.getElementById("you-heading").focus();
      });
    });
  }

  // Another tab of this browser joined: follow that place here too (with its token,
  // so a join from this tab is refused as a second place, not given one).
  window.addEventListener("storage", function (event) {
    if ((event.key !== storageKey && event.key !== joinedKey) || !event.newValue) { return; }
    token = window.localStorage.getItem(storageKey);
    if (!token) { return; }
    live.socket.auth.token = token;  // for reconnecting
    findPlaces();
  });

  // The places this browser's token holds, followed here (nothing when it holds none).
  function findPlaces() {
    live.call("resume", { token: token }).then(function (reply) {
      if (!reply.ok) { return; }
      remember(reply.entry, reply.version, reply.places);
      if (live.state()) { render(live.state()); }
    });
  }

  // Leaving one of the other places: asked first, like the place followed; the page
  // goes on following the one it follows.
  document.getElementById("others-list").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-entry]");
    if (!button || !myEntry) { return; }
    var entryId = parseInt(button.dataset.entry, 10);
    var place = others.filter(function (p) { return p.entry_id === entryId; })[0];
    if (!place) { return; }
    var item = L.itemTitle(place.item_id);
    if (live.socket.connected && !window.confirm(L.text("leaveOtherAsk", { item: item }))) { return; }
    live.call("leave_queue", { token: token, entry_id: entryId }).then(function (reply) {
      L.setText("others-error", reply.ok ? "" : L.refusal(reply.error));
      if (!reply.ok) { return; }
      others = others.filter(function (p) { return p.entry_id !== entryId; });
      if (keptElsewhere && keptElsewhere.entry_id === entryId) { keptElsewhere = null; }
      if (live.state()) { render(live.state()); }
      if (!myEntry) { return; }
      // Kept is only a place still in line: one whose turn is over is not.
      L.setTextWithItems("my-note", ENDED[myEntry.status] ? L.text("leftPlace", { item: item })
                                                           : L.text("leftKept", { left: item, kept: L.itemTitle(myEntry.item_id) }),
                         [place.item_id, myEntry.item_id]);
      document.getElementById("you-heading").focus();
    });
  });

  document.getElementById("you-heading").setAttribute("tabindex", "-1");
  // Giving up a place cannot be undone (joining again goes to the end of the line), and
  // the button sits where a thumb scrolls: ask first. Offline, nothing would be sent, and
  // the press says so without asking.
  document.getElementById("leave").addEventListener("click", function () {
    if (!myEntry) { return; }
    // As pressed: a state arriving before the answer may already show the turn over.
    var speaking = myEntry.status === "speaking";
    // Before their time starts, giving the turn back is leaving: they may sign up again.
    var state = live.state();
    var started = speaking && state && state.speaker && state.speaker.entry_id === myEntry.entry_id &&
      state.speaker.started_at;
    var ask = speaking ? (started ? "endTurnAsk" : "giveUpAsk") : "leaveAsk";
    if (live.socket.connected && !window.confirm(L.text(ask))) { return; }
    var entryId = myEntry.entry_id;
    var itemId = myEntry.item_id;
    live.call("leave_queue", { token: token, entry_id: entryId }).then(function (reply) {
      L.announce("leave-error", reply.ok ? "" : L.refusal(reply.error));
      if (reply.ok) {
        window.localStorage.removeItem(lastKey);
        window.localStorage.removeItem(lastEntryKey);
        // As the server ended it: "Leave" pressed just as the chair called is still
        // leaving (the time had not started), and the place may be taken again.
        var mine = (reply.ended || []).filter(function (e) { return e.entry_id === entryId; })[0];
        var done = mine ? mine.status === "done" : speaking;
        forget(L.text(done ? MESSAGES.done : "left"));
        // A browser that holds another place (an item waiting for its comment) follows
        // that one again: otherwise its call would come to a page that watches nothing.
        if (joinsHere() > 1) { followAnotherPlace(itemId); }
        // The button is gone with the place: focus goes to the join form's heading, so
        // a keyboard or screen reader user is not thrown to the top of the page.
        var heading = document.getElementById("join-heading");
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    });
  });
})();

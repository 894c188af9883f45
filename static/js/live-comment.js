/* The resident's page: join (a name is optional), keep the place across reloads and
   lost connections with a token kept in this browser, and follow the queue live.
   Position changes and a warning from the chair are announced politely; "you're next"
   and "you're live" assertively. */
(function () {
  "use strict";
  var L = window.DaisLive;
  if (!L.root) { return; }
  var meetingId = L.root.dataset.meeting;
  var storageKey = "dais-live-token-" + meetingId;
  var entryKey = "dais-live-entry-" + meetingId;
  var token = window.localStorage.getItem(storageKey);
  var myEntry = null;
  var lastAlert = "";

  function remember(entry) {
    myEntry = entry;
    window.localStorage.setItem(entryKey, String(entry.entry_id));
    document.getElementById("you").hidden = false;
    var join = document.getElementById("join-section");
    if (join) { join.hidden = true; }
  }

  function forget(message) {
    myEntry = null;
    window.localStorage.removeItem(entryKey);
    document.getElementById("you").hidden = true;
    var join = document.getElementById("join-section");
    if (join) { join.hidden = false; }
    if (message) { L.setText("connection", message); }
    L.setText("my-warning", "");
  }

  // The resident's own entry wherever it is: speaking, waiting or skipped.
  function findMine(state) {
    if (state.speaker && state.speaker.entry_id === myEntry.entry_id) { return state.speaker; }
    return state.queue.concat(state.skipped || []).filter(function (e) { return e.entry_id === myEntry.entry_id; })[0];
  }

  function alertOnce(message) {
    if (message !== lastAlert) {
      lastAlert = message;
      L.setText("my-alert", message);
    }
  }

  function render(state) {
    L.setText("comment-status", state.comment.open ? L.text("commentOpen") : L.text("commentClosed"));
    L.setText("speaker", state.speaker ? L.speakerName(state.speaker) : L.text("nobody"));
    var list = document.getElementById("queue");
    list.textContent = "";
    state.queue.forEach(function (entry) {
      var li = document.createElement("li");
      li.textContent = L.speakerName(entry);
      if (myEntry && entry.entry_id === myEntry.entry_id) { li.className = "mine"; }
      list.appendChild(li);
    });
    if (!state.queue.length) {
      var empty = document.createElement("li");
      empty.textContent = L.text("empty");
      list.appendChild(empty);
    }
    if (!myEntry) { return; }
    var found = findMine(state);
    L.setText("my-warning", found && found.warned ? L.text("warnedNotice") : "");
    var countdown = document.getElementById("my-countdown");
    if (state.speaker && state.speaker.entry_id === myEntry.entry_id) {
      myEntry.status = "speaking";
      L.setText("my-position", "");
      L.setText("my-wait", "");
      countdown.hidden = false;
      alertOnce(L.text("live"));
      return;
    }
    countdown.hidden = true;
    var mine = state.queue.filter(function (e) { return e.entry_id === myEntry.entry_id; })[0];
    if (!mine) {
      if (myEntry.status === "speaking") { forget(); alertOnce(L.text("done")); }
      else if (myEntry.status === "waiting") { myEntry.status = "gone"; L.setText("my-position", ""); }
      return;
    }
    myEntry.status = "waiting";
    var ahead = mine.position - 1;
    L.setText("my-position", L.text("position", { position: mine.position, ahead: ahead }));
    var seconds = 0;
    state.queue.forEach(function (entry) {
      if (entry.item_id === mine.item_id && entry.position < mine.position) { seconds += entry.expected_seconds; }
    });
    if (state.speaker && state.speaker.item_id === mine.item_id) { seconds += state.speaker.remaining_seconds; }
    L.setText("my-wait", L.text("wait", { minutes: Math.max(1, Math.round(seconds / 60)) }));
    var isNext = ahead === 0 && state.comment.open && state.comment.item_id === mine.item_id;
    if (isNext) { alertOnce(L.text("next")); }
  }

  var live = L.connect({
    token: token,
    onState: render,
    onConnect: function () {
      if (!token) { return; }
      live.call("resume", { token: token }).then(function (reply) {
        if (reply.ok) { remember(reply.entry); if (live.state()) { render(live.state()); } }
        else { forget(); }
      });
    }
  });

  L.tick(live, function (remaining) {
    var state = live.state();
    if (myEntry && state && state.speaker && state.speaker.entry_id === myEntry.entry_id) {
      L.setText("my-clock", L.clock(remaining));
    }
  });

  var form = document.getElementById("join-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var itemId = data.get("item_id");
      var payload = { item_id: itemId ? parseInt(itemId, 10) : null, interpreter: data.get("interpreter") === "on" };
      var name = (data.get("display_name") || "").trim();
      if (name) { payload.display_name = name; }
      if (data.get("stance")) { payload.stance = data.get("stance"); }
      live.call("join_queue", payload).then(function (reply) {
        if (!reply.ok) { L.setText("join-error", reply.error ? reply.error.message : ""); return; }
        L.setText("join-error", "");
        token = reply.entry.token;
        window.localStorage.setItem(storageKey, token);
        remember(reply.entry);
        if (live.state()) { render(live.state()); }
        document.getElementById("you-heading").focus();
      });
    });
  }

  document.getElementById("you-heading").setAttribute("tabindex", "-1");
  document.getElementById("leave").addEventListener("click", function () {
    if (!myEntry) { return; }
    live.call("leave_queue", { token: token, entry_id: myEntry.entry_id }).then(function (reply) {
      if (reply.ok) { forget(L.text("left")); }
    });
  });
})();

/* Keeps the proceedings summary (quorum, remote access down, closed session) current from
   the /live `state` event. The page is complete without it: this only saves a reload. */
(function () {
  "use strict";

  var root = document.getElementById("proceedings-live");
  if (!root || typeof io !== "function") { return; }
  var meetingId = parseInt(root.dataset.meeting, 10);
  var newest = -1;

  function fill(template, values) {
    return Object.keys(values).reduce(function (text, name) {
      return text.split("{" + name + "}").join(String(values[name]));
    }, template || "");
  }

  function setText(id, value) {
    var el = document.getElementById(id);
    if (el && el.textContent !== value) { el.textContent = value; }
  }

  function show(id, visible) {
    var el = document.getElementById(id);
    if (el) { el.hidden = !visible; }
  }

  function apply(state) {
    if (!state || !state.proceedings || state.version < newest) { return; }
    newest = state.version;
    var p = state.proceedings;
    var q = p.quorum;
    // Until the roll call records someone, everyone counts absent: not "no quorum" yet.
    var taken = p.attendance_recorded !== false;
    setText("live-quorum-state", !taken ? root.dataset.quorumUnknown
                                 : q.has_quorum ? root.dataset.quorumYes : root.dataset.quorumNo);
    show("live-quorum-detail", taken);
    setText("live-quorum-count", fill(root.dataset.count, {
      present: q.present, remote: q.present_remote, seats: q.seats, needed: q.needed
    }));
    show("live-remote-down", p.remote_access_down);
    show("live-closed-session", p.in_closed_session);
    root.dataset.version = String(state.version);
    latest = state;
  }

  // Adjourning ends an open comment period, a timed one included: the clerk is asked
  // with what it ends (static/js/confirm-actions.js asks the button's data-confirm on
  // submit; the question is made on the click before it, from the newest state, so a
  // timed period's end is compared with the moment of the click).
  var adjourn = document.querySelector("button[name=action][value=adjourn]");
  var latest = null;
  if (adjourn) {
    adjourn.dataset.plainConfirm = adjourn.dataset.confirm;
    adjourn.addEventListener("click", function () { adjourn.dataset.confirm = adjournQuestion(latest); });
  }

  function adjournQuestion(state) {
    var comment = (state && state.comment) || {};
    var said = [];
    if (comment.open) {
      said.push(comment.item_id ? fill(adjourn.dataset.commentOpen, { item: comment.item_title || "" })
                                : adjourn.dataset.generalOpen);
      var waiting = (state.queue || []).filter(function (e) { return e.item_id === comment.item_id; }).length;
      if (waiting) { said.push(waiting === 1 ? adjourn.dataset.oneWaiting : fill(adjourn.dataset.manyWaiting, { waiting: waiting })); }
      var closesAt = comment.may_close_at ? new Date(comment.may_close_at) : null;
      if (closesAt && closesAt.getTime() > Date.now()) {
        var time = closesAt.toLocaleTimeString(document.documentElement.lang || undefined, {
          hour: "numeric", minute: "2-digit", second: "2-digit", timeZone: adjourn.dataset.timezone || undefined
        });
        said.push(fill(adjourn.dataset.periodRunning, { time: time }));
      }
    }
    return said.concat([adjourn.dataset.plainConfirm]).join(" ");
  }

  // On the live pages (console, display) the page's own connection is followed: a second
  // one would bring every state twice.
  if (window.DaisLive && window.DaisLive.listen(apply)) { return; }
  // Elsewhere (the clerk's proceedings console), a connection of its own, as
  // DaisLive.connect makes it: long-polling where WebSocket upgrades are refused. The
  // server sends the state on every connection, reconnections included.
  var socket = io("/live", { auth: { meeting: meetingId }, transports: ["websocket", "polling"],
                             tryAllTransports: true });
  socket.on("state", apply);
}());

/* The chair's and clerk's console. Every button sends one event and shows the
   server's answer; the page itself only ever shows the state the server sent. */
(function () {
  "use strict";
  var L = window.DaisLive;
  if (!L.root) { return; }
  var titles = {};
  Array.prototype.forEach.call(document.querySelectorAll("#item-titles span"), function (el) {
    titles[el.dataset.id] = el.textContent;
  });
  var mayModerate = L.root.dataset.mayModerate === "true";
  var removing = null;

  var live = L.connect({ onState: render });

  function report(reply) {
    L.setText("console-message", reply.ok ? "" : (reply.error ? reply.error.message : ""));
    return reply;
  }

  function send(event, payload) { return live.call(event, payload).then(report); }

  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button small";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function cell(row, value, header) {
    var td = document.createElement(header ? "th" : "td");
    if (header) { td.scope = "row"; }
    td.textContent = value;
    row.appendChild(td);
    return td;
  }

  var cardItem = document.getElementById("card-item");
  var cardItemChosen = false;
  if (cardItem) { cardItem.addEventListener("change", function () { cardItemChosen = true; }); }

  function render(state) {
    // Cards are usually for the item under comment, unless the clerk picked another.
    if (cardItem && !cardItemChosen && state.comment.open) {
      cardItem.value = state.comment.item_id === null ? "" : String(state.comment.item_id);
    }
    L.setText("current-item", state.current_item ? state.current_item.title : L.text("noItem"));
    var status = state.comment.open ? L.text("commentOpen") + ": " +
      (state.comment.item_id ? titles[state.comment.item_id] : L.text("general")) : L.text("commentClosed");
    L.setText("comment-status", status);
    var speaker = state.speaker;
    L.setText("speaker", speaker ? L.speakerName(speaker) + " · " + L.channelLabel(speaker.channel) +
      (speaker.interpreter ? " · " + L.text("interpreter") : "") : L.text("nobody"));
    var rows = document.getElementById("queue-rows");
    rows.textContent = "";
    state.queue.forEach(function (entry) {
      var row = document.createElement("tr");
      cell(row, String(entry.position));
      cell(row, L.speakerName(entry) + (entry.interpreter ? " · " + L.text("interpreter") : ""), true);
      cell(row, L.channelLabel(entry.channel));
      cell(row, L.stanceLabel(entry.stance));
      cell(row, entry.item_id ? titles[entry.item_id] : L.text("general"));
      var actions = cell(row, "");
      if (mayModerate) {
        actions.appendChild(button(L.text("skip"), function () { send("skip", { entry_id: entry.entry_id }); }));
        actions.appendChild(button(L.text("remove"), function () { askReason(entry); }));
      }
      rows.appendChild(row);
    });
    var skipped = document.getElementById("skipped-list");
    if (skipped) {
      skipped.textContent = "";
      (state.skipped || []).forEach(function (entry) {
        var li = document.createElement("li");
        li.textContent = L.speakerName(entry) + " ";
        li.appendChild(button(L.text("recall"), function () { send("recall", { entry_id: entry.entry_id }); }));
        li.appendChild(button(L.text("remove"), function () { askReason(entry); }));
        skipped.appendChild(li);
      });
    }
  }

  function askReason(entry) {
    removing = entry;
    var form = document.getElementById("remove-form");
    form.hidden = false;
    L.setText("remove-label", L.text("reason") + " " + L.speakerName(entry));
    document.getElementById("remove-reason").focus();
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
  on("open-form", "submit", function (event) {
    event.preventDefault();
    var payload = { item_id: intValue(event.target, "item_id") };
    var seconds = intValue(event.target, "seconds_per_speaker");
    var minutes = intValue(event.target, "period_minutes");
    if (seconds) { payload.seconds_per_speaker = seconds; }
    if (minutes) { payload.period_seconds = minutes * 60; }
    send("open_comment", payload);
  });
  on("time-form", "submit", function (event) {
    event.preventDefault();
    send("set_speaker_time", { seconds: intValue(event.target, "seconds") });
  });
  on("close-comment", "click", function () { send("close_comment", {}); });
  on("call-next", "click", function () { send("call_next", {}); });
  Array.prototype.forEach.call(document.querySelectorAll("[data-timer]"), function (b) {
    b.addEventListener("click", function () {
      var payload = { action: b.dataset.timer };
      if (payload.action === "extend") { payload.seconds = 30; }
      send("timer", payload);
    });
  });
  on("remove-form", "submit", function (event) {
    event.preventDefault();
    var reason = document.getElementById("remove-reason").value.trim();
    if (!removing || !reason) { return; }
    send("remove", { entry_id: removing.entry_id, reason: reason }).then(function (reply) {
      if (reply.ok) { event.target.hidden = true; event.target.reset(); removing = null; }
    });
  });
  on("remove-cancel", "click", function () {
    document.getElementById("remove-form").hidden = true;
    removing = null;
  });
  // Speaker cards: type, Enter, next card. Focus returns to the name field each time.
  on("card-form", "submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var data = new FormData(form);
    var payload = { item_id: intValue(form, "item_id"), interpreter: data.get("interpreter") === "on" };
    var name = (data.get("display_name") || "").trim();
    if (name) { payload.display_name = name; }
    if (data.get("stance")) { payload.stance = data.get("stance"); }
    send("add_in_person", payload).then(function (reply) {
      if (reply.ok) {
        var item = form.elements.item_id.value;
        form.reset();
        form.elements.item_id.value = item;
        document.getElementById("card-name").focus();
      }
    });
  });

  L.tick(live, function (remaining) {
    var state = live.state();
    var label = remaining === null ? "" : L.clock(remaining);
    if (state && state.speaker && state.speaker.paused) { label += " (" + L.text("paused") + ")"; }
    else if (state && state.speaker && !state.speaker.started_at) { label += " (" + L.text("notStarted") + ")"; }
    L.setText("countdown", label);
  });
})();

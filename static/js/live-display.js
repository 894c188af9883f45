/* The public display: current item, current speaker with a large countdown, who is next. */
(function () {
  "use strict";
  var L = window.DaisLive;
  if (!L.root) { return; }

  // What the room is on, in the largest type: while public comment is open, what it is
  // taken on (an item, or general comment while an ordinance is still the current item),
  // else the item being considered; once the meeting is over (adjourned, or called off),
  // none: the last item is no longer before the body.
  function headline(state) {
    if (!L.isLive(state)) { return L.text("noItem"); }
    if (state.comment.open) { return L.itemTitle(state.comment.item_id); }
    return state.current_item ? state.current_item.title : L.text("noItem");
  }

  // Its agenda number ("6.a"), which the room finds on the printed agenda; none for
  // general comment or once the meeting is over.
  function headlineNumber(state) {
    if (!L.isLive(state)) { return ""; }
    if (state.comment.open) { return state.comment.item_number || ""; }
    return state.current_item ? state.current_item.number || "" : "";
  }

  // A clerk's title often runs long ("Adopt a Resolution Approving … and Authorizing the
  // City Manager to …"): it is shown whole, in smaller type where its two lines cannot
  // hold it at the screen's size, rather than cut off. (Down to 1rem: below that it is cut.)
  var headlineBox = document.querySelector(".display-item");
  function fitHeadline() {
    headlineBox.style.fontSize = "";
    var size = parseFloat(window.getComputedStyle(headlineBox).fontSize);
    var least = parseFloat(window.getComputedStyle(document.documentElement).fontSize);
    while (headlineBox.scrollHeight > headlineBox.clientHeight + 1 && size > least) {
      size = Math.max(least, size * 0.92);
      headlineBox.style.fontSize = size + "px";
    }
  }
  window.addEventListener("resize", fitHeadline);

  var SHOWN = 5;  // names under "Next" (the template shows as many)

  function render(state) {
    L.setText("current-item", headline(state));
    var number = headlineNumber(state);
    L.setText("current-number", number);
    document.getElementById("current-number").hidden = !number;
    fitHeadline();
    L.showCommentStatus(state);
    L.showMeetingNotice(state);
    // The name alone (cut at two lines); that it is not verified is said beside the heading.
    L.setText("speaker", state.speaker ? L.speakerLabel(state.speaker) : L.text("nobody"));
    document.getElementById("speaker-note").hidden = !(state.speaker && state.speaker.display_name);
    // Why the clock shows more than the time per speaker the status line gives.
    document.getElementById("speaker-interpreter").hidden = !(state.speaker && state.speaker.interpreter);
    var list = document.getElementById("queue");
    list.textContent = "";
    // Only the line that is being called: with comment closed nobody is next.
    var waiting = L.waitingOnCommentItem(state);
    var next = waiting.slice(0, SHOWN);
    document.getElementById("next-note").hidden = !next.length;  // said of names, when there are some
    next.forEach(function (entry) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.className = "next-name";
      name.textContent = L.speakerLabel(entry);  // "not verified" is said once, under the heading
      var channel = document.createElement("span");
      channel.className = "next-channel";
      channel.textContent = "· " + L.channelLabel(entry.channel);
      li.append(name, " ", channel);
      list.appendChild(li);
    });
    // The room sees how long the line is, not only its head.
    if (waiting.length > SHOWN) {
      var more = document.createElement("li");
      more.className = "live-empty";
      more.textContent = L.text("moreWaiting", { n: waiting.length - SHOWN });
      list.appendChild(more);
    }
    if (!next.length) {
      var empty = document.createElement("li");
      empty.className = "live-empty";
      empty.textContent = L.text("empty");
      list.appendChild(empty);
    }
  }

  var live = L.connect({ onState: render });
  L.tick(live, function (remaining) { L.showCountdown("countdown", live.state(), remaining); });
})();

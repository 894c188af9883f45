/* The public display: current item, current speaker with a large countdown, who is next. */
(function () {
  "use strict";
  var L = window.DaisLive;
  if (!L.root) { return; }

  function render(state) {
    L.setText("current-item", state.current_item ? state.current_item.title : L.text("noItem"));
    L.setText("comment-status", L.commentStatus(state));
    L.showMeetingNotice(state);
    L.setText("speaker", state.speaker ? L.speakerName(state.speaker) : L.text("nobody"));
    var list = document.getElementById("queue");
    list.textContent = "";
    // Only the line that is being called: with comment closed nobody is next.
    var next = L.waitingOnCommentItem(state).slice(0, 5);
    next.forEach(function (entry) {
      var li = document.createElement("li");
      li.textContent = L.speakerName(entry) + " · " + L.channelLabel(entry.channel);
      list.appendChild(li);
    });
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

/* A submit button with `data-confirm` asks before its form is sent: for actions that
   cannot be undone, or that look like a mistake (calling a meeting to order days early).
   Without JavaScript the form is sent as it is. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();

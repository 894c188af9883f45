/*
 * Drag-and-drop reordering for the agenda builder.
 *
 * An enhancement only: every move also has a plain form button (Move up / Move
 * down / Move to section) that works without JavaScript and from the keyboard.
 * A drop sends the whole new order in one call (PUT .../items/order); if the
 * server refuses, the previous order is put back and the reason is announced
 * in the page's live region.
 */
(function () {
  "use strict";

  var editor = document.getElementById("agenda-editor");
  if (!editor || !window.fetch || !("draggable" in document.createElement("li"))) {
    return;
  }
  var statusRegion = document.getElementById("order-status");
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var lists = Array.prototype.slice.call(editor.querySelectorAll("ol.editor-items"));
  var dragged = null;
  var orderBefore = null;

  function announce(message) {
    // Clearing first makes screen readers repeat an identical message.
    statusRegion.textContent = "";
    window.setTimeout(function () { statusRegion.textContent = message; }, 50);
  }

  function letters(index) {
    var text = "";
    index += 1;
    while (index > 0) {
      var remainder = (index - 1) % 26;
      text = String.fromCharCode(97 + remainder) + text;
      index = Math.floor((index - 1) / 26);
    }
    return text;
  }

  function itemsOf(list) {
    return Array.prototype.filter.call(list.children, function (child) {
      return child.hasAttribute("data-item-id");
    });
  }

  function currentOrder() {
    return lists.map(function (list) {
      return {
        section_id: parseInt(list.getAttribute("data-section-id"), 10),
        item_ids: itemsOf(list).map(function (li) { return parseInt(li.getAttribute("data-item-id"), 10); })
      };
    });
  }

  function sameOrder(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function refresh() {
    lists.forEach(function (list, listIndex) {
      var sectionNumber = list.getAttribute("data-section-number");
      var items = itemsOf(list);
      items.forEach(function (li, index) {
        // Only the very first and very last items have nowhere to go (moves cross sections).
        var up = li.querySelector("button[value='up']");
        if (up) { up.disabled = listIndex === 0 && index === 0; }
        var down = li.querySelector("button[value='down']");
        if (down) { down.disabled = listIndex === lists.length - 1 && index === items.length - 1; }
        var number = li.querySelector('[data-role="number"]');
        if (number) { number.textContent = sectionNumber + "." + letters(index); }
        var select = li.querySelector("select[name='to_section_id']");
        if (select) { select.value = list.getAttribute("data-section-id"); }
      });
      // An empty section stays a visible drop target.
      list.classList.toggle("is-empty", items.length === 0);
      var empty = list.parentNode.querySelector(".empty-section");
      if (empty) { empty.hidden = items.length > 0; }
    });
  }

  function restore(order) {
    order.forEach(function (entry) {
      var list = editor.querySelector('ol[data-section-id="' + entry.section_id + '"]');
      entry.item_ids.forEach(function (id) {
        list.appendChild(document.getElementById("item-" + id));
      });
    });
    refresh();
  }

  function save(previous, movedTitle) {
    announce(editor.getAttribute("data-msg-saving"));
    fetch(editor.getAttribute("data-order-url"), {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": tokenMeta ? tokenMeta.getAttribute("content") : ""
      },
      body: JSON.stringify({ sections: currentOrder() })
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          var message = body && body.error && body.error.message;
          throw new Error(message || String(response.status));
        });
      }
      var moved = editor.getAttribute("data-msg-moved").replace("{title}", movedTitle);
      announce(moved + " " + editor.getAttribute("data-msg-saved"));
      return null;
    }).catch(function (error) {
      restore(previous);
      announce(editor.getAttribute("data-msg-failed") + " (" + error.message + ")");
    });
  }

  function itemAfter(list, y) {
    var candidates = itemsOf(list).filter(function (li) { return li !== dragged; });
    for (var i = 0; i < candidates.length; i += 1) {
      var box = candidates[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) { return candidates[i]; }
    }
    return null;
  }

  lists.forEach(function (list) {
    list.classList.add("is-droppable");
    itemsOf(list).forEach(function (li) {
      li.setAttribute("draggable", "true");
      var handle = li.querySelector(".drag-handle");
      if (handle) { handle.hidden = false; }
      li.addEventListener("dragstart", function (event) {
        dragged = li;
        orderBefore = currentOrder();
        li.classList.add("is-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", li.getAttribute("data-item-id"));
      });
      li.addEventListener("dragend", function () {
        li.classList.remove("is-dragging");
        var previous = orderBefore;
        dragged = null;
        orderBefore = null;
        if (previous && !sameOrder(previous, currentOrder())) {
          refresh();
          var title = li.querySelector(".editor-item-title");
          save(previous, title ? title.textContent : "");
        }
      });
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      var after = itemAfter(list, event.clientY);
      if (after === null) {
        if (list.lastElementChild !== dragged) { list.appendChild(dragged); }
      } else if (after !== dragged.nextElementSibling) {
        list.insertBefore(dragged, after);
      }
    });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
    });
  });
  refresh();
}());

/* Work views: the backlog board (drag and drop, arrow keys, "Move to") and the feedback
   triage list (inline disposition, select several). Without JavaScript the same forms post
   and the page reloads; this only saves the round trip and announces what happened. */
(function () {
  "use strict";

  function csrfToken(form) {
    var field = form && form.querySelector("[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function post(url, data, form) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form), "HX-Request": "true" },
    }).then(function (response) {
      return response.text().then(function (text) { return { ok: response.ok, text: text }; });
    });
  }

  function announce(region, text) {
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // ---------------------------------------------------------------- the backlog board
  function setupBoard(board) {
    if (board.dataset.enhanced) return;
    board.dataset.enhanced = "1";
    var live = document.querySelector("[data-board-status]");
    var columns = Array.prototype.map.call(board.querySelectorAll("[data-column]"), function (c) { return c.getAttribute("data-column"); });
    function columnOf(status) { return board.querySelector('[data-column="' + status + '"]'); }
    function labelOf(status) { var h = columnOf(status).querySelector("h2 .chip span"); return h ? h.textContent : status; }
    function recount() {
      board.querySelectorAll("[data-column]").forEach(function (column) {
        var count = column.querySelector("[data-count]");
        var shown = column.querySelectorAll(".board-card").length;
        var before = parseInt(count.getAttribute("data-shown") || shown, 10);
        var total = parseInt(count.textContent, 10) + (shown - before);
        count.textContent = String(total);
        count.setAttribute("data-shown", String(shown));
        var empty = column.querySelector(".board-empty");
        if (empty) empty.hidden = total > 0;
      });
    }
    board.querySelectorAll("[data-count]").forEach(function (count) {
      count.setAttribute("data-shown", String(count.closest("[data-column]").querySelectorAll(".board-card").length));
    });

    function move(card, status, keepFocus) {
      var from = card.getAttribute("data-status");
      if (!status || status === from) return;
      var title = card.querySelector(".board-card__title a").textContent;
      var data = new FormData();
      data.append("status", status);
      card.setAttribute("aria-busy", "true");
      post(card.getAttribute("data-move-url"), data, card.querySelector("form")).then(function (result) {
        card.removeAttribute("aria-busy");
        if (!result.ok) {
          announce(live, "Not moved: " + result.text);
          var select = card.querySelector("[data-move-select]");
          if (select) select.value = from;
          return;
        }
        var holder = document.createElement("ol");
        holder.innerHTML = result.text.trim();
        var fresh = holder.firstElementChild;
        var list = columnOf(status).querySelector("[data-drop]");
        card.remove();
        list.insertBefore(fresh, list.firstElementChild);
        wireCard(fresh);
        recount();
        var position = columns.indexOf(status) + 1;
        announce(live, "Moved “" + title + "” to " + labelOf(status) + ", column " + position + " of " + columns.length + ".");
        if (keepFocus === "card") fresh.focus();
        else if (keepFocus === "select") fresh.querySelector("[data-move-select]").focus();
      }).catch(function () {
        card.removeAttribute("aria-busy");
        announce(live, "Not moved: the server could not be reached.");
      });
    }

    function wireCard(card) {
      if (!card.hasAttribute("data-move-url")) return;
      var nojs = card.querySelector("[data-nojs]");
      if (nojs) nojs.hidden = true;
      var select = card.querySelector("[data-move-select]");
      if (select) select.addEventListener("change", function () { move(card, select.value, "select"); });
      card.addEventListener("keydown", function (event) {
        if (event.target !== card || event.altKey || event.ctrlKey || event.metaKey) return;
        var index = columns.indexOf(card.getAttribute("data-status"));
        if (event.key === "ArrowRight" && index < columns.length - 1) { event.preventDefault(); move(card, columns[index + 1], "card"); }
        else if (event.key === "ArrowLeft" && index > 0) { event.preventDefault(); move(card, columns[index - 1], "card"); }
        else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          var sibling = event.key === "ArrowDown" ? card.nextElementSibling : card.previousElementSibling;
          if (sibling) sibling.focus();
        } else if (event.key === "Enter") {
          var link = card.querySelector(".board-card__title a");
          if (link) link.click();
        }
      });
      card.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", card.getAttribute("data-item"));
        event.dataTransfer.effectAllowed = "move";
        card.classList.add("is-dragging");
      });
      card.addEventListener("dragend", function () { card.classList.remove("is-dragging"); });
    }
    board.querySelectorAll(".board-card").forEach(wireCard);
    board.querySelectorAll("[data-drop]").forEach(function (list) {
      var column = list.closest("[data-column]");
      column.addEventListener("dragover", function (event) { event.preventDefault(); column.classList.add("is-target"); });
      column.addEventListener("dragleave", function (event) { if (!column.contains(event.relatedTarget)) column.classList.remove("is-target"); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("is-target");
        var card = board.querySelector('.board-card[data-item="' + event.dataTransfer.getData("text/plain") + '"]');
        if (card) move(card, column.getAttribute("data-column"));
      });
    });
  }

  // ---------------------------------------------------------------- feedback triage
  function setupTriage(list) {
    if (list.dataset.enhanced) return;
    list.dataset.enhanced = "1";
    var live = document.querySelector("[data-triage-status]");
    var bar = document.querySelector("[data-bulk-bar]");
    var counter = bar && bar.querySelector("[data-selected-count]");
    var all = list.querySelector("[data-select-all]");
    function boxes() { return list.querySelectorAll("[data-select-item]"); }
    function update() {
      var chosen = Array.prototype.filter.call(boxes(), function (b) { return b.checked; }).length;
      if (counter) counter.textContent = chosen === 1 ? "1 item selected" : chosen + " items selected";
      if (bar) bar.classList.toggle("has-selection", chosen > 0);
      if (all) { all.checked = chosen > 0 && chosen === boxes().length; all.indeterminate = chosen > 0 && chosen < boxes().length; }
    }
    list.addEventListener("change", function (event) {
      if (event.target.matches("[data-select-all]")) {
        boxes().forEach(function (b) { b.checked = event.target.checked; });
      }
      update();
    });
    update();

    // Inline disposition: choosing a value that needs nothing more saves it at once; planned
    // and declined show their field (CSS, also without JavaScript) and wait for "Set".
    list.querySelectorAll("[data-inline-disposition]").forEach(function (form) {
      var select = form.querySelector("select[name=status]");
      var button = form.querySelector("[data-set]");
      function needsNote() { return select.value === "planned" || select.value === "declined"; }
      function refresh() { if (button) button.hidden = !needsNote(); }
      refresh();
      function save() {
        var data = new FormData(form);
        post(form.getAttribute("action"), data, form).then(function (result) {
          var row = form.closest("tr");
          var error = form.querySelector("[data-inline-error]");
          if (!result.ok) {
            if (error) { error.textContent = result.text; error.hidden = false; }
            announce(live, "Not saved: " + result.text);
            return;
          }
          if (error) { error.hidden = true; error.textContent = ""; }
          var chip = row && row.querySelector("[data-disposition-chip]");
          if (chip) chip.innerHTML = result.text;
          announce(live, "Saved: " + form.getAttribute("data-feedback") + " is now " + select.options[select.selectedIndex].text + ".");
        });
      }
      select.addEventListener("change", function () { refresh(); if (!needsNote()) save(); });
      form.addEventListener("submit", function (event) { event.preventDefault(); save(); });
    });
  }

  function enhance() {
    document.querySelectorAll("[data-board]").forEach(setupBoard);
    document.querySelectorAll("[data-triage]").forEach(setupTriage);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance);
  else enhance();
  document.addEventListener("htmx:afterSettle", enhance);
})();

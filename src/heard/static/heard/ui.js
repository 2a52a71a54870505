/* heard's page behaviour shared by every page (no inline scripts under the CSP).
   Everything here is an enhancement: without JavaScript the pages work as plain HTML.
   - disclosure buttons ([data-disclosure]): the navigation menu at narrow widths
   - the theme switch (cookie "heard_theme", also kept in localStorage)
   - dismissible toasts for Django messages
   - tables labelled for the card layout on phones (data-label from the column header)
   - the keyboard shortcuts dialog on "?" and page shortcuts ([data-shortcut]) */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  var THEME_COOKIE = "heard_theme";
  function applyTheme(theme) {
    root.setAttribute("data-theme", theme);
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = THEME_COOKIE + "=" + theme + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
    try { localStorage.setItem(THEME_COOKIE, theme); } catch (e) { /* private mode */ }
  }
  // A theme chosen in another tab (localStorage) but not yet in the cookie wins.
  try {
    var stored = localStorage.getItem(THEME_COOKIE);
    if (stored && /^(system|light|dark)$/.test(stored) && document.cookie.indexOf(THEME_COOKIE + "=") === -1) applyTheme(stored);
  } catch (e) { /* ignore */ }

  function enhanceThemeSwitch(scope) {
    scope.querySelectorAll("[data-theme-select]").forEach(function (select) {
      if (select.dataset.enhanced) return;
      select.dataset.enhanced = "1";
      select.value = root.getAttribute("data-theme") || "system";
      var form = select.form;
      var apply = form && form.querySelector("[data-nojs]");
      if (apply) apply.hidden = true;
      select.addEventListener("change", function () { applyTheme(select.value); });
    });
  }

  function closeDisclosure(button) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", "false");
    if (target) target.classList.remove("is-open");
  }
  function enhanceDisclosures(scope) {
    scope.querySelectorAll("[data-disclosure]").forEach(function (button) {
      if (button.dataset.enhanced) return;
      button.dataset.enhanced = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("aria-controls"));
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", open ? "true" : "false");
        if (target) target.classList.toggle("is-open", open);
      });
      var target = document.getElementById(button.getAttribute("aria-controls"));
      if (target) {
        target.addEventListener("keydown", function (event) {
          if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
            closeDisclosure(button);
            button.focus();
          }
        });
      }
    });
  }

  function enhanceToasts(scope) {
    scope.querySelectorAll(".toast [data-dismiss]").forEach(function (button) {
      if (button.dataset.enhanced) return;
      button.dataset.enhanced = "1";
      button.hidden = false;
      button.addEventListener("click", function () { button.closest(".toast").hidden = true; });
    });
  }

  // Label every cell with its column header so a row can be shown as a card on a phone,
  // and keep the table's meaning for screen readers when CSS changes its display.
  var DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/;
  function labelTables(scope) {
    var tables = scope.matches && scope.matches("table") ? [scope] : scope.querySelectorAll("main table");
    tables.forEach(function (table) {
      if (table.classList.contains("keep-table") || !table.tHead) return;
      var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent.trim(); });
      table.setAttribute("role", "table");
      table.setAttribute("data-cards", "");
      Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (g) { g.setAttribute("role", "rowgroup"); });
      Array.prototype.forEach.call(table.rows, function (row) {
        row.setAttribute("role", "row");
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var inHead = row.parentNode.tagName === "THEAD";
          if (cell.tagName === "TH") cell.setAttribute("role", inHead ? "columnheader" : "rowheader");
          else cell.setAttribute("role", "cell");
          if (!inHead && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", headers[col] || "");
          // Dates such as 2026-11-30 or 2026-11-30 14:05 must not break at their hyphens.
          if (!inHead && DATE.test(cell.textContent.trim())) cell.classList.add("date");
          col += cell.colSpan || 1;
        });
      });
    });
  }

  // ---------------------------------------------------------------- keyboard shortcuts
  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  // The dialog lists the shortcuts this page offers: elements with data-shortcut and data-shortcut-label.
  function listPageShortcuts() {
    var list = document.getElementById("shortcut-list");
    if (!list) return;
    list.querySelectorAll("[data-page-shortcut]").forEach(function (el) { el.remove(); });
    var last = list.lastElementChild;
    document.querySelectorAll("[data-shortcut][data-shortcut-label]").forEach(function (el) {
      var group = document.createElement("div");
      group.className = "shortcut";
      group.setAttribute("data-page-shortcut", "");
      var dt = document.createElement("dt"), kbd = document.createElement("kbd"), dd = document.createElement("dd");
      kbd.textContent = el.getAttribute("data-shortcut");
      dd.textContent = el.getAttribute("data-shortcut-label");
      dt.appendChild(kbd); group.appendChild(dt); group.appendChild(dd);
      list.insertBefore(group, last);
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    if (event.key === "?") {
      var dialog = document.getElementById("shortcuts");
      if (dialog && dialog.showModal && !dialog.open) { event.preventDefault(); listPageShortcuts(); dialog.showModal(); }
      return;
    }
    var target = document.querySelector('[data-shortcut="' + (event.key.length === 1 ? event.key.toLowerCase() : event.key) + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.matches("input, select, textarea")) target.focus();
    else target.click();
  });
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open-dialog"));
      if (dialog && dialog.showModal) { event.preventDefault(); dialog.showModal(); var f = dialog.querySelector("[autofocus], input, select, textarea, button"); if (f) f.focus(); }
      return;
    }
    var closer = event.target.closest && event.target.closest("[data-close-dialog]");
    if (closer) { var d = closer.closest("dialog"); if (d) { event.preventDefault(); d.close(); } }
  });

  // ---------------------------------------------------------------- inline editing
  function enhanceInlineEdits(scope) {
    scope.querySelectorAll("[data-inline-edit]").forEach(function (box) {
      if (box.dataset.enhanced) return;
      box.dataset.enhanced = "1";
      var view = box.querySelector("[data-inline-view]"), open = box.querySelector("[data-inline-open]");
      var form = box.querySelector("[data-inline-form]");
      if (!open || !form) return;
      var input = form.querySelector("[name=value]"), error = form.querySelector("[data-inline-error]");
      var original = input.value;
      function show(editing) {
        form.hidden = !editing; view.hidden = editing; open.hidden = editing;
        if (editing) { input.focus(); if (input.select) input.select(); }
      }
      function cancel() { input.value = original; error.hidden = true; input.removeAttribute("aria-invalid"); show(false); open.focus(); }
      open.addEventListener("click", function (event) { event.preventDefault(); show(true); });
      form.querySelector("[data-inline-cancel]").addEventListener("click", cancel);
      form.addEventListener("keydown", function (event) { if (event.key === "Escape") { event.preventDefault(); cancel(); } });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var token = form.querySelector("[name=csrfmiddlewaretoken]");
        fetch(form.getAttribute("action"), { method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { "X-CSRFToken": token ? token.value : "", "HX-Request": "true" } })
          .then(function (response) { return response.text().then(function (text) { return { ok: response.ok, text: text }; }); })
          .then(function (result) {
            if (!result.ok) {
              error.textContent = result.text; error.hidden = false;
              input.setAttribute("aria-invalid", "true"); input.setAttribute("aria-describedby", error.id || "");
              input.focus();
              return;
            }
            view.innerHTML = result.text;
            original = input.value; error.hidden = true; input.removeAttribute("aria-invalid");
            show(false); open.focus();
            var live = document.querySelector("[data-ui-status]");
            if (live) { live.textContent = ""; window.setTimeout(function () { live.textContent = "Saved."; }, 50); }
          });
      });
    });
  }
  // Dialogs asked to open when the page arrives (a refused form inside one).
  function openDialogs(scope) {
    scope.querySelectorAll("dialog[data-open-on-load]").forEach(function (dialog) {
      if (dialog.dataset.enhanced || !dialog.showModal) return;
      dialog.dataset.enhanced = "1";
      if (dialog.open) dialog.close();
      dialog.showModal();
    });
  }

  function enhance(scope) {
    enhanceThemeSwitch(scope);
    enhanceDisclosures(scope);
    enhanceToasts(scope);
    labelTables(scope);
    enhanceInlineEdits(scope);
    openDialogs(scope);
  }
  window.heard = window.heard || {};
  window.heard.enhance = enhance;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  else enhance(document);
  // Content swapped in by HTMX gets the same treatment.
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt.parentNode || event.detail.elt); });
})();

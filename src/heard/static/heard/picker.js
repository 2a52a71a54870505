/* Search-as-you-type pickers (core/_picker.html): an ARIA 1.2 combobox whose listbox HTMX
   fills from /w/WS/p/PRODUCT/pick/. This file adds the keyboard and the announcements:
   Down/Up move through the matches, Enter or a click chooses one (the field gets its value,
   the id or key the form expects), Escape closes the list; the number of matches is read out.
   Without JavaScript the field stays a plain text field for the id or key. */
(function () {
  "use strict";

  function parts(input) {
    var box = input.closest("[data-picker]");
    return {
      box: box,
      list: box.querySelector("[role=listbox]"),
      status: document.getElementById(input.id + "_status"),
      chosen: document.getElementById(input.id + "_chosen")
    };
  }

  function options(list) {
    return list ? Array.prototype.slice.call(list.querySelectorAll("[role=option]")) : [];
  }

  function close(input) {
    var p = parts(input);
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    if (p.list) { p.list.hidden = true; }
  }

  function highlight(input, option) {
    var p = parts(input);
    options(p.list).forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  }

  function choose(input, option) {
    var p = parts(input);
    var value = option.getAttribute("data-value");
    var label = option.getAttribute("data-label");
    if (p.box.hasAttribute("data-picker-multiple")) {
      // Several values separated by commas: the choice replaces the words being typed.
      var values = input.value.split(",").map(function (v) { return v.trim(); });
      values[values.length - 1] = value;
      input.value = values.filter(function (v) { return v; }).join(", ") + ", ";
      var names = p.chosen && p.chosen.textContent ? p.chosen.textContent.replace(/^Chosen: /, "") + "; " : "";
      if (p.chosen) { p.chosen.textContent = "Chosen: " + names + label; }
    } else {
      input.value = value;
      if (p.chosen) { p.chosen.textContent = "Chosen: " + label; }
    }
    close(input);
    input.focus();
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.target.closest && event.target.closest("[data-picker]");
    if (!box) { return; }
    var input = box.querySelector("[role=combobox]");
    var p = parts(input);
    var count = p.list ? parseInt(p.list.getAttribute("data-count"), 10) : 0;
    if (p.status) {
      p.status.textContent = count === 0 ? "No matches." : count + (count === 1 ? " match" : " matches") + ". Use the down arrow to choose.";
    }
    var open = count > 0 && document.activeElement === input;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (p.list) { p.list.hidden = !open; }
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-picker] [role=combobox]")) { return; }
    var p = parts(input);
    var all = options(p.list);
    var current = document.getElementById(input.getAttribute("aria-activedescendant") || "");
    var index = all.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) { return; }
      event.preventDefault();
      input.setAttribute("aria-expanded", "true");
      p.list.hidden = false;
      var next = event.key === "ArrowDown" ? (index + 1) % all.length : (index <= 0 ? all.length - 1 : index - 1);
      highlight(input, all[next]);
    } else if (event.key === "Enter" && current && input.getAttribute("aria-expanded") === "true") {
      event.preventDefault();  // choose, do not submit the form yet
      choose(input, current);
    } else if (event.key === "Escape" && input.getAttribute("aria-expanded") === "true") {
      event.preventDefault();
      close(input);
    }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-picker] [role=option]");
    if (option) {
      choose(option.closest("[data-picker]").querySelector("[role=combobox]"), option);
      return;
    }
    document.querySelectorAll("[data-picker] [role=combobox][aria-expanded=true]").forEach(function (input) {
      if (!input.closest("[data-picker]").contains(event.target)) { close(input); }
    });
  });

  // When the kind of evidence changes, the matches shown no longer fit: clear them.
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form) { return; }
    form.querySelectorAll("[data-picker]").forEach(function (box) {
      if (box.getAttribute("data-picker-kind-from") === event.target.name) {
        var input = box.querySelector("[role=combobox]");
        close(input);
        var results = document.getElementById(input.id + "_results");
        if (results) { results.innerHTML = ""; }
      }
    });
  });
})();

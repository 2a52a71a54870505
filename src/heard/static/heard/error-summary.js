/* The error summary (templates/_error_summary.html): move focus to it when a page arrives
   with errors, so keyboard and screen-reader users land on it; following one of its links
   opens any closed <details> around the field, focuses the field and scrolls its label
   into view. Without JavaScript the summary is still at the top and its links still jump. */
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  function labelOf(field) {
    var fieldset = field.closest("fieldset");
    if (fieldset && fieldset.querySelector("legend") && (field.type === "radio" || field.type === "checkbox")) {
      return fieldset.querySelector("legend");
    }
    return (field.id && document.querySelector('label[for="' + CSS.escape(field.id) + '"]')) || field;
  }

  function goTo(field) {
    for (var el = field.parentElement; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") { el.open = true; }
    }
    labelOf(field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) { return; }
    event.preventDefault();
    goTo(field);
  });

  // A partial swapped in by HTMX may bring its own summary.
  document.addEventListener("htmx:afterSettle", function (event) { focusSummary(event.target); });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { focusSummary(); });
  } else {
    focusSummary();
  }
})();

/* Accessibility repairs for markup that Dash and dash-bootstrap-components do not let a
   layout set: the page language, names for progress bars and sliders, keyboard access to
   scrolling boxes, and the column names that let a table stack into cards on a phone.
   Runs on every change of the page (a debounced MutationObserver), idempotently. */
(function () {
  "use strict";

  function labelText(el) {
    return (el.textContent || "").replace(/\s+/g, " ").trim();
  }

  // A <label for=X> whose X is a Dash slider's wrapper names the slider's handle and box.
  function nameSliders() {
    document.querySelectorAll("label[for]").forEach(function (label) {
      var target = document.getElementById(label.htmlFor);
      if (!target || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)) return;
      var name = labelText(label);
      target.querySelectorAll('[role="slider"], input').forEach(function (el) {
        if (!el.getAttribute("aria-label")) el.setAttribute("aria-label", name);
      });
    });
  }

  // dcc.Upload's hidden file input is named by the text of the button around it.
  function nameFileInputs() {
    document.querySelectorAll('input[type="file"]:not([aria-label])').forEach(function (input) {
      var box = input.parentElement;
      var name = box ? labelText(box) : "";
      input.setAttribute("aria-label", name || "Choose a file");
    });
  }

  // A progress bar is named by the status line under it, or by its lab's title.
  function nameProgressBars() {
    var bars = document.querySelectorAll(
      '[role="progressbar"]:not([aria-label]):not([aria-labelledby])'
    );
    bars.forEach(function (bar) {
      var box = bar.closest(".progress") || bar;
      var next = box.nextElementSibling;
      if (next && next.id && labelText(next)) {
        bar.setAttribute("aria-labelledby", next.id);
        return;
      }
      var card = bar.closest(".card");
      var title = card && card.querySelector(".card-header h2, .card-header h3, .card-header");
      bar.setAttribute("aria-label", (title ? labelText(title) + ": " : "") + "progress");
    });
  }

  // A box that scrolls must be reachable by keyboard to be scrolled.
  function focusableScrollers() {
    document
      .querySelectorAll("#main pre, #main .table-responsive, #main .tokens-view, #main .sample-text")
      .forEach(function (el) {
        var scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
        if (scrolls && !el.hasAttribute("tabindex")) {
          el.setAttribute("tabindex", "0");
          if (!el.getAttribute("aria-label") && !el.getAttribute("role")) {
            el.setAttribute("role", "region");
            el.setAttribute("aria-label", "Scrollable content");
          }
        }
      });
  }

  // Every data table gets its column names on its cells, so CSS can stack it on a phone.
  function stackableTables() {
    document.querySelectorAll("#main table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) return;
      var names = Array.prototype.map.call(heads, labelText);
      table.classList.add("table-stack");
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          if (names[i] && cell.getAttribute("data-label") !== names[i]) {
            cell.setAttribute("data-label", names[i]);
          }
        });
      });
    });
  }

  // Names and table labels read no layout: they are set on the next frame after a change,
  // so no control is ever without its name. Scrollers are measured (scroll sizes force the
  // browser to lay the page out), so that waits until the page is still
  // (assets/00-when-still.js). `window.__a11yPending` lets tests wait for both.
  function name() {
    if (!document.documentElement.lang) document.documentElement.lang = "en";
    nameSliders();
    nameFileInputs();
    nameProgressBars();
    stackableTables();
  }
  function repair() {
    name();
    focusableScrollers();
  }

  var measureWhenStill = window.ogeloWhenStill(function () {
    focusableScrollers();
    window.__a11yPending = false;
  });
  var queued = false;
  function schedule() {
    window.__a11yPending = true;
    measureWhenStill();
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () {
      queued = false;
      name();
    });
  }

  document.documentElement.lang = document.documentElement.lang || "en";
  document.addEventListener("DOMContentLoaded", function () {
    repair();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", schedule);
  });
})();

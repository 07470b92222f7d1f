/* Reading aids: the "On this page" list marks the section being read, the back-to-top
   link shows once the page is scrolled, a link to /page#anchor scrolls to its anchor once
   Dash has rendered it, and keyboard focus follows a background job's Cancel button. */
(function () {
  "use strict";

  // ---- "On this page" follows the reader ------------------------------------------------
  // On a wide screen the menu is a list beside the text: open, its heading a label.
  var wide = window.matchMedia("(min-width: 1200px)");
  function placeContents() {
    var menu = document.getElementById("toc-menu");
    if (!menu || menu.__wide === wide.matches) return;
    var firstLook = menu.__wide === undefined;
    menu.__wide = wide.matches;
    // It is drawn closed: on a phone, leave it as the reader left it (they may have opened
    // it already); open or close it only when the screen crosses the breakpoint.
    if (firstLook && !wide.matches) return;
    menu.open = wide.matches;
  }
  wide.addEventListener("change", placeContents);

  function targetOf(a) {
    return decodeURIComponent(a.getAttribute("href").slice(1));
  }

  function markCurrentSection() {
    var links = document.querySelectorAll('#page-toc a[href^="#"]');
    if (!links.length) return;
    var line = 120; // px below the top of the window: just under the sticky navbar
    var current = null;
    links.forEach(function (a) {
      var target = document.getElementById(targetOf(a));
      if (target && target.getBoundingClientRect().top <= line) current = targetOf(a);
    });
    links.forEach(function (a) {
      var on = targetOf(a) === current;
      a.classList.toggle("active", on);
      if (on) a.setAttribute("aria-current", "location");
      else a.removeAttribute("aria-current");
    });
  }

  function showBackToTop() {
    var link = document.getElementById("back-to-top");
    if (link) link.classList.toggle("show", window.scrollY > 600);
  }

  var ticking = false;
  window.addEventListener(
    "scroll",
    function () {
      if (ticking) return;
      ticking = true;
      window.requestAnimationFrame(function () {
        ticking = false;
        markCurrentSection();
        showBackToTop();
      });
    },
    { passive: true }
  );

  document.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("a");
    if (!a) return;
    // Choosing a section in the phone menu closes the menu.
    if (a.closest("#toc-menu") && !wide.matches) {
      document.getElementById("toc-menu").removeAttribute("open");
    }
    if (a.id === "back-to-top") {
      event.preventDefault();
      window.scrollTo({ top: 0, behavior: "smooth" });
      var main = document.getElementById("main");
      if (main) main.focus({ preventScroll: true });
    }
  });

  // ---- /page#anchor: scroll once Dash has drawn the anchor, and keep it in place while
  // the content above it is still arriving (Markdown and charts draw after the page), for
  // up to 3 s or until the reader scrolls or clicks.
  var held = null; // {id, top, until}
  function release() {
    held = null;
  }
  ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (type) {
    window.addEventListener(type, release, { passive: true });
  });
  function holdAnchor() {
    if (!held) return;
    if (Date.now() > held.until) return release();
    var el = document.getElementById(held.id);
    if (el && Math.abs(el.getBoundingClientRect().top - held.top) > 2) {
      el.scrollIntoView({ block: "start" });
    }
  }
  function scrollToAnchor(id) {
    var tries = 0;
    (function attempt() {
      var el = document.getElementById(id);
      if (el) {
        el.scrollIntoView({ block: "start" });
        el.classList.add("target-flash");
        held = { id: id, top: el.getBoundingClientRect().top, until: Date.now() + 3000 };
        return;
      }
      if (++tries < 60) window.setTimeout(attempt, 100);
    })();
  }
  window.ogeloScrollToAnchor = scrollToAnchor; // also used by the site search
  function scrollToHash() {
    if (window.location.hash) scrollToAnchor(decodeURIComponent(window.location.hash.slice(1)));
  }
  window.addEventListener("DOMContentLoaded", function () {
    scrollToHash();
    if (window.ResizeObserver) new ResizeObserver(holdAnchor).observe(document.body);
  });
  window.addEventListener("_dashprivate_pushstate", function () {
    window.setTimeout(scrollToHash, 0);
  });

  // ---- background jobs: focus to Cancel while a job runs, and back after --------------
  // Every job lab has `{lab}-start` and `{lab}-cancel` (app/components/job_controls.py); the
  // running= option enables Cancel while the job runs and disables it after.
  var returnTo = {};
  function watchCancel(button) {
    if (button.__focusWatched) return;
    if (!document.getElementById(button.id.slice(0, -"-cancel".length) + "-start")) return;
    button.__focusWatched = true;
    new MutationObserver(function () {
      var lab = button.id.slice(0, -"-cancel".length);
      if (!button.disabled) {
        var from = document.activeElement;
        returnTo[lab] = from && from !== document.body ? from : document.getElementById(lab + "-start");
        button.focus();
      } else if (returnTo[lab]) {
        var back = returnTo[lab];
        delete returnTo[lab];
        var active = document.activeElement;
        if (!active || active === document.body || active === button) {
          // The Start button is disabled for a moment longer; wait until it takes focus.
          var tries = 0;
          (function restore() {
            var target = document.getElementById(back.id) || back;
            if (!target.disabled) target.focus();
            else if (++tries < 50) window.setTimeout(restore, 100);
          })();
        }
      }
    }).observe(button, { attributes: true, attributeFilter: ["disabled"] });
  }

  // Sticky things sit under the navbar, whose height varies (the title wraps on a phone).
  function measureNavbar() {
    var bar = document.querySelector(".app-navbar");
    if (!bar) return;
    var h = Math.round(bar.getBoundingClientRect().height) + "px";
    var root = document.documentElement;
    if (root.style.getPropertyValue("--navbar-height") !== h) {
      root.style.setProperty("--navbar-height", h);
    }
  }
  window.addEventListener("resize", measureNavbar);

  function scan() {
    measureNavbar();
    placeContents();
    document.querySelectorAll('button[id$="-cancel"]').forEach(watchCancel);
    markCurrentSection();
    showBackToTop();
  }
  var schedule = window.ogeloWhenStill(scan); // after changes, once the page is still
  window.addEventListener("DOMContentLoaded", function () {
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
    scan();
  });
})();

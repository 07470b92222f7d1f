/* Draws the part of a page below its first screen (app/components/below_the_fold.py) once
   the first screen is drawn: when the holder's `data-drawn-when` selector matches and the
   browser has painted, or at the latest 1.5 s after the holder appeared. React may keep the
   holder element from one page to the next, so what was asked is kept per page. */
(function () {
  "use strict";
  var LATEST_MS = 1500;

  function drawRest(holder, page) {
    holder.__askedFor = page;
    // The next frame is painted with the first screen; draw the rest just after it.
    window.requestAnimationFrame(function () {
      window.setTimeout(function () {
        window.dash_clientside.set_props("page-rest-trigger", { data: Date.now() });
      }, 0);
    });
  }

  function check() {
    var holder = document.getElementById("page-rest");
    if (!holder || holder.children.length) return;
    var page = holder.getAttribute("data-page");
    if (holder.__askedFor === page) return;
    if (holder.__seenFor !== page) {
      holder.__seenFor = page;
      window.setTimeout(function () {
        var now = document.getElementById("page-rest");
        if (now && !now.children.length && now.getAttribute("data-page") === page
            && now.__askedFor !== page) {
          drawRest(now, page);
        }
      }, LATEST_MS);
    }
    var selector = holder.getAttribute("data-drawn-when");
    if (!selector || document.querySelector(selector)) drawRest(holder, page);
  }

  window.addEventListener("DOMContentLoaded", function () {
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true });
  });
})();

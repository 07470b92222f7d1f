/* Draws the parts of a page below its first screen (app/components/below_the_fold.py):
   each holder (.page-rest) is filled once its `data-drawn-when` selector matches (the
   first screen is drawn; for the last part, the part before it) and the browser has
   painted, or at the latest 1.5 s after the holder appeared. React may keep a holder
   element from one page to the next, so what was asked is kept per page. */
(function () {
  "use strict";
  var LATEST_MS = 1500;

  function draw(holder, page) {
    holder.__askedFor = page;
    var trigger = holder.getAttribute("data-trigger");
    // The next frame is painted with what is drawn now; draw the part just after it.
    window.requestAnimationFrame(function () {
      window.setTimeout(function () {
        window.dash_clientside.set_props(trigger, { data: Date.now() });
      }, 0);
    });
  }

  function waiting(holder, page) {
    return holder && !holder.children.length && holder.getAttribute("data-page") === page
      && holder.__askedFor !== page;
  }

  function checkHolder(holder) {
    var page = holder.getAttribute("data-page");
    if (!waiting(holder, page)) return;
    if (holder.__seenFor !== page) {
      holder.__seenFor = page;
      var id = holder.id;
      window.setTimeout(function () {
        var now = document.getElementById(id);
        if (waiting(now, page)) draw(now, page);
      }, LATEST_MS);
    }
    var selector = holder.getAttribute("data-drawn-when");
    if (!selector || document.querySelector(selector)) draw(holder, page);
  }

  function check() {
    document.querySelectorAll(".page-rest").forEach(checkHolder);
  }

  window.addEventListener("DOMContentLoaded", function () {
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true });
  });
})();

/* One helper for the page scripts (loaded first: Dash loads assets in name order).
   `ogeloWhenStill(fn)` returns a function that schedules `fn` once the page has been still
   for 120 ms, and at most a second after the first call: measuring the page on every frame
   while Dash draws it would make the browser lay out the half-drawn page again and again. */
(function () {
  "use strict";
  window.ogeloWhenStill = function (fn) {
    var timer = null;
    var first = 0;
    return function schedule() {
      var now = Date.now();
      if (timer === null) first = now;
      else window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        timer = null;
        fn();
      }, Math.max(0, Math.min(120, 1000 - (now - first))));
    };
  };
})();

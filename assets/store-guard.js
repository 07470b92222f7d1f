/* Store guard: a browser store that is too big or too deeply nested is reset before the
 * page starts, so it is never sent to the server (which refuses bodies over 1 MB and JSON
 * nested over 64 levels) and the page does not keep failing after a reload.
 *
 * dcc.Store(storage_type="local"|"session") keeps each store as JSON under its id (and
 * "<id>-timestamp"). This runs as the page loads, before Dash reads the stores.
 */
(function () {
  "use strict";
  var MAX_CHARS = 300000; // the progress store is ~2 kB; trained runs a few kB each
  var MAX_DEPTH = 32; // the server refuses JSON nested over 64 levels

  // Nesting depth of a JSON text, counted without parsing (no recursion, no stack overflow).
  function depthOf(text) {
    var depth = 0, max = 0, inString = false;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (inString) {
        if (c === 92) i++; // backslash: skip the escaped character
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 91 || c === 123) { depth++; if (depth > max) max = depth; }
      else if (c === 93 || c === 125) depth--;
    }
    return max;
  }

  function tooBig(text) {
    if (text === null) return false;
    if (text.length > MAX_CHARS || depthOf(text) > MAX_DEPTH) return true;
    try { JSON.parse(text); } catch (e) { return true; }
    return false;
  }

  function guard(storage, name) {
    var keys = [];
    try {
      for (var i = 0; i < storage.length; i++) keys.push(storage.key(i));
    } catch (e) { return; } // storage blocked: nothing stored, nothing to guard
    keys.forEach(function (key) {
      if (/-timestamp$/.test(key)) return;
      if (tooBig(storage.getItem(key))) {
        storage.removeItem(key);
        storage.removeItem(key + "-timestamp");
        if (window.console) console.warn("Reset the " + name + " store \"" + key + "\": too big or too deep.");
      }
    });
  }

  window.ogeloStoreGuard = { depthOf: depthOf, tooBig: tooBig, MAX_CHARS: MAX_CHARS, MAX_DEPTH: MAX_DEPTH };
  try { guard(window.localStorage, "local"); } catch (e) { /* no storage */ }
  try { guard(window.sessionStorage, "session"); } catch (e) { /* no storage */ }
})();

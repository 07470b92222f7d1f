/* Light and dark mode. Follows the system setting until the learner presses the navbar's
   #theme-toggle; the choice is then remembered in this browser (localStorage). The page
   takes Bootstrap 5.3's data-bs-theme attribute (CSS variables do the rest), and every
   rendered Plotly chart is re-laid out with matching text, grid and background colours,
   again after each redraw, so that app/figures stays theme-free. */
(function () {
  "use strict";
  var KEY = "ogelo-theme";
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  // Kept as JSON ("\"dark\""), like Dash's stores: assets/store-guard.js removes any
  // local-storage value that is not valid JSON.
  function stored() {
    try {
      var v = JSON.parse(window.localStorage.getItem(KEY));
      return v === "dark" || v === "light" ? v : null;
    } catch (e) {
      return null;
    }
  }
  function current() {
    return stored() || (media && media.matches ? "dark" : "light");
  }

  // ---- charts ------------------------------------------------------------------------
  var INK = "#dee2e6", SOFT_INK = "#c3c9d1", GRID = "rgba(255,255,255,0.12)";
  var LINE = "rgba(255,255,255,0.3)", CLEAR = "rgba(0,0,0,0)", BOX = "rgba(33,37,41,0.88)";

  function darkUpdate(gd) {
    var full = gd._fullLayout || {};
    var u = {
      paper_bgcolor: CLEAR,
      plot_bgcolor: CLEAR,
      "font.color": INK,
      "title.font.color": INK,
      "legend.bgcolor": CLEAR,
      "legend.font.color": INK,
      "hoverlabel.bgcolor": "#2b3035",
      "hoverlabel.font.color": INK,
    };
    Object.keys(full).forEach(function (k) {
      if (/^[xy]axis\d*$/.test(k)) {
        u[k + ".gridcolor"] = GRID;
        u[k + ".zerolinecolor"] = LINE;
        u[k + ".linecolor"] = LINE;
        u[k + ".tickfont.color"] = SOFT_INK;
        u[k + ".title.font.color"] = INK;
      }
    });
    (gd.layout.annotations || []).forEach(function (a, i) {
      var bg = a.bgcolor;
      if (bg && bg !== CLEAR && bg !== "transparent") u["annotations[" + i + "].bgcolor"] = BOX;
      u["annotations[" + i + "].font.color"] = INK;
    });
    return u;
  }

  function nestedGet(obj, path) {
    return path.replace(/\[(\d+)\]/g, ".$1").split(".").reduce(function (o, k) {
      return o == null ? undefined : o[k];
    }, obj);
  }

  // The theme a chart is drawn in travels inside its layout (`ogeloTheme`): Dash keeps a
  // relayout's changes in the figure it re-draws, and a fresh figure from the server comes
  // without it, that is, in the light theme.
  function themeGraph(gd) {
    if (!window.Plotly || !gd._fullLayout || !gd.layout) return;
    var applied = gd.layout.ogeloTheme === "dark" ? "dark" : "light";
    var want = document.documentElement.getAttribute("data-bs-theme") === "dark" ? "dark" : "light";
    if (want === applied) return;
    var update;
    if (want === "dark") {
      update = darkUpdate(gd);
      var saved = {};
      Object.keys(update).forEach(function (k) {
        var v = nestedGet(gd.layout, k);
        saved[k] = v === undefined ? null : v;
      });
      gd.__themeSaved = saved; // the light values, to put back
      update.ogeloTheme = "dark";
    } else {
      update = gd.__themeSaved || {};
      if (!gd.__themeSaved) {
        Object.keys(darkUpdate(gd)).forEach(function (k) {
          update[k] = null; // back to the figure template's own colours
        });
      }
      update.ogeloTheme = null;
      gd.__themeSaved = null;
    }
    window.Plotly.relayout(gd, update);
  }

  // A chart title or axis title wider than a phone's chart is cut at the edge: shrink its
  // font a step at a time (re-checked after every redraw) until it fits, or reaches 9 px.
  function fitTitles(gd) {
    if (!window.Plotly || !gd._fullLayout) return;
    var svg = gd.querySelector(".main-svg");
    if (!svg) return;
    var box = svg.getBoundingClientRect();
    if (!box.width) return;
    var update = {};
    gd.querySelectorAll(".gtitle, text[class$='title']").forEach(function (t) {
      var r = t.getBoundingClientRect();
      if (!r.width) return;
      var cut = r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ||
        r.bottom > box.bottom + 1;
      if (!cut) return;
      var m = /^([xy]\d*)title$/.exec(t.getAttribute("class") || "");
      var key = t.classList.contains("gtitle") ? "title" : m ? m[1].replace(/^([xy])/, "$1axis") + ".title" : null;
      if (!key) return;
      var obj = key.split(".").reduce(function (o, k) { return o && o[k]; }, gd._fullLayout);
      var size = obj && obj.font && obj.font.size;
      var floor = key === "title" ? 12 : 9;
      if (size && size > floor) {
        update[key + ".font.size"] = Math.max(floor, Math.floor(size * 0.85));
        return;
      }
      // Still too long at a readable size: break it onto two lines.
      var given = nestedGet(gd.layout, key);
      var text = typeof given === "string" ? given : given && given.text;
      if (typeof text === "string" && text.indexOf("<") < 0 && text.indexOf(" ") > 0) {
        var mid = text.length / 2, at = -1;
        for (var i = 0; i < text.length; i++) {
          if (text[i] === " " && (at < 0 || Math.abs(i - mid) < Math.abs(at - mid))) at = i;
        }
        update[key + ".text"] = text.slice(0, at) + "<br>" + text.slice(at + 1);
        if (key === "title") {
          update["margin.t"] = (gd._fullLayout.margin.t || 48) + Math.ceil(size * 1.3);
        }
      }
    });
    if (Object.keys(update).length) window.Plotly.relayout(gd, update);
  }

  function themeAllGraphs() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (!gd.__themeHooked && typeof gd.on === "function") {
        gd.__themeHooked = true;
        gd.on("plotly_afterplot", function () {
          themeGraph(gd);
          fitTitles(gd);
        });
        fitTitles(gd);
      }
      themeGraph(gd);
    });
  }

  // ---- the page and the button -------------------------------------------------------
  function syncButton(theme) {
    var btn = document.getElementById("theme-toggle");
    if (!btn) return;
    var label = theme === "dark" ? "Switch to light mode" : "Switch to dark mode";
    if (btn.getAttribute("aria-label") !== label) {
      btn.setAttribute("aria-label", label);
      btn.setAttribute("title", label);
      btn.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
      var icon = document.getElementById("theme-toggle-icon");
      if (icon) icon.className = theme === "dark" ? "bi bi-sun" : "bi bi-moon-stars";
    }
  }

  function apply(theme) {
    document.documentElement.setAttribute("data-bs-theme", theme);
    syncButton(theme);
    themeAllGraphs();
  }

  apply(current()); // before the first paint: no flash of the wrong theme
  if (media && media.addEventListener) {
    media.addEventListener("change", function () {
      if (!stored()) apply(current());
    });
  }
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("#theme-toggle")) return;
    var next = current() === "dark" ? "light" : "dark";
    try {
      window.localStorage.setItem(KEY, JSON.stringify(next));
    } catch (e) {
      /* private mode: the choice lasts for this page only */
    }
    apply(next);
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) apply(current()); // another tab switched
  });

  var queued = false;
  document.addEventListener("DOMContentLoaded", function () {
    new MutationObserver(function () {
      if (queued) return;
      queued = true;
      window.requestAnimationFrame(function () {
        queued = false;
        syncButton(current());
        themeAllGraphs();
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();

// borderwatch board: ticks the countdowns every second and asks /api/status whether the
// records are still at the page's version (If-None-Match; 304 when they are). When they
// are not, it fetches this page again and swaps in the fresh <main>. The page is complete
// without it; this only keeps it current.
(function () {
  "use strict";
  var POLL_MS = 3000;
  var REFRESH_MS = 60000;

  // As words::countdown in the server: "6 d 3 h left", "3 h 20 min left", "12 min left".
  function left(secs) {
    if (secs <= 0) return "expired";
    var mins = Math.floor(secs / 60);
    var d = Math.floor(mins / 1440), h = Math.floor(mins / 60) % 24, m = mins % 60;
    if (d > 0) return d + " d " + h + " h left";
    if (h > 0) return h + " h " + m + " min left";
    return m + " min left";
  }

  function tick() {
    var now = Date.now() / 1000;
    document.querySelectorAll(".countdown[data-expires]").forEach(function (el) {
      el.textContent = left(Number(el.getAttribute("data-expires")) - now);
    });
  }

  // The state of the updates, shown beside "As of" (which a swap renews).
  var state = "";
  function say(text) {
    state = text;
    document.querySelectorAll(".live").forEach(function (el) { el.textContent = text; });
  }

  function refresh() {
    return fetch(location.pathname, { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main"), old = document.querySelector("main");
        if (!fresh || !old) return;
        old.replaceWith(document.adoptNode(fresh));
        document.body.setAttribute("data-version", doc.body.getAttribute("data-version") || "");
        say(state);
        tick();
      });
  }

  function poll() {
    var version = document.body.getAttribute("data-version") || "";
    fetch("/api/status", { cache: "no-store", headers: { "If-None-Match": '"' + version + '"' } })
      .then(function (r) {
        if (r.status !== 200 && r.status !== 304) throw new Error(r.status);
        say("· live");
        if (r.status === 200) return refresh();
      })
      .catch(function () { say("· not updating: the daemon does not answer"); })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  tick();
  setInterval(tick, 1000);
  setInterval(function () { refresh().catch(function () {}); }, REFRESH_MS);
  poll();
})();

// The queue listens to the live stream of notices: each one refreshes the queue's table
// at once (its htmx trigger `notice`), and a milestone's warning (at risk, breached) is
// shown above it. Without EventSource, or when the stream fails for good, the table
// still refreshes itself every 30 seconds.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || typeof window.EventSource !== "function") {
    return;
  }
  var labels = JSON.parse(live.dataset.labels);
  var KEPT = 3; // warnings shown at a time, the newest first
  var pending = null;
  var later = null;

  function refresh() {
    var queue = document.getElementById("queue");
    if (queue && window.htmx) {
      window.htmx.trigger(queue, "notice");
    }
  }

  // Notices that come together refresh once. The outbox and the queue's read models are
  // filled by separate followers, so the table is read again a little later as well, in
  // case the notice came before the read models had its case.
  function refreshSoon() {
    if (pending === null) {
      pending = window.setTimeout(function () {
        pending = null;
        refresh();
      }, 200);
    }
    window.clearTimeout(later);
    later = window.setTimeout(refresh, 3000);
  }

  function warn(type, notice) {
    var text = live.dataset.warning
      .replace("%(type)s", labels.types[type] || type)
      .replace("%(number)s", notice.number || notice.case_id.slice(0, 8))
      .replace("%(milestone)s", labels.milestones[notice.milestone] || notice.milestone || "");
    var line = document.createElement("p");
    line.className = "warning " + type.replace(".", "-");
    var link = document.createElement("a");
    link.href = "/console/cases/" + encodeURIComponent(notice.case_id);
    link.textContent = text;
    line.appendChild(link);
    live.insertBefore(line, live.firstChild);
    while (live.children.length > KEPT) {
      live.removeChild(live.lastChild);
    }
  }

  var source = new EventSource(live.dataset.stream);
  Object.keys(labels.types).forEach(function (type) {
    source.addEventListener(type, function (event) {
      refreshSoon();
      if (labels.warnings.indexOf(type) >= 0) {
        warn(type, JSON.parse(event.data));
      }
    });
  });
  window.addEventListener("pagehide", function () {
    source.close();
  });
})();

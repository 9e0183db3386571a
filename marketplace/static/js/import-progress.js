/* Sivuvirta import: follow a running import and show the report when it is done. */
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box) { return; }
  var url = box.getAttribute("data-import-progress");
  var bar = box.querySelector("[data-progress-bar]");
  var count = box.querySelector("[data-progress-count]");
  var label = box.querySelector("[data-progress-label]");
  function poll() {
    fetch(url, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }).then(function (p) {
      if (p.finished) { window.location.reload(); return; }
      if (bar) { bar.max = p.total || 1; bar.value = p.done; }
      if (count) { count.textContent = p.done + " / " + p.total; }
      if (label) { label.textContent = box.getAttribute(p.state === "writing" ? "data-text-writing" : "data-text-checking"); }
      setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();

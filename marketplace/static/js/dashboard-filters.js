/* The organisation filter of the brokers' dashboard: a text field whose datalist offers
   the verified organisations whose name contains what is typed
   (dashboard/organisations.json), instead of a list of every organisation. Without the
   script the field still filters by part of a name. */
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest-url]");
  var list = input && document.getElementById(input.getAttribute("list"));
  if (!input || !list || !window.fetch) { return; }
  var timer = null, asked = null;

  function ask() {
    var q = input.value.trim();
    if (q === asked) { return; }
    asked = q;
    fetch(input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q),
          { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) {
        if (q !== asked) { return; }  // a later answer is on its way
        list.textContent = "";
        found.forEach(function (organisation) {
          var option = document.createElement("option");
          option.value = organisation.name;
          list.appendChild(option);
        });
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
  input.addEventListener("focus", ask);
})();

/* Sivuvirta search filters: another property row; one of our sites as the search centre. */
(function () {
  "use strict";
  var add = document.querySelector("[data-add-range]");
  if (add) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var rows = document.querySelectorAll(".range-row");
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      rows[rows.length - 1].after(copy);
    });
  }
  var siteSelect = document.querySelector("[data-near-site]");
  var near = document.querySelector("[data-place-search]");
  if (siteSelect && near) {
    siteSelect.addEventListener("change", function () { if (siteSelect.value) { near.value = siteSelect.value; } });
  }
})();

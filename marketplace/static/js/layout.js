/* The layout's scripts, loaded with the menu (templates/_menu.html).

   Tables become cards on a phone (below 600 px, css/site.css): each cell is labelled
   with its column's heading, so that a score in the last column is not cut off.

   The search filters fold behind one button on a phone (a drawer after the map or the
   results); with an error in them they stay open.

   The menu: on a phone one button folds the whole menu;
   on a desktop each group opens below its name (a disclosure: Enter or Space opens,
   Escape closes, a click elsewhere closes). Without this script every item shows. */
(function () {
  "use strict";
  var nav = document.querySelector("[data-menu]");
  if (!nav || nav.dataset.ready) return;
  nav.dataset.ready = "1";
  var toggle = nav.querySelector(".menu-toggle");
  var list = document.getElementById(toggle.getAttribute("aria-controls"));
  var titles = Array.prototype.slice.call(nav.querySelectorAll(".menu-group-title"));
  var phone = window.matchMedia("(max-width: 48rem)");

  function setGroup(title, open) {
    title.setAttribute("aria-expanded", open ? "true" : "false");
    document.getElementById(title.getAttribute("aria-controls")).hidden = !open;
  }
  function setMenu(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    list.hidden = !open;
  }
  function layout() {
    nav.classList.add("js-menu");
    nav.classList.toggle("menu-phone", phone.matches);
    toggle.hidden = !phone.matches;
    setMenu(!phone.matches);
    // on a phone the groups are headed lists inside the folded menu; on a desktop, closed
    titles.forEach(function (title) { setGroup(title, phone.matches); });
  }
  function closeGroups(except) {
    titles.forEach(function (title) { if (title !== except) setGroup(title, false); });
  }

  toggle.addEventListener("click", function () {
    setMenu(toggle.getAttribute("aria-expanded") !== "true");
  });
  titles.forEach(function (title) {
    title.addEventListener("click", function () {
      var open = title.getAttribute("aria-expanded") !== "true";
      if (!phone.matches) closeGroups(title);
      setGroup(title, open);
    });
  });
  nav.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var title = event.target.closest(".menu-group") &&
      event.target.closest(".menu-group").querySelector(".menu-group-title");
    if (phone.matches) {
      setMenu(false);
      toggle.focus();
    } else if (title) {
      setGroup(title, false);
      title.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!phone.matches && !nav.contains(event.target)) closeGroups(null);
  });
  if (phone.addEventListener) phone.addEventListener("change", layout);
  layout();
})();

(function () {
  "use strict";
  function label(table) {
    if (table.dataset.cards || table.classList.contains("no-cards") || !table.tHead) return;
    var headings = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) {
      return cell.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (headings[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", headings[i]);
        });
      });
    });
    table.dataset.cards = "1";
    table.classList.add("cards");
  }
  function labelAll() { Array.prototype.forEach.call(document.querySelectorAll("main table"), label); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", labelAll);
  else labelAll();
})();

(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 48rem)");
  Array.prototype.forEach.call(document.querySelectorAll("[data-filters-toggle]"), function (button) {
    var form = document.getElementById(button.getAttribute("aria-controls"));
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      form.hidden = !open;
    }
    function layout() {
      button.hidden = !phone.matches;
      set(!phone.matches || button.hasAttribute("data-open"));
    }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      set(open);
      if (open) { var first = form.querySelector("input, select"); if (first) first.focus(); }
    });
    if (phone.addEventListener) phone.addEventListener("change", layout);
    layout();
  });
})();

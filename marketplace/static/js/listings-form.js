/* Sivuvirta listing forms: List of Waste picker, location picker, table rows, application limits.
   Everything here is an aid: the form works without it. */
(function () {
  "use strict";
  var form = document.querySelector("[data-listing-form]");
  if (!form) { return; }

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function suggestions(list, items, label, choose) {
    list.innerHTML = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = label(item);
      button.addEventListener("click", function () { choose(item); list.hidden = true; });
      li.appendChild(button);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }

  /* -- List of Waste ---------------------------------------------------------------- */
  var ewc = form.querySelector("[data-waste-code]");
  var hazard = form.querySelector("[data-hazard-fields]");
  var ewcList = form.querySelector("[data-waste-suggestions]");
  var ewcTitle = form.querySelector("[data-waste-title]");
  var wasteUrl = form.getAttribute("data-waste-codes-url");

  function showHazard(hazardous) {
    if (!hazard) { return; }
    var ticked = hazard.querySelector("input:checked");
    hazard.hidden = !(hazardous || ticked);
  }

  function lookUp(query, then) {
    fetch(wasteUrl + "?limit=15&q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); }).then(then).catch(function () {});
  }

  /* The code field is an ARIA combobox with a list popup (WAI-ARIA 1.2 "list
     autocomplete"): typing fetches entries; Down and Up move through them, Enter takes
     the active one, Escape closes the list; the focus stays in the field. */
  function wasteCombobox(input, list, choose) {
    var items = [], active = -1;
    list.id = list.id || "waste-code-listbox";
    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    list.setAttribute("role", "listbox");

    function open(isOpen) {
      list.hidden = !isOpen;
      input.setAttribute("aria-expanded", isOpen ? "true" : "false");
      if (!isOpen) { setActive(-1); }
    }
    function setActive(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
        li.classList.toggle("active", i === index);
      });
      if (index >= 0 && list.children[index]) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function take(index) {
      if (index < 0 || !items[index]) { return; }
      choose(items[index]);
      open(false);
    }
    function show(found) {
      items = found;
      list.innerHTML = "";
      found.forEach(function (e, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = e.display + " " + e.title;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { take(i); });
        list.appendChild(li);
      });
      open(found.length > 0);
    }
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { show([]); return; }
      lookUp(q, show);
    }, 200));
    input.addEventListener("keydown", function (event) {
      var isOpen = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!isOpen) { if (items.length) { open(true); setActive(event.key === "ArrowDown" ? 0 : items.length - 1); } return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive((active + step + items.length) % items.length);
      } else if (event.key === "Enter" && isOpen && active >= 0) {
        event.preventDefault();  // take the entry, do not send the form
        take(active);
      } else if (event.key === "Escape" && isOpen) {
        event.preventDefault();
        open(false);
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 150); });
  }

  if (ewc && wasteUrl) {
    wasteCombobox(ewc, ewcList, function (e) {
      ewc.value = e.display;
      ewcTitle.textContent = e.title;
      showHazard(e.hazardous);
    });
    ewc.addEventListener("change", function () {
      var q = ewc.value.replace(/\s|\*/g, "");
      if (/^\d{6}$/.test(q)) {
        lookUp(q, function (items) {
          var e = items[0];
          if (e) { ewcTitle.textContent = e.title; showHazard(e.hazardous); }
        });
      } else if (!q) { showHazard(false); ewcTitle.textContent = ""; }
    });
    var initial = ewc.value.replace(/\s|\*/g, "");
    if (/^\d{6}$/.test(initial)) {
      lookUp(initial, function (items) { if (items[0]) { ewcTitle.textContent = items[0].title; showHazard(items[0].hazardous); } });
    } else { showHazard(false); }
  }

  /* -- location ------------------------------------------------------------------------ */
  var picker = form.querySelector("[data-location-picker]");
  if (picker && window.L) {
    var lat = form.querySelector("#lat"), lon = form.querySelector("#lon");
    var place = form.querySelector("#place"), site = form.querySelector("#site_id");
    var placeList = picker.querySelector("[data-place-suggestions]");
    var mapEl = picker.querySelector("[data-location-map]");
    mapEl.setAttribute("data-tile-url", picker.getAttribute("data-tile-url") || "");
    mapEl.setAttribute("data-basemap-url", picker.getAttribute("data-basemap-url") || "");
    var map = window.SivuvirtaMap.create(mapEl);
    var marker = null;
    var sites = JSON.parse(picker.getAttribute("data-sites") || "[]");

    function number(input) { return parseFloat((input.value || "").replace(",", ".")); }
    function setPoint(la, lo, pan) {
      lat.value = la.toFixed(5);
      lon.value = lo.toFixed(5);
      if (marker) { marker.setLatLng([la, lo]); } else { marker = L.marker([la, lo]).addTo(map); }
      if (pan) { map.setView([la, lo], Math.max(map.getZoom(), 8)); }
    }
    if (!isNaN(number(lat)) && !isNaN(number(lon))) { setPoint(number(lat), number(lon), true); }
    map.on("click", function (event) {
      setPoint(event.latlng.lat, event.latlng.lng, false);
      if (site) { site.value = ""; }
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        if (!isNaN(number(lat)) && !isNaN(number(lon))) { setPoint(number(lat), number(lon), true); }
      });
    });
    if (site) {
      site.addEventListener("change", function () {
        var chosen = sites.filter(function (s) { return String(s.id) === site.value; })[0];
        if (chosen) { setPoint(chosen.lat, chosen.lon, true); if (!place.value) { place.value = chosen.place || chosen.name; } }
      });
    }
    var placesUrl = picker.getAttribute("data-places-url");
    place.addEventListener("input", debounce(function () {
      var q = place.value.trim();
      if (q.length < 2) { placeList.hidden = true; return; }
      fetch(placesUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); }).then(function (items) {
          suggestions(placeList, items, function (p) {
            return p.name + (p.country ? " (" + p.country + ")" : "") + (p.kind === "site" ? " – " + p.source : "");
          }, function (p) {
            place.value = p.place || p.name;
            if (site) { site.value = p.site_id ? String(p.site_id) : ""; }
            setPoint(p.lat, p.lon, true);
          });
        }).catch(function () {});
    }, 200));
  }

  /* -- more table rows ---------------------------------------------------------------- */
  form.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var table = form.querySelector('[data-rows="' + button.getAttribute("data-add-row") + '"] tbody');
      if (!table) { return; }
      event.preventDefault();
      addRow(table);
    });
  });

  function addRow(tbody) {
    var rows = tbody.querySelectorAll("tr[data-row]");
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var index = rows.length;
    copy.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/-\d+-/, "-" + index + "-");
      input.id = input.id.replace(/-\d+-/, "-" + index + "-");
      input.value = "";
      input.removeAttribute("aria-invalid");
    });
    copy.querySelectorAll(".error").forEach(function (e) { e.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
    tbody.appendChild(copy);
    return copy;
  }

  /* -- a need's application limits ------------------------------------------------------ */
  var application = form.querySelector("[data-application]");
  var prefill = form.querySelector("[data-prefill]");
  var applicationUrl = form.getAttribute("data-application-url");
  function fillLimits(event) {
    if (!application || !applicationUrl) { return; }
    if (event) { event.preventDefault(); }
    fetch(applicationUrl.replace("APP", encodeURIComponent(application.value)), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); }).then(function (data) {
        var tbody = form.querySelector('[data-rows="requirements"] tbody');
        var present = {};
        tbody.querySelectorAll("tr[data-row]").forEach(function (row) {
          var p = row.querySelector('input[name$="-property"]').value.trim();
          if (p) { present[p] = true; }
        });
        data.requirements.forEach(function (rule) {
          if (present[rule.property]) { return; }
          var row = Array.prototype.filter.call(tbody.querySelectorAll("tr[data-row]"), function (r) {
            return !r.querySelector('input[name$="-property"]').value.trim();
          })[0] || addRow(tbody);
          row.querySelector('input[name$="-property"]').value = rule.property;
          row.querySelector('input[name$="-per"]').value = rule.per || "";
          row.querySelector('input[name$="-min"]').value = rule.min === null ? "" : rule.min;
          row.querySelector('input[name$="-max"]').value = rule.max === null ? "" : rule.max;
          row.querySelector('input[name$="-note"]').value = rule.note || "";
          present[rule.property] = true;
        });
        addRow(tbody);
      }).catch(function () {});
  }
  if (prefill) { prefill.addEventListener("click", fillLimits); }
  /* -- What the stream is read as, live (listings.material_reading_json) ------------ */
  var live = form.querySelector("[data-material-live]");
  if (live) {
    var readNow = debounce(function () {
      var params = new URLSearchParams();
      ["title", "description", "category", "ewc_code", "industry"].forEach(function (name) {
        var input = form.querySelector("[name=" + name + "]");
        if (input) { params.set(name, input.value); }
      });
      var values = [];
      form.querySelectorAll("[data-rows=values] [data-row]").forEach(function (row) {
        var inputs = row.querySelectorAll("input");
        if (inputs.length >= 2 && inputs[0].value && inputs[1].value) {
          values.push(inputs[0].value + ":" + inputs[1].value.replace(/^\s*</, ""));
        }
      });
      params.set("values", values.join(";"));
      fetch(live.getAttribute("data-url") + "?" + params.toString(), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body) { return; }
          live.innerHTML = "";
          if (!body.reading) { return; }
          var p = document.createElement("p");
          p.className = "material-reading" + (body.reading.sure ? "" : " unverified");
          p.setAttribute("data-material-reading", "");
          p.textContent = body.reading.text + " ";
          if (!body.reading.sure) {
            var badge = document.createElement("span");
            badge.className = "badge warn";
            badge.textContent = live.getAttribute("data-unverified");
            var note = document.createElement("span");
            note.className = "small";
            note.textContent = " " + body.reading.warning;
            p.appendChild(badge);
            p.appendChild(note);
          }
          live.appendChild(p);
        })
        .catch(function () { /* the reading is an aid: the saved page shows it too */ });
    }, 600);
    form.addEventListener("input", function (event) {
      if (event.target.name && event.target.name !== "material_type" && event.target.name.indexOf("sources-") !== 0) {
        readNow();
      }
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "category") { readNow(); }
    });
  }
})();

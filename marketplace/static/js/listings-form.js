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

  if (ewc && wasteUrl) {
    ewc.addEventListener("input", debounce(function () {
      var q = ewc.value.trim();
      if (q.length < 2) { ewcList.hidden = true; return; }
      lookUp(q, function (items) {
        suggestions(ewcList, items, function (e) { return e.display + " " + e.title; }, function (e) {
          ewc.value = e.display;
          ewcTitle.textContent = e.title;
          showHazard(e.hazardous);
        });
      });
    }, 200));
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

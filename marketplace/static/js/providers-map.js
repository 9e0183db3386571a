/* Sivuvirta services map: providers' sites from the GeoJSON endpoint (same filters and
   visibility rules as the list), clustered; each popup links to the provider. */
(function () {
  "use strict";
  var el = document.getElementById("services-map");
  if (!el || !window.L || !window.SivuvirtaMap) { return; }
  var map = window.SivuvirtaMap.create(el);
  var status = document.getElementById("map-status");
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
  map.addLayer(cluster);
  var near = el.getAttribute("data-near");
  var km = parseFloat(el.getAttribute("data-km"));
  if (near) {
    var point = JSON.parse(near);
    L.circleMarker(point, { radius: 5, color: "#b45309" }).addTo(map);
    if (!isNaN(km)) {
      L.circle(point, { radius: km * 1000, color: "#b45309", weight: 1, fill: false, interactive: false }).addTo(map);
    }
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  function popup(p) {
    var html = '<a href="' + encodeURI(p.url) + '"><strong>' + text(p.title) + "</strong></a><br>" + text(p.place);
    html += "<ul>" + p.services.map(function (s) { return "<li>" + text(s) + "</li>"; }).join("") + "</ul>";
    if (p.shortest_lead_time_days !== null && p.shortest_lead_time_days !== undefined) {
      html += text(el.getAttribute("data-text-days").replace("{days}", p.shortest_lead_time_days));
    }
    return html;
  }

  fetch(el.getAttribute("data-geojson-url"), { headers: { Accept: "application/geo+json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          return L.marker(latlng).bindPopup(popup(feature.properties));
        }
      });
      cluster.addLayer(layer);
      status.textContent = el.getAttribute("data-text-count").replace("{count}", data.features.length);
      if (data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 9, padding: [20, 20] }); }
    }).catch(function () {});
})();

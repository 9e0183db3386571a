/* Sivuvirta browse map: listings from the GeoJSON endpoint (same filters and visibility
   rules as the list), clustered; each popup links to the listing. */
(function () {
  "use strict";
  var el = document.getElementById("browse-map");
  if (!el || !window.L) { return; }
  var map = window.SivuvirtaMap.create(el);
  var status = document.getElementById("map-status");
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
  map.addLayer(cluster);
  var baseUrl = el.getAttribute("data-geojson-url");
  var near = el.getAttribute("data-near");
  var km = parseFloat(el.getAttribute("data-km"));
  var truncated = false, first = true;

  if (near) {
    var point = JSON.parse(near);
    if (!isNaN(km)) {
      L.circle(point, { radius: km * 1000, color: "#b45309", weight: 1, fill: false, interactive: false }).addTo(map);
    }
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  function popup(feature) {
    var p = feature.properties;
    var html = '<a href="' + encodeURI(p.url) + '"><strong>' + text(p.title) + "</strong></a><br>";
    html += p.organisation ? text(p.organisation) : '<span class="muted">' + text(el.getAttribute("data-text-unnamed")) + "</span>";
    if (p.quantity_t_per_year !== null && p.quantity_t_per_year !== undefined) {
      html += "<br>" + Math.round(p.quantity_t_per_year).toLocaleString() + " t/a";
    }
    if (p.approximate) { html += '<br><span class="muted">' + text(el.getAttribute("data-text-approximate")) + "</span>"; }
    return html;
  }

  function load(withBounds) {
    var url = baseUrl + (baseUrl.indexOf("?") >= 0 ? "&" : "?");
    if (withBounds) { url += "bbox=" + map.getBounds().toBBoxString(); }
    fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) { return r.json(); }).then(function (data) {
      cluster.clearLayers();
      var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          var marker = feature.properties.approximate
            ? L.circleMarker(latlng, { radius: 9, color: "#7a4d00", fillColor: "#f4a259", fillOpacity: 0.7 })
            : L.marker(latlng);
          marker.bindPopup(popup(feature));
          return marker;
        }
      });
      cluster.addLayer(layer);
      truncated = data.truncated;
      var message = el.getAttribute("data-text-count").replace("{shown}", data.features.length).replace("{total}", data.total);
      if (data.truncated) { message += " " + el.getAttribute("data-text-truncated"); }
      status.textContent = message;
      if (first && data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 9, padding: [20, 20] }); }
      first = false;
    }).catch(function () {});
  }
  load(false);
  map.on("moveend", function () { if (truncated && !first) { load(true); } });
})();

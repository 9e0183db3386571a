/* Sivuvirta: a Leaflet map with the offline base map (always) and tiles when configured. */
(function () {
  "use strict";
  function create(el, options) {
    var map = L.map(el, Object.assign({ center: [66.0, 25.5], zoom: 5, minZoom: 3, maxZoom: 17 }, options || {}));
    var tileUrl = el.getAttribute("data-tile-url");
    var basemapUrl = el.getAttribute("data-basemap-url");
    if (basemapUrl) {
      fetch(basemapUrl).then(function (r) { return r.json(); }).then(function (geojson) {
        var layer = L.geoJSON(geojson, {
          style: { color: "#6b7b86", weight: 1, fillColor: "#f3f1ea", fillOpacity: tileUrl ? 0 : 1 },
          interactive: false
        }).addTo(map);
        layer.bringToBack();
      }).catch(function () { /* the map still works without its outline */ });
    }
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 17, attribution: "© OpenStreetMap contributors" }).addTo(map);
    }
    return map;
  }
  window.SivuvirtaMap = { create: create };
})();

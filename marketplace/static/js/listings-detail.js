/* Sivuvirta listing page: the place on a small map, the major components as a chart. */
(function () {
  "use strict";
  var el = document.getElementById("detail-map");
  if (el && window.L) {
    var lat = parseFloat(el.getAttribute("data-lat")), lon = parseFloat(el.getAttribute("data-lon"));
    var map = window.SivuvirtaMap.create(el, { center: [lat, lon], zoom: 7 });
    if (el.getAttribute("data-approximate") === "1") {
      var km = parseFloat(el.getAttribute("data-radius-km")) || 10;
      L.circle([lat, lon], { radius: km * 1000, color: "#7a4d00", fillOpacity: 0.2 }).addTo(map);
    } else {
      L.marker([lat, lon]).addTo(map);
    }
  }
  var canvas = document.getElementById("composition-chart");
  if (canvas && window.Chart) {
    var data = JSON.parse(canvas.getAttribute("data-chart"));
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: data.label, data: data.values, backgroundColor: "#0b4f6c" }] },
      options: {
        indexAxis: "y", responsive: true, animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, title: { display: true, text: data.label } } }
      }
    });
  }
})();

/* Impact charts of the broker dashboard. The data come in the data-charts attribute of
   #impact-charts (the Content-Security-Policy forbids inline script). Chart.js is vendored. */
(function () {
  "use strict";

  function draw(id, series, labels, kind) {
    var canvas = document.getElementById(id);
    if (!canvas || !series || !series.labels.length) {
      if (canvas) { canvas.closest("figure").hidden = true; }
      return;
    }
    var datasets = [{ label: labels.tonnes, data: series.tonnes, backgroundColor: "#0b4f6c", borderColor: "#0b4f6c" }];
    if (kind === "month") {
      datasets.push({ label: labels.co2, data: series.co2, backgroundColor: "#b45309", borderColor: "#b45309" });
    }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: series.labels, datasets: datasets },
      options: {
        responsive: true,
        indexAxis: kind === "month" ? "x" : "y",
        plugins: { legend: { display: kind === "month" } },
        scales: { x: { beginAtZero: true }, y: { beginAtZero: true } }
      }
    });
  }

  function start() {
    var holder = document.getElementById("impact-charts");
    if (!holder || !window.Chart) { return; }
    var data;
    try { data = JSON.parse(holder.getAttribute("data-charts")); } catch (e) { return; }
    draw("chart-month", data.month, data.labels, "month");
    draw("chart-material", data.material, data.labels, "material");
    draw("chart-application", data.application, data.labels, "application");
    draw("chart-municipality", data.municipality, data.labels, "municipality");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());

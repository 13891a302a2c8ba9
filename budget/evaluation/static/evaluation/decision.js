/* Charts of the decision basis from the json_script data (vendored Chart.js, no CDN). */
(function () {
  "use strict";
  var el = document.getElementById("evaluation-data");
  if (!el || typeof Chart === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  var blue = "#0b5394", orange = "#b45f06", grey = "#555555";
  var rates = document.getElementById("chart-rates");
  if (rates) {
    new Chart(rates, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.names.pilot, data: data.pilot, backgroundColor: blue },
          { label: data.names.comparison, data: data.comparison, backgroundColor: grey }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  var diff = document.getElementById("chart-difference");
  if (diff) {
    // A forest plot: the interval as a floating bar, the estimate as a point.
    new Chart(diff, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: data.names.interval, data: data.interval, backgroundColor: "rgba(11, 83, 148, 0.35)", borderColor: blue, borderWidth: 1, barPercentage: 0.4 },
          { type: "line", label: data.names.difference, data: data.difference, showLine: false, pointRadius: 7, pointStyle: "rectRot", backgroundColor: orange, borderColor: orange }
        ]
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { ticks: { callback: function (v) { return v + " pp"; } } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
})();

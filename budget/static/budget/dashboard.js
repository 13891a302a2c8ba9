/* Trend charts from the json_script data (vendored Chart.js, no CDN). */
(function () {
  "use strict";
  var el = document.getElementById("trend-data");
  if (!el || typeof Chart === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  // High-contrast colours that stay apart on a projector and for colour-blind readers.
  var colours = { T1: "#0b5394", T2: "#b45f06", T3: "#38761d", T4: "#741b47", T5: "#000000", T6: "#cc0000" };
  function dataset(code, dashed) {
    return {
      label: code + " " + data.labels[code],
      data: data.series[code],
      borderColor: colours[code],
      backgroundColor: colours[code],
      borderWidth: 3,
      borderDash: dashed ? [8, 6] : [],
      pointRadius: 3,
      spanGaps: true,
      tension: 0.1
    };
  }
  function targetLine(code) {
    var value = data.targets[code];
    if (value === null || value === undefined) { return null; }
    return {
      label: code + " – " + data.target_label + " " + value + " %",
      data: data.dates.map(function () { return value; }),
      borderColor: colours[code],
      borderWidth: 2,
      borderDash: [4, 4],
      pointRadius: 0
    };
  }
  function draw(id, codes, withTargets) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    var sets = codes.map(function (c) { return dataset(c, false); });
    if (withTargets) {
      codes.forEach(function (c) { var t = targetLine(c); if (t) { sets.push(t); } });
    }
    new Chart(canvas, {
      type: "line",
      data: { labels: data.date_labels || data.dates, datasets: sets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; }, font: { size: 14 } } },
                  x: { ticks: { font: { size: 14 } } } },
        plugins: { legend: { labels: { font: { size: 14 } } } }
      }
    });
  }
  draw("chart-headline", ["T1", "T2"], true);
  draw("chart-others", ["T3", "T4", "T5", "T6"], false);
})();

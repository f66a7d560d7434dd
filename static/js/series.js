// Draws the indicator's total over time with the vendored Chart.js (no CDN).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("series-data").textContent);
  var datasets = [{ label: "", data: data.values, borderColor: "#1f4e9a", backgroundColor: "rgba(31,78,154,.12)", fill: true, tension: 0.2, spanGaps: true }];
  if (data.target !== null) {
    datasets.push({ label: "", data: data.labels.map(function () { return data.target; }), borderColor: "#c8102e", borderDash: [6, 4], pointRadius: 0, fill: false });
  }
  new Chart(document.getElementById("series"), {
    type: "line",
    data: { labels: data.labels, datasets: datasets },
    options: {
      animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return data.percent ? v + " %" : v.toLocaleString("vi-VN"); } } } }
    }
  });
})();

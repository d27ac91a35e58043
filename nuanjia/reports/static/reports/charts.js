/* The dashboard's charts (Chart.js, served from our static files): the data is the page's
   json_script "report-charts"; no inline script, as the CSP allows scripts from self only. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("report-charts");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var now = "#e0603a", then = "#9aa5b1";
    function sets(part) {
      return [
        { label: data.this_year, data: part.now, backgroundColor: now, borderColor: now },
        { label: data.last_year, data: part.then, backgroundColor: then, borderColor: then }
      ];
    }
    var options = {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: data.unit } } }
    };
    var trend = document.getElementById("chart-trend");
    if (trend) {
      window.reportCharts = window.reportCharts || {};
      window.reportCharts.trend = new window.Chart(trend, {
        type: "line", data: { labels: data.trend.labels, datasets: sets(data.trend) }, options: options
      });
    }
    var children = document.getElementById("chart-children");
    if (children && data.children.labels.length) {
      window.reportCharts = window.reportCharts || {};
      window.reportCharts.children = new window.Chart(children, {
        type: "bar", data: { labels: data.children.labels, datasets: sets(data.children) }, options: options
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

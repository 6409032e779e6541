/* Dashboard charts: each [data-chart] element reads its data from a json_script tag.
   SVG renderer, so charts print sharply and their labels are text. */
(function () {
  "use strict";
  var LIGHT_COLORS = { red: "#c62828", yellow: "#e0a526", green: "#2e7d32", done: "#9aa5b1" };
  var STATUS_COLORS = { not_started: "#cbd2d9", in_progress: "#1c4f9c", done: "#2e7d32", delayed: "#c62828" };
  var FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

  function data(el) {
    return JSON.parse(document.getElementById(el.dataset.source).textContent);
  }

  var builders = {
    pie: function (d) {
      return {
        tooltip: { trigger: "item" },
        legend: { bottom: 0 },
        series: [{
          type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"],
          label: { formatter: "{b}\n{c}" },
          data: d.filter(function (x) { return x.value > 0; }).map(function (x) {
            return { name: x.name, value: x.value, itemStyle: { color: STATUS_COLORS[x.key] } };
          })
        }]
      };
    },
    units: function (d) {
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { bottom: 0 },
        grid: { left: 8, right: 16, top: 8, bottom: 36, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: d.names, inverse: true },
        series: d.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "lights", data: s.data,
                   itemStyle: { color: LIGHT_COLORS[s.key] } };
        })
      };
    },
    periods: function (d) {
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { bottom: 0 },
        grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
        xAxis: { type: "category", data: d.periods },
        yAxis: { type: "value", minInterval: 1 },
        series: d.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "reports", data: s.data,
                   itemStyle: { color: s.key === "late" ? "#e0a526" : "#1c4f9c" } };
        })
      };
    }
  };

  function isEmpty(d) {
    if (Array.isArray(d)) { return !d.some(function (x) { return x.value > 0; }); }
    return !(d.names || d.periods).length;
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var d = data(el);
    if (isEmpty(d)) {
      el.textContent = el.dataset.empty;
      el.classList.add("chart-empty");
      return;
    }
    var option = builders[el.dataset.chart](d);
    option.textStyle = { fontFamily: FONT };
    option.animation = false;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();

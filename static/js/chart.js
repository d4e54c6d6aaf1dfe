/* Draw horizontal bar charts (stacked when a table has several series) from the numbers
   of a table on the page. The table stays the source and the accessible version; the
   chart is an SVG drawn here, by the app itself: no library, no CDN.

   <figure class="chart" data-table="ID" [data-max="100"] [data-unit="%"]></figure>
   The table's header cells with data-series name the series; each body row with
   data-chart-label is a bar; its cells with data-series and data-value are the segments,
   and a link inside a cell becomes the segment's link. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  // Each label sits on its own line above its bar, so a long branch name is read whole on a
  // phone instead of being cut to a few characters beside the bar.
  var WIDTH = 360, LINE = 15, BAR = 14, GAP = 9, VALUE = 40, LEGEND_STEP = 84;

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function readTable(table) {
    var series = Array.prototype.map.call(table.querySelectorAll("thead th[data-series]"), function (th) {
      return { key: th.getAttribute("data-series"), label: th.textContent.trim() };
    });
    var rows = Array.prototype.map.call(table.querySelectorAll("tbody tr[data-chart-label]"), function (tr) {
      var parts = series.map(function (s) {
        var cell = tr.querySelector('td[data-series="' + s.key + '"]');
        var raw = cell ? cell.getAttribute("data-value") : "";
        var link = cell ? cell.querySelector("a") : null;
        return { value: raw === "" || raw === null ? null : Number(raw), href: link ? link.getAttribute("href") : null };
      });
      return { label: tr.getAttribute("data-chart-label"), parts: parts };
    });
    return { series: series, rows: rows };
  }

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  function draw(figure) {
    var table = document.getElementById(figure.getAttribute("data-table"));
    if (!table) return;
    var data = readTable(table);
    if (!data.rows.length || !data.series.length) return;
    var unit = figure.getAttribute("data-unit") || "";
    var totals = data.rows.map(function (r) {
      return r.parts.reduce(function (sum, p) { return sum + (p.value || 0); }, 0);
    });
    var max = Number(figure.getAttribute("data-max")) || Math.max.apply(null, totals.concat([1]));
    var legend = data.series.length > 1 ? 20 : 0;
    var height = legend + data.rows.length * (LINE + BAR + GAP);
    var span = WIDTH - VALUE;
    var svg = el("svg", { viewBox: "0 0 " + WIDTH + " " + height, role: "img" });
    figure.classList.toggle("single", data.series.length === 1);
    if (legend) {
      data.series.forEach(function (s, i) {
        var x = i * LEGEND_STEP;
        el("rect", { x: x, y: 4, width: 10, height: 10, "class": "seg-" + i }, svg);
        el("text", { x: x + 14, y: 13, "class": "legend" }, svg).textContent = s.label;
      });
    }
    data.rows.forEach(function (row, i) {
      var top = legend + i * (LINE + BAR + GAP);
      el("text", { x: 0, y: top + LINE - 3, "class": "bar-label" }, svg).textContent = shorten(row.label, 28);
      var y = top + LINE;
      el("rect", { x: 0, y: y, width: span, height: BAR, rx: 3, "class": "track" }, svg);
      var x = 0;
      row.parts.forEach(function (part, j) {
        if (!part.value) return;
        var w = Math.max(2, span * part.value / max);
        var parent = svg;
        if (part.href) parent = el("a", { href: part.href }, svg);
        var rect = el("rect", { x: x, y: y, width: w, height: BAR, "class": "seg-" + j }, parent);
        el("title", {}, rect).textContent = data.series[j].label + "：" + part.value + unit;
        x += w;
      });
      var shown = row.parts.every(function (p) { return p.value === null; }) ? "—" : totals[i] + unit;
      el("text", { x: WIDTH - VALUE + 4, y: y + BAR - 4, "class": "bar-value" }, svg).textContent = shown;
    });
    figure.appendChild(svg);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("figure.chart[data-table]"), draw);
  });
})();

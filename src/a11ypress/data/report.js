// The report's only script: sortable tables and chapter seeking in the players.
// Everything is readable without it; every control is a real <button>.
(function () {
  "use strict";
  var status = document.getElementById("status");
  function say(text) { status.textContent = ""; window.setTimeout(function () { status.textContent = text; }, 50); }
  function key(row, col) {
    var cell = row.cells[col];
    var v = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    var n = Number(v);
    return v !== "" && !isNaN(n) ? n : v.toLowerCase();
  }
  function compare(a, b) {
    if (typeof a === typeof b) { return a < b ? -1 : a > b ? 1 : 0; }
    return typeof a === "number" ? -1 : 1;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th button.sort").forEach(function (button) {
      button.addEventListener("click", function () {
        var th = button.closest("th");
        var col = Array.prototype.indexOf.call(th.parentNode.children, th);
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) { var r = compare(key(a, col), key(b, col)); return asc ? r : -r; });
        rows.forEach(function (r) { body.appendChild(r); });
        say("Sorted by " + button.textContent.trim() + ", " + (asc ? "ascending" : "descending") + ".");
      });
    });
  });
  document.querySelectorAll("button.seek").forEach(function (button) {
    button.addEventListener("click", function () {
      var audio = document.getElementById(button.getAttribute("data-audio"));
      if (!audio) { return; }
      audio.currentTime = Number(button.getAttribute("data-start"));
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
      say("Playing from " + button.getAttribute("data-label") + ".");
    });
  });
  document.querySelectorAll("audio[data-chapters]").forEach(function (audio) {
    var table = document.getElementById(audio.getAttribute("data-chapters"));
    audio.addEventListener("timeupdate", function () {
      var t = audio.currentTime, current = null;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        if (Number(row.getAttribute("data-start")) <= t) { current = row; }
      });
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        if (row === current) { row.setAttribute("aria-current", "true"); } else { row.removeAttribute("aria-current"); }
      });
    });
  });
})();

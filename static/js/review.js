// Pointing at an extracted field lights up the text it was read from (and scrolls to it).
(function () {
  "use strict";
  function marksFor(path) {
    return Array.prototype.filter.call(document.querySelectorAll("#source mark"), function (m) {
      return (" " + m.getAttribute("data-paths") + " ").indexOf(" " + path) !== -1;
    });
  }
  function show(path, scroll) {
    document.querySelectorAll("#source mark.on").forEach(function (m) { m.classList.remove("on"); });
    var marks = marksFor(path);
    marks.forEach(function (m) { m.classList.add("on"); });
    if (scroll && marks.length) marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
  }
  document.querySelectorAll("[data-path]").forEach(function (el) {
    el.addEventListener("mouseenter", function () { show(el.getAttribute("data-path"), false); });
    el.addEventListener("click", function () { show(el.getAttribute("data-path"), true); });
  });
})();

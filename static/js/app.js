// Live countdowns for deadlines: the server renders the text; this refreshes it every minute.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "vi";
  var words = lang === "vi"
    ? { left: "còn", d: "ngày", h: "giờ", m: "phút", over: "đã quá hạn" }
    : { left: "", d: "d", h: "h", m: "min", over: "overdue" };
  function render(el) {
    var ms = new Date(el.getAttribute("data-countdown")) - new Date();
    if (isNaN(ms)) return;
    if (ms <= 0) { el.textContent = words.over; el.className = "badge badge-late"; return; }
    var min = Math.floor(ms / 60000), d = Math.floor(min / 1440), h = Math.floor((min % 1440) / 60), m = min % 60;
    var parts = d ? [d + " " + words.d, h + " " + words.h] : (h ? [h + " " + words.h, m + " " + words.m] : [Math.max(m, 1) + " " + words.m]);
    el.textContent = (words.left ? words.left + " " : "") + parts.join(" ") + (words.left ? "" : " left");
  }
  function tick() { document.querySelectorAll("[data-countdown]").forEach(render); }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 60000); });
})();

// Behaviour that would otherwise be inline (the Content-Security-Policy forbids inline script):
// data-autosubmit submits its form on change, data-print prints, data-confirm asks first.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-print],[data-confirm]") : null;
    if (!el) return;
    if (el.hasAttribute("data-print")) { event.preventDefault(); window.print(); }
    else if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
  });
})();

// Unit pickers (campaign editor): a suggested unit, clicked, fills the box (a list box: its last entry).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-unit-pick]") : null;
    if (!button) return;
    var input = document.querySelector('[name="' + CSS.escape(button.getAttribute("data-field")) + '"]');
    if (!input) return;
    var code = button.getAttribute("data-unit-pick");
    if (button.hasAttribute("data-multiple")) {
      var parts = input.value.split(",").map(function (p) { return p.trim(); }).filter(Boolean);
      parts.pop();
      parts.push(code);
      input.value = parts.join(", ") + ", ";
    } else {
      input.value = code + " — " + button.getAttribute("data-unit-name");
    }
    var box = button.closest(".unit-suggestions");
    if (box) box.innerHTML = "";
    input.focus();
  });
})();

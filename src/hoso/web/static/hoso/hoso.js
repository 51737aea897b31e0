// Keyboard use of the search boxes: "/" focuses the search, arrows walk the results, Escape closes.
(function () {
  "use strict";
  function links() {
    const scope = document.querySelector("#quick-results .hits") || document.querySelector("#results .hits");
    return scope ? Array.from(scope.querySelectorAll("a.hit")) : [];
  }
  document.addEventListener("keydown", function (event) {
    const active = document.activeElement;
    const typing = active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT");
    if (event.key === "/" && !typing) {
      event.preventDefault();
      (document.getElementById("search-q") || document.getElementById("quick-q")).focus();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Escape") return;
    const items = links();
    if (event.key === "Escape") {
      const dropdown = document.getElementById("quick-results");
      if (dropdown) dropdown.innerHTML = "";
      return;
    }
    if (!items.length) return;
    const index = items.indexOf(active);
    const box = active && active.type === "search";
    if (!box && index < 0) return;
    event.preventDefault();
    const next = event.key === "ArrowDown" ? (box ? 0 : Math.min(index + 1, items.length - 1))
                                           : (index <= 0 ? -1 : index - 1);
    if (next < 0) { (document.getElementById("search-q") || document.getElementById("quick-q")).focus(); }
    else { items[next].focus(); }
  });
})();
// Scan forms (archive): a handheld scanner types a label and presses Enter. In a one-line box (the box label)
// Enter moves on to the scan list instead of submitting; in the scan list Ctrl+Enter submits.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    const el = event.target;
    if (event.key !== "Enter" || !el || !el.form || !el.form.classList.contains("scan-form")) return;
    if (el.tagName === "TEXTAREA" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      el.form.requestSubmit();
      return;
    }
    if (el.tagName !== "INPUT") return;
    const fields = Array.from(el.form.querySelectorAll("input:not([type=hidden]), textarea, select"));
    const next = fields[fields.indexOf(el) + 1];
    if (next && next.tagName === "TEXTAREA") {
      event.preventDefault();
      next.focus();
    }
  });
})();
// "Quay lại" links (a[data-back]): back in the browser's history; without script, or with no page to go back to,
// the link's own address (the home page). Replaces javascript: links, which the Content-Security-Policy refuses.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[data-back]");
    if (!link || window.history.length < 2) return;
    event.preventDefault();
    window.history.back();
  });
})();
// The menu: on a phone it folds behind «☰ Menu» (only when this script runs: without it the menu stays open);
// the link of the page being shown is marked aria-current.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  const toggle = document.querySelector(".menu-toggle");
  const menu = document.getElementById("menu");
  if (toggle && menu) {
    toggle.addEventListener("click", function () {
      const open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  if (menu) {
    let best = null;
    menu.querySelectorAll("a[href]").forEach(function (a) {
      const path = new URL(a.href, window.location.href).pathname;
      if (path !== "/" && window.location.pathname.startsWith(path) && (!best || path.length > best.path.length)) {
        best = { a: a, path: path };
      }
    });
    if (best) best.a.setAttribute("aria-current", "page");
  }
})();

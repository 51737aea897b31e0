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

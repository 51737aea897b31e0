// The dossier list's bulk selection: «chọn tất cả» ticks every row of the page (it stays hidden without this
// script, which is the only thing it would do), and a live count says how many rows are ticked.
(function () {
  "use strict";
  // Texts through the interface's catalogue (jsi18n/, the user's language); as written without it.
  const gettext = window.gettext || function (text) { return text; };
  const ngettext = window.ngettext || function (singular, plural, count) { return count === 1 ? singular : plural; };
  function fill(text, values) { return text.replace(/%\((\w+)\)s/g, function (all, key) { return values[key]; }); }
  const form = document.getElementById("bulk");
  if (!form) return;
  const all = form.querySelector("input[data-pick-all]");
  const count = form.querySelector("[data-picked]");
  const rows = function () { return Array.from(form.querySelectorAll("input[name=chon]")); };
  function update() {
    const boxes = rows();
    const ticked = boxes.filter(function (b) { return b.checked; }).length;
    if (all) {
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    if (count) count.textContent = ticked ? fill(ngettext("Đã chọn %(count)s hồ sơ", "Đã chọn %(count)s hồ sơ", ticked), {count: ticked}) : "";
  }
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      rows().forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "chon") update();
  });
  form.addEventListener("submit", function (event) {
    if (!rows().some(function (b) { return b.checked; })) {
      event.preventDefault();
      if (count) count.textContent = gettext("Chưa chọn hồ sơ nào: hãy đánh dấu các hồ sơ trước.");
    }
  });
  update();
})();

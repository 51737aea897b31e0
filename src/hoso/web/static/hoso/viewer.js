// The page viewer opens with the image in view and focused, so its keys work at once: zoom (+ - 0), rotate for
// display only (R, Shift+R), the readability view of faded ink (D), previous/next page (← → PageUp PageDown),
// Enter (or N) into the document form;
// thumbnails dragged to reorder (or Alt+↑/↓ on a thumbnail), Shift+click to pick a page range, and the document
// form: Enter saves, Esc cancels, PageUp/PageDown change page (asking first if something was typed). Everything
// also works with the buttons and links alone.
(function () {
  "use strict";
  // Texts through the interface's catalogue (jsi18n/, the user's language); as written without it.
  const gettext = window.gettext || function (text) { return text; };
  function fill(text, values) { return text.replace(/%\((\w+)\)s/g, function (all, key) { return values[key]; }); }
  const viewer = document.getElementById("viewer");
  if (!viewer) return;
  const key = "hoso-viewer-" + viewer.dataset.dossier;
  let view = { zoom: 1, rotate: 0, readable: "" };
  try { view = Object.assign(view, JSON.parse(sessionStorage.getItem(key) || "{}")); } catch (e) { /* fresh view */ }

  function apply() {
    const img = document.getElementById("page-image");
    const canvas = document.getElementById("canvas");
    const label = document.getElementById("zoom-level");
    if (label) label.textContent = Math.round(view.zoom * 100) + "%";
    if (!img || !canvas) return;
    canvas.classList.toggle("zoomed", view.zoom !== 1);
    img.style.width = view.zoom === 1 ? "" : (view.zoom * 100) + "%";
    img.style.transform = view.rotate ? "rotate(" + view.rotate + "deg)" : "";
    const base = img.dataset.src || img.getAttribute("src").split("?")[0];
    img.dataset.src = base;
    const wanted = view.readable ? base + "?xem=" + view.readable : base;
    if (img.getAttribute("src") !== wanted) img.setAttribute("src", wanted);
    document.querySelectorAll("[data-view]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.view === view.readable ? "true" : "false");
    });
    try { sessionStorage.setItem(key, JSON.stringify(view)); } catch (e) { /* private mode */ }
  }
  function zoom(how) {
    if (how === "in") view.zoom = Math.min(5, Math.round((view.zoom * 1.25) * 100) / 100);
    else if (how === "out") view.zoom = Math.max(0.25, Math.round((view.zoom / 1.25) * 100) / 100);
    else view.zoom = 1;
    apply();
  }
  function rotate(by) { view.rotate = ((view.rotate + by) % 360 + 360) % 360; apply(); }
  function go(id) { const link = document.getElementById(id); if (link) link.click(); }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-zoom], [data-rotate], [data-range], [data-view]");
    if (button) {
      if (button.dataset.view !== undefined) { view.readable = button.dataset.view; apply(); }
      if (button.dataset.zoom) zoom(button.dataset.zoom);
      if (button.dataset.rotate) rotate(parseInt(button.dataset.rotate, 10));
      if (button.dataset.range) { const [a, b] = button.dataset.range.split("-"); setRange(+a, +b); }
      return;
    }
    const link = event.target.closest(".thumb a");
    if (link && event.shiftKey) {  // pick a page range for the document form
      event.preventDefault();
      const current = document.querySelector(".thumb.current");
      const a = current ? +current.dataset.sequence : 1;
      const b = +link.closest(".thumb").dataset.sequence;
      setRange(Math.min(a, b), Math.max(a, b));
    }
  });

  function setRange(a, b) {
    const from = document.getElementById("id_page_from");
    const to = document.getElementById("id_page_to");
    if (!from || !to) return;
    from.value = a; to.value = b;
    document.querySelectorAll(".thumb").forEach(function (li) {
      const n = +li.dataset.sequence;
      li.classList.toggle("selected", n >= a && n <= b);
    });
    const first = document.getElementById("id_doc_type");
    if (first) first.focus();
  }

  document.addEventListener("keydown", function (event) {
    const el = document.activeElement;
    const form = document.getElementById("doc-form");
    if (form && el && form.contains(el)) {
      if (event.key === "PageUp" || event.key === "PageDown") {  // page on while typing, nothing lost unasked
        const dirty = Array.from(form.querySelectorAll("input, textarea, select")).some(function (x) {
          return (x.type === "checkbox" || x.type === "radio") ? x.checked !== x.defaultChecked
            : x.tagName === "SELECT" ? Array.from(x.options).some(function (o) { return o.selected !== o.defaultSelected; })
            : x.value !== x.defaultValue;
        });
        event.preventDefault();
        if (!dirty || window.confirm(gettext("Bỏ những gì vừa gõ và chuyển trang?"))) go(event.key === "PageUp" ? "prev-page" : "next-page");
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        form.reset();
        document.querySelectorAll(".thumb.selected").forEach(function (li) { li.classList.remove("selected"); });
        const canvas = document.getElementById("canvas");
        if (canvas) canvas.focus();
      } else if (event.key === "Enter" && el.tagName === "TEXTAREA" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    const thumb = el && el.closest && el.closest(".thumb");
    if (thumb && event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      const button = thumb.querySelector("button[name=dir][value=" + (event.key === "ArrowUp" ? "up" : "down") + "]");
      if (button) { event.preventDefault(); button.click(); }
      return;
    }
    const typing = el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      "Enter": function () { const f = document.getElementById("id_doc_type"); if (f && el && el.id === "canvas") f.focus(); },
      "n": function () { const f = document.getElementById("id_doc_type"); if (f) f.focus(); },
      "+": function () { zoom("in"); }, "=": function () { zoom("in"); }, "-": function () { zoom("out"); },
      "0": function () { zoom("reset"); }, "r": function () { rotate(90); }, "R": function () { rotate(-90); },
      "d": function () { const order = ["", "ro", "den-trang"]; view.readable = order[(order.indexOf(view.readable) + 1) % 3]; apply(); },
      "ArrowLeft": function () { go("prev-page"); }, "PageUp": function () { go("prev-page"); },
      "ArrowRight": function () { go("next-page"); }, "PageDown": function () { go("next-page"); },
    };
    const action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  // Drag a thumbnail onto another to put it there; the new order is saved at once.
  let dragged = null;
  document.addEventListener("dragstart", function (event) {
    const li = event.target.closest && event.target.closest(".thumb[draggable=true]");
    if (!li) return;
    dragged = li;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", li.dataset.page);
  });
  document.addEventListener("dragover", function (event) {
    const li = dragged && event.target.closest && event.target.closest(".thumb");
    if (!li || li === dragged) return;
    event.preventDefault();
    document.querySelectorAll(".thumb.drag-over").forEach(function (x) { x.classList.remove("drag-over"); });
    li.classList.add("drag-over");
  });
  document.addEventListener("dragend", function () {
    document.querySelectorAll(".thumb.drag-over").forEach(function (x) { x.classList.remove("drag-over"); });
    dragged = null;
  });
  document.addEventListener("drop", function (event) {
    const li = dragged && event.target.closest && event.target.closest(".thumb");
    if (!li || li === dragged) return;
    event.preventDefault();
    const list = li.parentNode;
    const items = Array.from(list.children);
    const after = items.indexOf(dragged) < items.indexOf(li);
    list.insertBefore(dragged, after ? li.nextSibling : li);
    const order = Array.from(list.children).map(function (x) { return x.dataset.page; });
    dragged = null;
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    const body = new FormData();
    body.append("order", order.join(","));
    fetch(list.dataset.reorderUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) alert(data.error || gettext("Không lưu được thứ tự trang."));
        window.location.reload();
      });
    }).catch(function () { alert(gettext("Không kết nối được máy chủ; thứ tự trang chưa được lưu.")); window.location.reload(); });
  });

  apply();
  const image = document.getElementById("page-image");
  if (image) image.addEventListener("error", function () {
    image.replaceWith(Object.assign(document.createElement("p"), {
      className: "placeholder error", textContent: gettext("Không tải được ảnh trang này (tệp thiếu hoặc chưa xử lý xong).") }));
  });
  // On opening: a field the server sent back with an error gets the focus; otherwise the image, scrolled into view.
  // Right after a document was saved («#nhap»), data entry goes on in the form of the next page.
  const invalid = document.querySelector("#doc-form .field.invalid input, #doc-form .field.invalid select");
  const canvas = document.getElementById("canvas");
  const entry = window.location.hash === "#nhap" && document.getElementById("id_doc_type");
  if (invalid) invalid.focus();
  else if (entry) entry.focus();
  else if (canvas) {
    canvas.focus({ preventScroll: true });
    (document.querySelector(".stage") || canvas).scrollIntoView({ block: "start" });
  }
})();

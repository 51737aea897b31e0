// The viewer's check of a photographed page («Kiểm tra khung trang»): the outline of the page over the master photo,
// its four corners in the photo's own pixels. A corner is moved by dragging it (mouse, pen or finger), or by keyboard:
// 1–4 (or Tab) picks a corner, the arrow keys move it (Shift: ten times as far). The coordinates typed in the form
// move the corners too, and are what is saved: without JavaScript the form alone does the job.
(function () {
  "use strict";
  // Texts through the interface's catalogue (jsi18n/, the user's language); as written without it.
  const gettext = window.gettext || function (text) { return text; };
  function fill(text, values) { return text.replace(/%\((\w+)\)s/g, function (all, key) { return values[key]; }); }
  const box = document.getElementById("khung-trang");
  if (!box) return;
  const W = parseFloat(box.dataset.width), H = parseFloat(box.dataset.height);
  const figure = document.getElementById("outline-figure");
  const photo = document.getElementById("outline-photo");
  const shape = document.getElementById("outline-shape");
  const handles = Array.from(figure.querySelectorAll(".corner"));
  const inputs = [1, 2, 3, 4].map(function (n) {
    return [document.getElementById("outline-x" + n), document.getElementById("outline-y" + n)];
  });
  const names = [gettext("trên trái"), gettext("trên phải"), gettext("dưới phải"), gettext("dưới trái")];
  let corners = inputs.map(function (pair) { return [parseFloat(pair[0].value), parseFloat(pair[1].value)]; });
  const initial = corners.map(function (c) { return c.slice(); });
  let selected = 0;

  // The figure keeps the photo's proportions and fits the screen's height (CSSOM: allowed by the page's CSP).
  figure.style.aspectRatio = W + " / " + H;
  figure.style.width = "min(100%, calc(75vh * " + (W / H).toFixed(4) + "))";

  function clamp(value, low, high) { return Math.min(high, Math.max(low, value)); }
  function tenth(value) { return Math.round(value * 10) / 10; }

  function draw(fromInputs) {
    shape.setAttribute("points", corners.map(function (c) { return c[0] + "," + c[1]; }).join(" "));
    handles.forEach(function (handle, i) {
      handle.style.left = (100 * corners[i][0] / W) + "%";
      handle.style.top = (100 * corners[i][1] / H) + "%";
      handle.classList.toggle("selected", i === selected);
      handle.setAttribute("aria-pressed", i === selected ? "true" : "false");
      handle.setAttribute("aria-label", fill(gettext("Góc %(number)s: %(name)s (x %(x)s, y %(y)s)"), {
        number: i + 1, name: names[i], x: Math.round(corners[i][0]), y: Math.round(corners[i][1])}));
    });
    if (!fromInputs) {
      inputs.forEach(function (pair, i) { pair[0].value = tenth(corners[i][0]); pair[1].value = tenth(corners[i][1]); });
    }
  }

  function select(i, focus) {
    selected = i;
    draw(true);
    if (focus) handles[i].focus();
  }

  function move(i, x, y) {
    corners[i] = [clamp(x, 0, W - 1), clamp(y, 0, H - 1)];
    draw(false);
  }

  function loadPhoto() {
    if (!photo.getAttribute("src")) photo.setAttribute("src", box.dataset.photo);
  }
  box.addEventListener("toggle", function () { if (box.open) loadPhoto(); });
  if (box.open) loadPhoto();
  photo.addEventListener("error", function () {
    const note = document.createElement("p");
    note.className = "error";
    note.textContent = gettext("Không tải được ảnh chụp gốc; vẫn có thể nhập tọa độ các góc bên dưới.");
    figure.after(note);
  });

  // Dragging: the pointer is captured by the corner it took hold of.
  handles.forEach(function (handle, i) {
    handle.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      handle.setPointerCapture(event.pointerId);
      select(i, true);
    });
    handle.addEventListener("pointermove", function (event) {
      if (!handle.hasPointerCapture(event.pointerId)) return;
      const rect = figure.getBoundingClientRect();
      move(i, (event.clientX - rect.left) / rect.width * W, (event.clientY - rect.top) / rect.height * H);
    });
    handle.addEventListener("pointerup", function (event) {
      if (handle.hasPointerCapture(event.pointerId)) handle.releasePointerCapture(event.pointerId);
    });
    handle.addEventListener("focus", function () { if (selected !== i) select(i, false); });
  });

  // Keys inside the check are the check's own: the viewer's keys (arrows for the next page, R, D, + …) do not
  // reach the viewer from here.
  box.addEventListener("keydown", function (event) {
    event.stopPropagation();
    const el = event.target;
    const typing = el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^[1-4]$/.test(event.key)) {
      event.preventDefault();
      select(parseInt(event.key, 10) - 1, true);
      return;
    }
    const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const step = steps[event.key];
    if (step && el && el.classList && el.classList.contains("corner")) {
      event.preventDefault();
      const size = Math.max(1, Math.round(Math.max(W, H) / 400)) * (event.shiftKey ? 10 : 1);
      const i = parseInt(el.dataset.corner, 10);
      move(i, corners[i][0] + step[0] * size, corners[i][1] + step[1] * size);
    }
  });

  inputs.forEach(function (pair, i) {
    pair.forEach(function (input, axis) {
      input.addEventListener("input", function () {
        const value = parseFloat(input.value);
        if (isNaN(value)) return;
        corners[i][axis] = value;
        draw(true);
      });
    });
  });

  document.getElementById("outline-reset").addEventListener("click", function () {
    corners = initial.map(function (c) { return c.slice(); });
    draw(false);
    handles[selected].focus();
  });

  draw(false);
  if (window.location.hash === "#khung-trang") {  // back from saving: the check in view again
    box.open = true;
    loadPhoto();
    box.scrollIntoView({ block: "start" });
  }
})();

/* The tablet capture page: shots from the camera shown flattened (accept / retake / remove), then sent in order
   to the dossier's upload (a photo batch), one file per request so the pages keep the shooting order. */
(function () {
  "use strict";
  // Texts through the interface's catalogue (jsi18n/, the user's language); as written without it.
  const gettext = window.gettext || function (text) { return text; };
  const ngettext = window.ngettext || function (singular, plural, count) { return count === 1 ? singular : plural; };
  function fill(text, values) { return text.replace(/%\((\w+)\)s/g, function (all, key) { return values[key]; }); }
  const form = document.getElementById("shoot-form");
  if (!form) return;
  const picker = document.getElementById("id_shots");
  const retake = document.getElementById("retake");
  const list = document.getElementById("shots");
  const status = document.getElementById("shoot-status");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const shots = []; // {file, li}
  let retaking = null;
  let queue = Promise.resolve(); // previews one after another: gentle on the server

  function preview(shot) { queue = queue.then(function () { return look(shot); }); }

  function look(shot) {
    const img = shot.li.querySelector("img");
    const note = shot.li.querySelector(".reason");
    note.textContent = gettext("Đang nắn phẳng…");
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("shot", shot.file, shot.file.name || "anh.jpg");
    return fetch(form.dataset.preview, { method: "POST", body: data, headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        if (answer.error) { note.textContent = answer.error; return; }
        img.src = answer.preview;
        img.alt = fill(gettext("Trang %(number)s sau khi nắn phẳng"), {number: shots.indexOf(shot) + 1});
        note.textContent = answer.found ? "" : answer.reason;
      })
      .catch(function () { note.textContent = gettext("Không xem trước được (vẫn có thể thêm ảnh)."); });
  }

  function renumber() {
    shots.forEach(function (shot, i) { shot.li.querySelector(".number").textContent = fill(gettext("Trang %(number)s"), {number: i + 1}); });
    document.getElementById("shoot-submit").textContent = fill(ngettext("Thêm %(count)s trang vào hồ sơ", "Thêm %(count)s trang vào hồ sơ", shots.length), {count: shots.length});
  }

  function add(file) {
    const li = document.createElement("li");
    li.innerHTML = '<strong class="number"></strong><img alt=""><p class="reason"></p>' +
      '<button type="button" class="retake">' + gettext("Chụp lại") + '</button><button type="button" class="remove">' + gettext("Bỏ") +
      '</button>';
    const shot = { file: file, li: li };
    li.querySelector(".retake").addEventListener("click", function () { retaking = shot; retake.click(); });
    li.querySelector(".remove").addEventListener("click", function () {
      shots.splice(shots.indexOf(shot), 1); li.remove(); renumber();
    });
    shots.push(shot);
    list.appendChild(li);
    renumber();
    preview(shot);
  }

  function takeChosen() {
    Array.from(picker.files).forEach(add);
    picker.value = "";
  }
  picker.addEventListener("change", takeChosen);
  // Shots chosen before this script ran (a quick hand on a slow tablet, or the browser restoring the form)
  // are taken now rather than lost.
  if (picker.files.length) { takeChosen(); }
  retake.addEventListener("change", function () {
    if (retaking && retake.files.length) { retaking.file = retake.files[0]; preview(retaking); }
    retaking = null;
    retake.value = "";
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!shots.length) { status.textContent = gettext("Chưa có ảnh nào."); return; }
    let batch = "";
    let index = 0;
    const button = document.getElementById("shoot-submit");
    button.disabled = true;
    function next() {
      if (index >= shots.length) {
        status.textContent = fill(ngettext("Đã thêm %(count)s trang; đang xử lý.", "Đã thêm %(count)s trang; đang xử lý.", shots.length), {count: shots.length});
        shots.splice(0).forEach(function (shot) { shot.li.remove(); });
        button.disabled = false;
        renumber();
        document.getElementById("shoot-done").hidden = false;
        return;
      }
      const shot = shots[index];
      const data = new FormData();
      data.append("csrfmiddlewaretoken", csrf);
      const ext = (/\.[A-Za-z0-9]{2,5}$/.exec(shot.file.name || "") || [".jpg"])[0].toLowerCase();
      data.append("files", shot.file, "anh-" + String(index + 1).padStart(3, "0") + ext);
      data.append("photos", "on");
      data.append("run_ocr", "on");
      data.append("batch_name", "");
      if (batch) data.append("batch", batch);
      status.textContent = fill(gettext("Đang gửi trang %(number)s/%(total)s…"), {number: index + 1, total: shots.length});
      fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          if (answer.error) throw new Error(answer.error);
          batch = String(answer.batch);
          const refused = (answer.items || []).filter(function (item) { return item.reason && item.outcome !== "added"; });
          if (refused.length) shot.li.querySelector(".reason").textContent = refused[0].reason;
          index += 1;
          next();
        })
        .catch(function (error) { status.textContent = fill(gettext("Lỗi khi gửi trang %(number)s: %(error)s"), {number: index + 1, error: error.message}); button.disabled = false; });
    }
    next();
  });
}());

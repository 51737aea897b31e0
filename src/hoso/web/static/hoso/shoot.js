/* The tablet capture page: shots from the camera shown flattened (accept / retake / remove), then sent in order
   to the dossier's upload (a photo batch), one file per request so the pages keep the shooting order. */
(function () {
  "use strict";
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
    note.textContent = "Đang nắn phẳng…";
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("shot", shot.file, shot.file.name || "anh.jpg");
    return fetch(form.dataset.preview, { method: "POST", body: data, headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        if (answer.error) { note.textContent = answer.error; return; }
        img.src = answer.preview;
        img.alt = "Trang " + (shots.indexOf(shot) + 1) + " sau khi nắn phẳng";
        note.textContent = answer.found ? "" : answer.reason;
      })
      .catch(function () { note.textContent = "Không xem trước được (vẫn có thể thêm ảnh)."; });
  }

  function renumber() {
    shots.forEach(function (shot, i) { shot.li.querySelector(".number").textContent = "Trang " + (i + 1); });
    document.getElementById("shoot-submit").textContent = "Thêm " + shots.length + " trang vào hồ sơ";
  }

  function add(file) {
    const li = document.createElement("li");
    li.innerHTML = '<strong class="number"></strong><img alt=""><p class="reason"></p>' +
      '<button type="button" class="retake">Chụp lại</button><button type="button" class="remove">Bỏ</button>';
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

  picker.addEventListener("change", function () {
    Array.from(picker.files).forEach(add);
    picker.value = "";
  });
  retake.addEventListener("change", function () {
    if (retaking && retake.files.length) { retaking.file = retake.files[0]; preview(retaking); }
    retaking = null;
    retake.value = "";
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!shots.length) { status.textContent = "Chưa có ảnh nào."; return; }
    let batch = "";
    let index = 0;
    const button = document.getElementById("shoot-submit");
    button.disabled = true;
    function next() {
      if (index >= shots.length) {
        status.textContent = "Đã thêm " + shots.length + " trang; đang xử lý.";
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
      status.textContent = "Đang gửi trang " + (index + 1) + "/" + shots.length + "…";
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
        .catch(function (error) { status.textContent = "Lỗi khi gửi trang " + (index + 1) + ": " + error.message; button.disabled = false; });
    }
    next();
  });
}());

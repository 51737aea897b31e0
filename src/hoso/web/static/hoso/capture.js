// Upload of many page files: drop files or whole folders (or pick them), then each file is sent on its own
// request with a progress bar per file and overall; refused files are listed with the reason. Without
// JavaScript the same form posts every picked file at once.
(function () {
  "use strict";
  // Texts through the interface's catalogue (jsi18n/, the user's language); as written without it.
  const gettext = window.gettext || function (text) { return text; };
  const ngettext = window.ngettext || function (singular, plural, count) { return count === 1 ? singular : plural; };
  function fill(text, values) { return text.replace(/%\((\w+)\)s/g, function (all, key) { return values[key]; }); }
  const form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const zone = document.getElementById("dropzone");
  const picker = document.getElementById("id_files");
  const folderPicker = document.getElementById("id_folder");
  const box = document.getElementById("upload-progress");
  const list = document.getElementById("file-list");
  const overall = document.getElementById("overall");
  const overallText = document.getElementById("overall-text");
  const refused = document.getElementById("refused");
  let busy = false;

  const collator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });
  function byPath(a, b) { return collator.compare(a.path, b.path); }

  function readEntry(entry, prefix) {  // a dropped folder, walked down (DataTransferItem.webkitGetAsEntry)
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (file) { resolve([{ file: file, path: prefix + file.name }]); }, function () { resolve([]); });
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        const found = [];
        (function more() {
          reader.readEntries(function (entries) {
            if (!entries.length) {
              Promise.all(found).then(function (parts) { resolve([].concat.apply([], parts)); });
              return;
            }
            entries.forEach(function (e) { found.push(readEntry(e, prefix + entry.name + "/")); });
            more();
          }, function () { resolve([]); });
        })();
      } else { resolve([]); }
    });
  }

  // A picked or dropped scanner folder (SCANS/<dossier>/<file>): its own name is not a dossier number.
  function stripCommonRoot(entries) {
    if (!entries.length) return;
    const top = entries[0].path.split("/")[0];
    const deep = entries.every(function (e) { const p = e.path.split("/"); return p.length >= 3 && p[0] === top; });
    if (deep) entries.forEach(function (e) { e.path = e.path.split("/").slice(1).join("/"); });
  }

  function fromFileList(files) {
    return Array.from(files).map(function (f) { return { file: f, path: f.webkitRelativePath || f.name }; });
  }

  function row(entry) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = entry.path + " ";
    const bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", fill(gettext("Tải lên %(path)s"), {path: entry.path}));
    const result = document.createElement("span");
    result.className = "result";
    li.append(name, bar, " ", result);
    list.appendChild(li);
    return { li: li, bar: bar, result: result };
  }

  function refuse(path, reason) {
    document.getElementById("refused-box").hidden = false;
    const li = document.createElement("li");
    li.textContent = path + ": " + reason;
    refused.appendChild(li);
  }

  function send(entry, ui, batch, onProgress) {
    return new Promise(function (resolve) {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
      data.append("files", entry.file, entry.file.name);
      data.append("paths", entry.path);
      if (batch) data.append("batch", batch);
      data.append("batch_name", form.querySelector("[name=batch_name]").value);
      if (form.querySelector("[name=run_ocr]").checked) data.append("run_ocr", "on");
      const photos = form.querySelector("[name=photos]");
      if (photos && photos.checked) data.append("photos", "on");
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) { ui.bar.value = 100 * event.loaded / event.total; onProgress(event.loaded); }
      };
      xhr.onload = function () {
        let answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
        ui.bar.value = 100;
        if (xhr.status >= 200 && xhr.status < 300 && answer) {
          const added = answer.items.filter(function (i) { return i.outcome === "added"; });
          const skipped = answer.items.filter(function (i) { return i.outcome === "skipped"; });
          const bad = answer.items.filter(function (i) { return i.outcome === "refused" || i.outcome === "quarantined"; });
          const parts = [];
          if (added.length) parts.push(fill(ngettext("Đã nhận %(count)s trang (trang %(pages)s)", "Đã nhận %(count)s trang (trang %(pages)s)", added.length), {count: added.length, pages: added.map(function (i) { return i.sequence; }).join(", ")}));
          if (skipped.length) parts.push(fill(ngettext("%(count)s trang đã có, bỏ qua", "%(count)s trang đã có, bỏ qua", skipped.length), {count: skipped.length}));
          if (bad.length) parts.push(gettext("Không nhận"));
          ui.result.textContent = parts.join("; ");
          ui.result.className = "result " + (bad.length ? "bad" : "ok");
          bad.forEach(function (i) { refuse(i.file, i.reason || i.outcome_label); });
          resolve(answer);
        } else {
          const reason = (answer && answer.error) || fill(gettext("Máy chủ trả lời lỗi %(status)s; tệp chưa được nhận, hãy thử lại."), {status: xhr.status});
          ui.result.textContent = fill(gettext("Lỗi: %(reason)s"), {reason: reason});
          ui.result.className = "result bad";
          refuse(entry.path, reason);
          resolve(null);
        }
      };
      xhr.onerror = function () {
        ui.result.textContent = gettext("Lỗi: mất kết nối tới máy chủ.");
        ui.result.className = "result bad";
        refuse(entry.path, gettext("Mất kết nối tới máy chủ; tệp chưa được nhận, hãy thử lại."));
        resolve(null);
      };
      xhr.send(data);
    });
  }

  async function upload(entries) {
    if (busy || !entries.length) return;
    busy = true;
    if (form.dataset.folders) stripCommonRoot(entries);
    entries.sort(byPath);
    box.hidden = false;
    list.innerHTML = ""; refused.innerHTML = "";
    overall.value = 0;
    overallText.textContent = fill(ngettext("%(done)s/%(total)s tệp", "%(done)s/%(total)s tệp", entries.length), {done: 0, total: entries.length});
    document.getElementById("refused-box").hidden = true;
    document.getElementById("upload-done").hidden = true;
    const total = entries.reduce(function (n, e) { return n + (e.file.size || 1); }, 0);
    let sent = 0;
    let batch = null;
    let batchUrl = null;
    const rows = entries.map(row);
    for (let i = 0; i < entries.length; i++) {
      const size = entries[i].file.size || 1;
      const answer = await send(entries[i], rows[i], batch, function (loaded) {
        overall.value = 100 * (sent + loaded) / total;
      });
      sent += size;
      overall.value = 100 * sent / total;
      overallText.textContent = fill(ngettext("%(done)s/%(total)s tệp", "%(done)s/%(total)s tệp", entries.length), {done: i + 1, total: entries.length});
      if (answer && answer.batch) { batch = answer.batch; batchUrl = answer.batch_url; }
    }
    overallText.textContent = fill(ngettext("Xong: %(count)s tệp đã gửi.", "Xong: %(count)s tệp đã gửi.", entries.length), {count: entries.length});
    if (batchUrl) {
      const link = document.getElementById("batch-link");
      link.href = batchUrl;
      document.getElementById("upload-done").hidden = false;
      if (window.htmx) window.htmx.ajax("GET", batchUrl, { target: "#batch-items", swap: "innerHTML" });
    }
    busy = false;
    form.reset();
    form.querySelector("[name=run_ocr]").checked = true;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    let entries = fromFileList(picker.files);
    if (folderPicker) entries = entries.concat(fromFileList(folderPicker.files));
    if (!entries.length) { alert(gettext("Hãy chọn ít nhất một tệp ảnh trang.")); return; }
    upload(entries);
  });
  if (folderPicker) folderPicker.addEventListener("change", function () { upload(fromFileList(folderPicker.files)); });
  zone.addEventListener("click", function () { picker.click(); });
  zone.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); picker.click(); }
  });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("over");
    const items = event.dataTransfer.items;
    const files = fromFileList(event.dataTransfer.files);
    const entries = items && items.length && items[0].webkitGetAsEntry
      ? Array.from(items).map(function (item) { return item.webkitGetAsEntry(); }).filter(Boolean) : [];
    if (!entries.length) { upload(files); return; }
    Promise.all(entries.map(function (e) { return readEntry(e, ""); })).then(function (parts) {
      const found = [].concat.apply([], parts);
      upload(found.length ? found : files);
    });
  });
})();

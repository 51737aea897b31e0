// The one-stop desk, by keyboard. Intake: ↓ from the dossier box walks the dossiers found, Enter picks one (its
// number goes into the box and the focus moves on to the procedure), Escape closes the list; Enter on a ticked
// paper sends the form as Enter in any box does. Case page: the receipt just made ([data-autofocus]) takes the focus,
// so Enter opens it to print.
(function () {
  "use strict";
  const first = document.querySelector("[data-autofocus]");
  if (first) first.focus();

  const form = document.getElementById("intake");
  if (!form) return;
  const box = document.getElementById("id_dossier");
  const picks = document.getElementById("dossier-picks");
  const chosen = document.getElementById("dossier-chosen");
  const buttons = function () { return Array.from(picks.querySelectorAll("button.pick")); };

  function choose(button) {
    box.value = button.dataset.number;
    box.dataset.chosen = box.value;
    chosen.textContent = "Đã chọn: " + button.textContent.replace(/\s+/g, " ").trim();
    picks.innerHTML = "";
    document.getElementById("id_kind").focus();
  }

  // A request still waiting when a dossier was picked would bring the list back: skip it.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt === box && box.dataset.chosen === box.value) event.preventDefault();
  });
  box.addEventListener("input", function () {
    if (box.value !== box.dataset.chosen) chosen.textContent = "";
  });
  picks.addEventListener("click", function (event) {
    const button = event.target.closest("button.pick");
    if (button) {
      event.preventDefault();
      choose(button);
    }
  });
  form.addEventListener("keydown", function (event) {
    const el = event.target;
    if (el === box) {
      if (event.key === "ArrowDown" && buttons().length) {
        event.preventDefault();
        buttons()[0].focus();
      } else if (event.key === "Escape") {
        picks.innerHTML = "";
      }
      return;
    }
    if (el.classList && el.classList.contains("pick")) {
      const items = buttons();
      const index = items.indexOf(el);
      if (event.key === "ArrowDown") {
        event.preventDefault();
        items[Math.min(index + 1, items.length - 1)].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (index <= 0 ? box : items[index - 1]).focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        picks.innerHTML = "";
        box.focus();
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose(el);
      }
      return;
    }
    if (event.key === "Enter" && el.type === "checkbox") {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();

// The console's only script; every form works without it. It checks the pool name as it is
// typed (the server runs CreateDedicatedIpPool's own checks), submits the region selector, and
// adds and removes Create pool's tag rows in place (without it, "Add new tag" posts the form
// and the server sends it back with one more row: scroll and focus are lost).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  tagRows();
  const name = document.querySelector("input[data-check]");
  if (!name) return;
  const form = name.form;
  const shown = document.getElementById("name-error");
  let timer = null;
  let asked = 0;
  const check = () => {
    const mode = form.querySelector("input[name=mode]:checked");
    const params = new URLSearchParams({
      region: form.elements.region.value,
      name: name.value,
      mode: mode ? mode.value : "MANAGED",
    });
    const mine = ++asked;
    fetch(name.dataset.check + "?" + params, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((answer) => {
        if (mine !== asked) return;
        shown.textContent = answer.message || "";
        shown.hidden = !answer.message;
        name.setAttribute("aria-invalid", answer.message ? "true" : "false");
      })
      .catch(() => {});
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(check, 150);
  };
  name.addEventListener("input", later);
  for (const radio of form.querySelectorAll("input[name=mode]")) {
    radio.addEventListener("change", later);
  }
});

// The tag rows of Create pool: the same fields the server adds (tag_key, tag_value), labelled
// by their number, renumbered when one goes.
function tagRows() {
  const add = document.getElementById("add-tag");
  const table = document.getElementById("tag-rows");
  const none = document.getElementById("no-tags");
  if (!add || !table || !none) return;
  const body = table.tBodies[0];
  const max = Number(add.dataset.max) || 50;
  const renumber = () => {
    [...body.rows].forEach((row, i) => {
      row.querySelector("input[name=tag_key]").setAttribute("aria-label", `Tag ${i + 1} key`);
      row.querySelector("input[name=tag_value]").setAttribute("aria-label", `Tag ${i + 1} value`);
      const remove = row.querySelector("button[name=remove_tag]");
      remove.value = String(i);
      remove.setAttribute("aria-label", `Remove tag ${i + 1}`);
    });
    table.hidden = body.rows.length === 0;
    none.hidden = body.rows.length > 0;
    add.disabled = body.rows.length >= max;
  };
  const cell = (child) => {
    const td = document.createElement("td");
    td.append(child);
    return td;
  };
  add.addEventListener("click", (event) => {
    event.preventDefault();
    if (body.rows.length >= max) return;
    const row = document.createElement("tr");
    const key = Object.assign(document.createElement("input"), { type: "text", name: "tag_key" });
    const value = Object.assign(document.createElement("input"), { type: "text", name: "tag_value" });
    const remove = Object.assign(document.createElement("button"), {
      type: "submit", name: "remove_tag", className: "link", textContent: "Remove",
    });
    remove.formNoValidate = true;
    row.append(cell(key), cell(value), cell(remove));
    body.append(row);
    renumber();
    key.focus();
  });
  body.addEventListener("click", (event) => {
    const remove = event.target.closest("button[name=remove_tag]");
    if (!remove) return;
    event.preventDefault();
    const row = remove.closest("tr");
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber();
    (next ? next.querySelector("input") : add).focus();
  });
}

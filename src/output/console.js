// The console's only script; every form works without it. It checks the pool name as it is
// typed (the server runs CreateDedicatedIpPool's own checks) and submits the region selector.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
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

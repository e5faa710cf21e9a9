// Laurel's small progressive enhancements. No inline scripts: the Content Security Policy forbids them.
// Without this script every menu stays open: the phone layout folds them only when the script can unfold them.
document.documentElement.classList.add("js");
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".menu-toggle");
  if (toggle) {
    const header = toggle.closest(".site-header");
    const open = header.classList.toggle("menus-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    return;
  }
  // One staff menu open at a time; a click elsewhere closes it.
  const menu = event.target.closest(".staff-menu");
  document.querySelectorAll(".staff-menu[open]").forEach((other) => {
    if (other !== menu) other.removeAttribute("open");
  });
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
// A form submits once: a double click does not send it twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.submitted === "true") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "true";
  window.setTimeout(() => { form.dataset.submitted = "false"; }, 4000);
});
// A "tick all" box ticks every box of the same name on the page (the staff list's bulk check).
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-check-all]");
  if (!all) return;
  document.querySelectorAll(`input[type=checkbox][name="${all.dataset.checkAll}"]`).forEach((box) => {
    box.checked = all.checked;
  });
});
// A "Print" button (data-print) opens the browser's print dialog; the page's print stylesheet does the rest.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

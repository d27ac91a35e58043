// nuanjia: the little behaviour pages need without inline scripts (the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  const toggle = document.querySelector("[data-toggle-nav]");
  const nav = document.getElementById("mainnav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  // A failed submit: the title says so first and the error summary takes the focus, so a
  // screen reader reads the errors at once (docs/accessibility.md).
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    const prefix = document.documentElement.lang.startsWith("zh") ? "错误：" : "Error: ";
    if (!document.title.startsWith(prefix)) document.title = prefix + document.title;
    summary.focus();
  }
  // A page that renews itself (the member card's QR code) reloads only while it is shown,
  // and the member can stop it (WCAG 2.2.1).
  const renewing = document.querySelector("[data-refresh-seconds]");
  if (renewing) {
    const seconds = Number(renewing.dataset.refreshSeconds) || 60;
    let timer = setTimeout(() => location.reload(), seconds * 1000);
    const stop = renewing.querySelector("[data-refresh-stop]");
    if (stop) {
      stop.hidden = false;
      stop.addEventListener("click", () => {
        clearTimeout(timer);
        timer = null;
        stop.hidden = true;
      });
    }
  }
});

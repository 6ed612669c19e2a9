// django-import-export's export page: "Select all" is wired with an inline onchange handler, which the
// Content Security Policy blocks. The library's own onSelectToggleChange does the work; listen here.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", (event) => {
      if (typeof window.onSelectToggleChange === "function") {
        window.onSelectToggleChange(event);
      }
    });
  });
});

/* On every page: warn before leaving when text typed into a form has not been sent.
 *
 * Forms with their own autosave (the questionnaire and the review) warn for themselves; forms with a
 * password field (sign-in) are left alone. Submitting the form clears the warning.
 */
(function () {
  "use strict";

  const dirty = new Set();

  function watched(form) {
    return form && form.method === "post" && !form.dataset.autosaveUrl && !form.querySelector("input[type=password]");
  }

  document.addEventListener("input", function (event) {
    const target = event.target;
    const form = target.form || target.closest("form");
    if (!watched(form) || !(target.tagName === "TEXTAREA" || target.type === "text" || target.type === "email")) {
      return;
    }
    const changed = Array.from(form.elements).some(function (el) {
      return (el.tagName === "TEXTAREA" || el.type === "text" || el.type === "email") && el.value !== el.defaultValue;
    });
    if (changed) {
      dirty.add(form);
    } else {
      dirty.delete(form);
    }
  });
  document.addEventListener("submit", function (event) {
    dirty.delete(event.target);
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();

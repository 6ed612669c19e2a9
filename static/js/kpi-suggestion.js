/* "Accept suggestion" under a criterion with a KPI threshold: checks the suggested rating's radio button and
 * fires the change event the questionnaire's autosave listens to, exactly as a click on the rating would. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-kpi-accept]");
    if (!button) {
      return;
    }
    const radio = document.getElementById(button.dataset.kpiAccept + "-rating-" + button.dataset.rating);
    if (!radio || radio.disabled) {
      return;
    }
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    radio.focus();
  });
})();

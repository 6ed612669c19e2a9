// The report PDF's waiting page: polls the job's status (JSON) and downloads the PDF once it is ready.
// No inline script: the Content-Security-Policy allows only the portal's own files.
(function () {
  "use strict";
  const box = document.getElementById("report-job");
  if (!box) {
    return;
  }
  const part = (role) => box.querySelector("[data-role=" + role + "]");
  let delay = 1000;

  function show(state) {
    part("waiting").hidden = state.status === "done" || state.status === "failed";
    part("ready").hidden = state.status !== "done";
    part("failed").hidden = state.status !== "failed";
    part("label").textContent = state.label;
    part("error").textContent = state.error || "";
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((state) => {
        show(state);
        if (state.status === "done" && state.download) {
          part("download").href = state.download;
          window.location.assign(state.download);
        } else if (state.status !== "failed") {
          delay = Math.min(delay * 1.5, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(() => window.setTimeout(poll, 5000));
  }

  if (box.dataset.state !== "done" && box.dataset.state !== "failed") {
    window.setTimeout(poll, delay);
  }
})();

/* Autosave for the questionnaire: each answer is saved as it is given, without a page reload.
 *
 * The page works without this script (its Save button posts the whole form); with it, a change to a
 * rating or the flag saves at once and typing in a text field saves after a pause. Every request names
 * the revision the answer was loaded with; the server refuses a save against a newer revision (409) and
 * the page shows the other value and who set it, keeping what the user typed.
 */
(function () {
  "use strict";

  const form = document.getElementById("questionnaire-form");
  if (!form || form.dataset.editable !== "true") {
    return;
  }
  const urlTemplate = form.dataset.autosaveUrl;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const status = document.getElementById("save-status");
  const TEXT_DELAY_MS = 800;
  const pending = new Map(); // criterion code -> timer
  const unsaved = new Set(); // criterion codes whose last save failed or conflicted
  let inFlight = 0;
  let failed = 0;

  function label(kind) {
    return status.dataset["label" + kind.charAt(0).toUpperCase() + kind.slice(1)];
  }

  function setGlobal(kind) {
    status.textContent = label(kind);
    status.className = "badge save-state " + {
      saving: "text-bg-info",
      saved: "text-bg-success",
      failed: "text-bg-danger",
      conflict: "text-bg-warning",
    }[kind];
  }

  function setRow(article, kind, text) {
    const badge = article.querySelector("[data-role=state]");
    badge.textContent = text || label(kind);
    badge.className = "badge save-state float-end ms-2 " + {
      saving: "text-bg-info",
      saved: "text-bg-success",
      failed: "text-bg-danger",
      conflict: "text-bg-warning",
    }[kind];
  }

  function field(article, name) {
    return form.elements[article.dataset.code + "-" + name];
  }

  function collect(article) {
    const code = article.dataset.code;
    const data = new FormData();
    const checked = form.querySelector('input[name="' + code + '-rating"]:checked');
    data.append("rating", checked ? checked.value : "");
    data.append("comment", field(article, "comment").value);
    data.append("justification", field(article, "justification").value);
    if (field(article, "flagged").checked) {
      data.append("flagged", "on");
    }
    const confirm = article.querySelector("[data-role=confirm]");
    if (confirm && confirm.checked) {
      data.append("confirm", "on");
    }
    data.append("revision", article.querySelector("[data-role=revision]").value);
    return data;
  }

  function updateProgress(id, progress) {
    const bar = document.getElementById(id);
    if (!bar) {
      return;
    }
    bar.max = progress.required;
    bar.value = progress.answered;
    document.getElementById(id + "-text").textContent = progress.answered + "/" + progress.required;
  }

  function applySummary(article, body) {
    article.querySelector("[data-role=revision]").value = body.revision;
    const item = document.querySelector('[data-item-level="' + body.item.code + '"]');
    if (item) {
      item.querySelector("[data-role=level]").textContent = body.item.level === null ? "—" : body.item.level;
      item.querySelector("[data-role=index]").textContent = body.item.index === null ? "—" : body.item.index.toFixed(2);
    }
    document.getElementById("overall-level").textContent = body.overall.level === null ? "—" : body.overall.level;
    document.getElementById("overall-index").textContent = body.overall.index === null ? "—" : body.overall.index.toFixed(2);
    const itemProgress = document.querySelector('[data-item-progress="' + body.item.code + '"]');
    if (itemProgress && body.item_progress) {
      itemProgress.textContent = body.item_progress.answered + "/" + body.item_progress.required;
    }
    updateProgress("progress-overall", body.progress);
    updateProgress("progress-domain", body.domain_progress);
    const tab = document.querySelector('[data-domain-progress="' + body.domain.code + '"]');
    if (tab) {
      tab.textContent = body.domain_progress.answered + "/" + body.domain_progress.required;
    }
    const rating = form.querySelector('input[name="' + article.dataset.code + '-rating"]:checked');
    article.classList.toggle("is-unanswered", !rating || rating.value === "");
    article.classList.toggle("is-flagged", field(article, "flagged").checked);
    const carried = article.querySelector("[data-role=carried]");
    if (carried) {
      carried.remove();
      article.classList.remove("is-carried");
      const confirm = article.querySelector("[data-role=confirm]");
      if (confirm) {
        confirm.closest(".form-check").remove();
      }
    }
  }

  function conflictBox(article) {
    let box = article.querySelector("[data-role=conflict]");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-warning py-1 px-2 small mb-2 d-none";
      box.setAttribute("role", "alert");
      box.dataset.role = "conflict";
      article.querySelector("fieldset").before(box);
    }
    return box;
  }

  function showConflict(article, body) {
    const box = conflictBox(article);
    const current = body.current;
    box.textContent = "";
    box.append(document.createTextNode(body.message + " "));
    if (current.comment) {
      const quote = document.createElement("q");
      quote.textContent = current.comment;
      box.append(quote, document.createTextNode(" "));
    }
    const keep = document.createElement("button");
    keep.type = "button";
    keep.className = "btn btn-sm btn-outline-dark ms-1";
    keep.textContent = box.closest("form").dataset.keepMine || "Keep mine";
    keep.addEventListener("click", function () {
      // Accept the other revision as seen, then save what this user typed over it.
      article.querySelector("[data-role=revision]").value = current.revision;
      box.classList.add("d-none");
      save(article);
    });
    box.append(keep);
    box.classList.remove("d-none");
  }

  const chains = new Map(); // criterion code -> the save in progress, so saves of one answer never overlap

  function save(article) {
    const code = article.dataset.code;
    pending.delete(code);
    // The next save of an answer must carry the revision the previous one returned, so wait for it.
    const next = (chains.get(code) || Promise.resolve()).then(function () { return send(article); });
    chains.set(code, next);
    return next;
  }

  async function send(article) {
    const code = article.dataset.code;
    inFlight += 1;
    setRow(article, "saving");
    setGlobal("saving");
    try {
      const response = await fetch(urlTemplate.replace("__code__", encodeURIComponent(code)), {
        method: "POST",
        headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
        body: collect(article),
        credentials: "same-origin",
      });
      const body = await response.json().catch(function () {
        return {};
      });
      if (response.ok && body.ok) {
        conflictBox(article).classList.add("d-none");
        applySummary(article, body);
        unsaved.delete(code);
        setRow(article, "saved");
      } else if (response.status === 409) {
        failed += 1;
        unsaved.add(code);
        setRow(article, "conflict");
        showConflict(article, body);
      } else {
        failed += 1;
        unsaved.add(code);
        const errors = body.errors ? Object.values(body.errors).flat().map(function (e) { return e.message; }) : [];
        setRow(article, "failed", body.message || errors.join(" ") || label("failed"));
      }
    } catch (error) {
      failed += 1;
      unsaved.add(code);
      setRow(article, "failed");
    } finally {
      inFlight -= 1;
      if (inFlight === 0 && pending.size === 0) {
        setGlobal(failed ? "failed" : "saved");
        failed = 0;
      }
    }
  }

  function waitsForJustification(article) {
    // NA needs a reason: ask for it instead of sending a save the server would refuse.
    const checked = form.querySelector('input[name="' + article.dataset.code + '-rating"]:checked');
    return checked && checked.value === "NA" && !field(article, "justification").value.trim();
  }

  function schedule(article, delay) {
    const code = article.dataset.code;
    if (waitsForJustification(article)) {
      clearTimeout(pending.get(code));
      pending.delete(code);
      unsaved.add(code);
      setRow(article, "conflict", form.dataset.naNeedsReason);
      return;
    }
    clearTimeout(pending.get(code));
    pending.set(code, setTimeout(function () { save(article); }, delay));
    setRow(article, "saving");
  }

  form.addEventListener("change", function (event) {
    const article = event.target.closest("article.criterion");
    if (event.target.type === "file") {
      // One shared upload form: only the file chosen last is sent.
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        if (input !== event.target) {
          input.value = "";
        }
      });
      return;
    }
    if (article) {
      schedule(article, event.target.tagName === "TEXTAREA" ? 0 : 50);
      if (event.target.value === "NA" && waitsForJustification(article)) {
        field(article, "justification").focus();
      }
    }
  });
  form.addEventListener("input", function (event) {
    const article = event.target.closest("article.criterion");
    if (article && event.target.tagName === "TEXTAREA") {
      schedule(article, TEXT_DELAY_MS);
    }
  });
  form.addEventListener("submit", function () {
    pending.forEach(function (timer) { clearTimeout(timer); });
    pending.clear();
    form.dataset.submitting = "true";
  });
  window.addEventListener("beforeunload", function (event) {
    if (form.dataset.submitting !== "true" && (pending.size || inFlight || unsaved.size)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();

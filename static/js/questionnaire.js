/* The questionnaire's part of autosave (the engine, shared with the review page, is autosave.js): what
 * one answer sends, how the page shows a saved answer (levels, progress) and the questionnaire's rules.
 *
 * Every request names the revision the answer was loaded with; the server refuses a save against a newer
 * revision (409) and the page shows the other value, keeping what the user typed. An NA without a reason
 * is not sent: the page asks for the reason. Without scripts the Save button posts the whole form.
 */
(function () {
  "use strict";

  const form = document.getElementById("questionnaire-form");
  if (!form || form.dataset.editable !== "true") {
    return;
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

  function waitsForJustification(article) {
    // NA needs a reason: ask for it instead of sending a save the server would refuse.
    const checked = form.querySelector('input[name="' + article.dataset.code + '-rating"]:checked');
    return checked && checked.value === "NA" && !field(article, "justification").value.trim();
  }

  window.PortalAutosave.attach(form, {
    rowClass: "badge save-state float-end ms-2",
    collect: collect,
    applySaved: function (article, sent, body) { applySummary(article, body); },
    conflictBox: conflictBox,
    conflictQuote: function (current) { return current.comment || ""; },
    acceptOther: function (article, current) {
      article.querySelector("[data-role=revision]").value = current.revision;
    },
    blockedMessage: function (article) {
      return waitsForJustification(article) ? form.dataset.naNeedsReason : "";
    },
    ignores: function (target) { return target.type === "file"; },
  });

  form.addEventListener("change", function (event) {
    if (event.target.type === "file") {
      // One shared upload form: only the file chosen last is sent.
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        if (input !== event.target) {
          input.value = "";
        }
      });
      return;
    }
    const article = event.target.closest("article.criterion");
    if (article && event.target.value === "NA" && waitsForJustification(article)) {
      field(article, "justification").focus();
    }
  });
})();

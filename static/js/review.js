/* Autosave for the review page, as the questionnaire's: each verified rating or review comment is
 * saved as it is given (a rating at once, a comment after a pause), without a page reload.
 *
 * The page works without this script (its Save button posts the whole form). Every request names the
 * review the page was loaded with (data-loaded-*); the server refuses a save when the stored review
 * changed meanwhile (409) and the page shows the other value, keeping what the consultant typed.
 */
(function () {
  "use strict";

  const form = document.getElementById("review-form");
  if (!form || form.dataset.editable !== "true") {
    return;
  }
  const urlTemplate = form.dataset.autosaveUrl;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const status = document.getElementById("save-status");
  const TEXT_DELAY_MS = 800;
  const COLOURS = {
    saving: "text-bg-info",
    saved: "text-bg-success",
    failed: "text-bg-danger",
    conflict: "text-bg-warning",
  };
  const pending = new Map(); // criterion code -> timer
  const chains = new Map(); // criterion code -> the save in progress
  const unsaved = new Set(); // criterion codes whose last save failed or conflicted
  let inFlight = 0;
  let failed = 0;

  function label(kind) {
    return status.dataset["label" + kind.charAt(0).toUpperCase() + kind.slice(1)];
  }

  function setGlobal(kind) {
    status.textContent = label(kind);
    status.className = "badge save-state " + COLOURS[kind];
  }

  function setRow(article, kind, text) {
    const badge = article.querySelector("[data-role=state]");
    badge.textContent = text || label(kind);
    badge.className = "badge save-state " + COLOURS[kind];
  }

  function fields(article) {
    const code = article.dataset.code;
    return {
      rating: form.elements[code + "-verified_rating"],
      comment: form.elements[code + "-review_comment"],
    };
  }

  function collect(article) {
    const f = fields(article);
    const data = new FormData();
    data.append("verified_rating", f.rating.value);
    data.append("review_comment", f.comment.value);
    data.append("loaded_verified_rating", article.dataset.loadedRating || "");
    data.append("loaded_review_comment", article.dataset.loadedComment || "");
    return data;
  }

  function scoreText(score) {
    if (!score) {
      return "—";
    }
    return (score.level === null ? "—" : score.level) + " · " + (score.index === null ? "—" : score.index.toFixed(2));
  }

  function applySummary(article, sent, body) {
    article.dataset.loadedRating = sent.get("verified_rating");
    article.dataset.loadedComment = sent.get("review_comment");
    const item = document.querySelector('[data-verified-item="' + body.item.code + '"]');
    if (item) {
      item.textContent = scoreText(body.verified_item);
    }
    const overall = document.getElementById("verified-overall");
    if (overall) {
      overall.textContent = scoreText(body.verified_overall);
    }
    showChanges(body.changes || []);
  }

  function showChanges(changes) {
    // "CB falls from 2 to 1": the consultant sees at once when a verified rating moves a level.
    const box = document.getElementById("level-changes");
    if (!box) {
      return;
    }
    const texts = changes.map(function (change) {
      const template = change.lowered ? box.dataset.labelFalls : box.dataset.labelRises;
      return template
        .replace("%(code)s", change.code || box.dataset.labelOverall)
        .replace("%(from)s", change.self === null ? "—" : change.self)
        .replace("%(to)s", change.verified === null ? "—" : change.verified);
    });
    box.querySelector("[data-role=list]").textContent = texts.join(" · ");
    box.classList.toggle("d-none", texts.length === 0);
  }

  function showConflict(article, body) {
    const box = article.querySelector("[data-role=conflict]");
    const current = body.current;
    box.textContent = "";
    box.append(document.createTextNode(body.message + " "));
    if (current.review_comment) {
      const quote = document.createElement("q");
      quote.textContent = current.review_comment;
      box.append(quote, document.createTextNode(" "));
    }
    const keep = document.createElement("button");
    keep.type = "button";
    keep.className = "btn btn-sm btn-outline-dark ms-1";
    keep.textContent = form.dataset.keepMine || "Keep mine";
    keep.addEventListener("click", function () {
      // Accept the other review as seen, then save what this consultant typed over it.
      article.dataset.loadedRating = current.verified_rating;
      article.dataset.loadedComment = current.review_comment;
      box.classList.add("d-none");
      save(article);
    });
    box.append(keep);
    box.classList.remove("d-none");
  }

  function save(article) {
    const code = article.dataset.code;
    pending.delete(code);
    const next = (chains.get(code) || Promise.resolve()).then(function () { return send(article); });
    chains.set(code, next);
    return next;
  }

  async function send(article) {
    const code = article.dataset.code;
    inFlight += 1;
    setRow(article, "saving");
    setGlobal("saving");
    const data = collect(article);
    try {
      const response = await fetch(urlTemplate.replace("__code__", encodeURIComponent(code)), {
        method: "POST",
        headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
        body: data,
        credentials: "same-origin",
      });
      const body = await response.json().catch(function () { return {}; });
      if (response.ok && body.ok) {
        article.querySelector("[data-role=conflict]").classList.add("d-none");
        applySummary(article, data, body);
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

  function schedule(article, delay) {
    const code = article.dataset.code;
    clearTimeout(pending.get(code));
    pending.set(code, setTimeout(function () { save(article); }, delay));
    setRow(article, "saving");
  }

  form.addEventListener("change", function (event) {
    const article = event.target.closest("article.criterion");
    if (article) {
      schedule(article, event.target.tagName === "TEXTAREA" ? 0 : 50);
    }
  });
  form.addEventListener("input", function (event) {
    const article = event.target.closest("article.criterion");
    if (article && event.target.tagName === "TEXTAREA") {
      schedule(article, TEXT_DELAY_MS);
    }
  });
  // Leaving (a domain tab, a link) while a save waits: save it now, and warn if it cannot finish in time.
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[href]");
    if (!link || !pending.size) {
      return;
    }
    event.preventDefault();
    const saves = Array.from(pending.keys()).map(function (code) {
      clearTimeout(pending.get(code));
      return save(form.querySelector('article[data-code="' + code + '"]'));
    });
    Promise.all(saves).then(function () {
      if (!unsaved.size) {
        window.location.href = link.href;
      }
    });
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

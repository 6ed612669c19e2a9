/* The autosave engine shared by the questionnaire and the review page (window.PortalAutosave.attach).
 *
 * Each answer (an <article class="criterion" data-code>) is saved as it is given, without a page reload:
 * a change to a choice saves at once, typing in a text field after a pause. Saves of one answer never
 * overlap (the next carries what the previous returned). The page shows saving / saved / not saved per
 * answer and for the page, a conflict (409) with the other value and a "Keep mine" button that retries
 * over it, and warns before leaving while a save waits, runs or failed. The pages work without this
 * script: their Save button posts the whole form, which this engine leaves alone.
 *
 * What differs between pages is passed in `page`:
 *   collect(article) -> FormData          what one save sends
 *   applySaved(article, sent, body)       show what the server returned for a save
 *   conflictBox(article) -> element       where a conflict is shown
 *   conflictQuote(current) -> string      the other person's text to quote ("" for none)
 *   acceptOther(article, current)         take the other value as seen before saving over it
 *   blockedMessage(article) -> string     why this answer must not be sent yet ("" to send it)
 *   ignores(target) -> boolean            changes that are not answers (file choosers)
 *   rowClass                              the classes of an answer's state badge
 *   saveBeforeLeaving                     clicking a link while a save waits: save first, then go
 */
(function () {
  "use strict";

  const TEXT_DELAY_MS = 800;
  const CHOICE_DELAY_MS = 50;
  const COLOURS = {
    saving: "text-bg-info",
    saved: "text-bg-success",
    failed: "text-bg-danger",
    conflict: "text-bg-warning",
  };

  function attach(form, page) {
    const urlTemplate = form.dataset.autosaveUrl;
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const status = document.getElementById("save-status");
    const rowClass = page.rowClass || "badge save-state";
    const pending = new Map(); // criterion code -> timer
    const chains = new Map(); // criterion code -> the save in progress
    const unsaved = new Set(); // criterion codes whose last save failed, conflicted or waits
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
      badge.className = rowClass + " " + COLOURS[kind];
    }

    function showConflict(article, body) {
      const box = page.conflictBox(article);
      const current = body.current || {};
      box.textContent = "";
      box.append(document.createTextNode((body.message || label("conflict")) + " "));
      const quoted = page.conflictQuote(current);
      if (quoted) {
        const quote = document.createElement("q");
        quote.textContent = quoted;
        box.append(quote, document.createTextNode(" "));
      }
      const keep = document.createElement("button");
      keep.type = "button";
      keep.className = "btn btn-sm btn-outline-dark ms-1";
      keep.textContent = form.dataset.keepMine || "Keep mine";
      keep.addEventListener("click", function () {
        // Accept the other value as seen, then save what this person typed over it.
        page.acceptOther(article, current);
        box.classList.add("d-none");
        save(article);
      });
      box.append(keep);
      box.classList.remove("d-none");
    }

    function save(article) {
      const code = article.dataset.code;
      pending.delete(code);
      // The next save of an answer must carry what the previous one returned, so wait for it.
      const next = (chains.get(code) || Promise.resolve()).then(function () { return send(article); });
      chains.set(code, next);
      return next;
    }

    function fail(code) {
      failed += 1;
      unsaved.add(code);
    }

    async function send(article) {
      const code = article.dataset.code;
      inFlight += 1;
      setRow(article, "saving");
      setGlobal("saving");
      const sent = page.collect(article);
      try {
        const response = await fetch(urlTemplate.replace("__code__", encodeURIComponent(code)), {
          method: "POST",
          headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
          body: sent,
          credentials: "same-origin",
        });
        const body = await response.json().catch(function () { return {}; });
        if (response.ok && body.ok) {
          page.conflictBox(article).classList.add("d-none");
          page.applySaved(article, sent, body);
          unsaved.delete(code);
          setRow(article, "saved");
        } else if (response.status === 409) {
          fail(code);
          setRow(article, "conflict");
          showConflict(article, body);
        } else {
          fail(code);
          const errors = body.errors ? Object.values(body.errors).flat().map(function (e) { return e.message; }) : [];
          setRow(article, "failed", body.message || errors.join(" ") || label("failed"));
        }
      } catch (error) {
        fail(code);
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
      const blocked = page.blockedMessage ? page.blockedMessage(article) : "";
      if (blocked) {
        // Not sent: the server would refuse it. It counts as unsaved until the person completes it.
        pending.delete(code);
        unsaved.add(code);
        setRow(article, "conflict", blocked);
        return;
      }
      pending.set(code, setTimeout(function () { save(article); }, delay));
      setRow(article, "saving");
    }

    form.addEventListener("change", function (event) {
      if (page.ignores && page.ignores(event.target)) {
        return;
      }
      const article = event.target.closest("article.criterion");
      if (article) {
        schedule(article, event.target.tagName === "TEXTAREA" ? 0 : CHOICE_DELAY_MS);
      }
    });
    form.addEventListener("input", function (event) {
      const article = event.target.closest("article.criterion");
      if (article && event.target.tagName === "TEXTAREA") {
        schedule(article, TEXT_DELAY_MS);
      }
    });
    if (page.saveBeforeLeaving) {
      // Leaving (a domain tab, a link) while a save waits: save it now; stay (and show why) if it fails.
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
    }
    form.addEventListener("submit", function () {
      // The whole form is posted: the waiting saves are in it.
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
    return { save: save };
  }

  window.PortalAutosave = { attach: attach };
})();

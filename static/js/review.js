/* The review page's part of autosave (the engine, shared with the questionnaire, is autosave.js): what
 * one verified rating or review comment sends and how the page shows the verified result.
 *
 * Every request names the review the page was loaded with (data-loaded-*); the server refuses a save when
 * the stored review changed meanwhile (409) and the page shows the other value, keeping what the
 * consultant typed. Without scripts the Save button posts the whole form.
 */
(function () {
  "use strict";

  const form = document.getElementById("review-form");
  if (!form || form.dataset.editable !== "true") {
    return;
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

  window.PortalAutosave.attach(form, {
    collect: collect,
    applySaved: applySummary,
    conflictBox: function (article) { return article.querySelector("[data-role=conflict]"); },
    conflictQuote: function (current) { return current.review_comment || ""; },
    acceptOther: function (article, current) {
      article.dataset.loadedRating = current.verified_rating;
      article.dataset.loadedComment = current.review_comment;
    },
    saveBeforeLeaving: true,
  });
})();

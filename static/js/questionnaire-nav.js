/* The questionnaire's navigation: items opened on demand (their criteria fetched when first opened),
 * a linked criterion shown at once and highlighted, and rating from the keyboard.
 *
 * Without this script every link to an item or criterion names it (?open=…) and the server renders it
 * open; the radio buttons work with the keyboard as radio buttons do.
 */
(function () {
  "use strict";

  const form = document.getElementById("questionnaire-form") || document.getElementById("review-form");
  if (!form) {
    return;
  }
  const KEYS = { n: "N", p: "P", l: "L", f: "F", 1: "N", 2: "P", 3: "L", 4: "F", 0: "NA", a: "NA" };

  function load(details) {
    if (details.dataset.loaded === "true") {
      return Promise.resolve();
    }
    details.dataset.loaded = "true";
    const url = new URL(window.location.href);
    url.hash = "";
    url.searchParams.set("partial", details.dataset.item);
    url.searchParams.delete("open");
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        const placeholder = details.querySelector("[data-role=placeholder]");
        const holder = document.createElement("div");
        holder.innerHTML = html; // the server's own template, escaped there
        placeholder.replaceWith(...holder.childNodes);
      })
      .catch(function () {
        details.dataset.loaded = "false"; // the placeholder's link still opens it with a page load
      });
  }

  form.addEventListener(
    "toggle",
    function (event) {
      const details = event.target;
      if (details.classList && details.classList.contains("item-block") && details.open) {
        load(details);
      }
    },
    true
  );

  function highlight(article) {
    document.querySelectorAll(".criterion.is-target").forEach(function (el) {
      el.classList.remove("is-target");
    });
    article.classList.add("is-target");
    article.scrollIntoView({ block: "start" });
    article.focus({ preventScroll: true });
  }

  function showHash() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (target && target.classList.contains("criterion")) {
      const item = target.closest("details.item-block");
      if (item) {
        item.open = true;
      }
      const more = target.querySelector("details.criterion-more");
      if (more) {
        more.open = true;
      }
      highlight(target);
    }
  }
  window.addEventListener("hashchange", showHash);
  showHash();

  function articles() {
    return Array.from(form.querySelectorAll("article.criterion")).filter(function (el) {
      // Rows inside a closed <details> are skipped (checkVisibility sees through content-visibility).
      return el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null;
    });
  }

  function move(article, step) {
    const list = articles();
    const next = list[list.indexOf(article) + step];
    if (next) {
      next.scrollIntoView({ block: "center" });
      (next.querySelector("input[type=radio]:checked") || next).focus({ preventScroll: true });
    }
  }

  form.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || target.tagName === "TEXTAREA" || target.type === "file") {
      return;
    }
    const article = target.closest("article.criterion");
    if (!article) {
      return;
    }
    const key = event.key.toLowerCase();
    if (key === "j" || key === "k") {
      event.preventDefault();
      move(article, key === "j" ? 1 : -1);
      return;
    }
    const value = KEYS[key];
    if (!value) {
      return;
    }
    const radio = document.getElementById(article.dataset.code + "-rating-" + value);
    if (radio && !radio.disabled && !radio.checked) {
      event.preventDefault();
      radio.checked = true;
      radio.focus();
      radio.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();

// Progressive enhancement for the forum. Every page works without this file; with it,
// moderators get keyboard shortcuts on the queue and on a held post:
//   j / k  next / previous post in the queue      x  tick the post (for a bulk decision)
//   a      approve                                r  go to "do not approve"
//   e      edit and approve                       Enter opens the post (it is a link)
// Single-key shortcuts can get in the way of speech-input users (WCAG 2.1.4), so a button
// beside them turns them off, and the choice is remembered in this browser.
//
// It is an ES module (modules are strict and deferred). It also starts the NHS.UK frontend's
// components (header menu, character count, error summary focus); the server replaces the
// placeholder below with that module's content-hashed path (src/web/assets.rs).
import { initAll } from "__NHSUK_FRONTEND_JS__";

document.documentElement.classList.add("js");
document.body.classList.add("nhsuk-frontend-supported");
initAll();

(function () {
  const STORE = "forum.shortcuts";
  const queue = document.getElementById("pick");
  const held = document.querySelector("[data-held-post]");
  if (!queue && !held) {
    return;
  }

  let enabled = localStorage.getItem(STORE) !== "off";
  const toggle = document.querySelector("[data-shortcuts-toggle]");
  const showToggle = () => {
    if (toggle) {
      toggle.hidden = false;
      toggle.setAttribute("aria-pressed", String(enabled));
    }
  };
  if (toggle) {
    toggle.addEventListener("click", () => {
      enabled = !enabled;
      localStorage.setItem(STORE, enabled ? "on" : "off");
      showToggle();
    });
  }
  showToggle();

  // Typing in a form field is never a shortcut, and neither is a key with a modifier.
  const typing = (event) =>
    event.altKey ||
    event.ctrlKey ||
    event.metaKey ||
    event.target.closest("input, textarea, select, [contenteditable]") !== null;

  const openEditor = () => {
    const editor = document.getElementById("edit");
    if (editor) {
      editor.open = true;
      editor.querySelector("textarea").focus();
    }
  };

  if (held) {
    // Arriving from the queue with "e" or "r".
    if (location.hash === "#edit") {
      openEditor();
    } else if (location.hash === "#rule") {
      const first = document.querySelector("#rule input");
      if (first) {
        first.focus();
      }
    }
  }

  const items = queue ? Array.from(queue.querySelectorAll(".queue-item")) : [];
  let current = -1;
  const select = (index) => {
    if (items.length === 0) {
      return;
    }
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach((item, i) => item.classList.toggle("current", i === current));
    const link = items[current].querySelector("a");
    link.focus();
    link.scrollIntoView({ block: "nearest" });
  };
  // Clicking or tabbing into an item makes it the current one.
  items.forEach((item, i) => item.addEventListener("focusin", () => {
    current = i;
    items.forEach((other, j) => other.classList.toggle("current", j === i));
  }));

  const currentPost = () => (current >= 0 ? items[current].dataset.post : null);

  // A held-down key repeats: one decision is sent once.
  let sent = false;
  document.addEventListener("keydown", (event) => {
    if (!enabled || typing(event) || event.repeat) {
      return;
    }
    if (sent && event.key === "a") {
      event.preventDefault();
      return;
    }
    let handled = true;
    if (queue) {
      const post = currentPost();
      switch (event.key) {
        case "j":
          select(current + 1);
          break;
        case "k":
          select(current - 1);
          break;
        case "x": {
          const box = post && items[current].querySelector("input[type=checkbox]");
          if (box) {
            box.checked = !box.checked;
          }
          break;
        }
        case "a": {
          // Approve just this post, through the same bulk form a click would use.
          const box = post && items[current].querySelector("input[type=checkbox]");
          if (box) {
            queue.querySelectorAll("input[type=checkbox]").forEach((b) => { b.checked = b === box; });
            const form = document.getElementById("bulk");
            sent = true;
            form.requestSubmit(form.querySelector("button[value=approve]"));
          } else if (post) {
            location.href = "/mod/queue/" + post;
          }
          break;
        }
        case "r":
          if (post) {
            location.href = "/mod/queue/" + post + "#rule";
          }
          break;
        case "e":
          if (post) {
            location.href = "/mod/queue/" + post + "#edit";
          }
          break;
        default:
          handled = false;
      }
    } else {
      switch (event.key) {
        case "a":
          sent = true;
          document.querySelector("button[value=approve]").click();
          break;
        case "r": {
          const first = document.querySelector("#rule input");
          if (first) {
            first.focus();
          }
          break;
        }
        case "e":
          openEditor();
          break;
        case "j":
        case "k":
          location.href = "/mod/queue";
          break;
        default:
          handled = false;
      }
    }
    if (handled) {
      event.preventDefault();
    }
  });
})();

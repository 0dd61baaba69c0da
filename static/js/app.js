// ServiceStar page helpers: small, no framework beyond htmx.
(function () {
  "use strict";

  const TOAST_MS = 12000;

  // A pushed notice may reach a list that already shows it (the sender's own
  // page re-renders the list too): keep the first element of each id.
  function dropDuplicateIds(container) {
    const seen = new Set();
    container.querySelectorAll("[id]").forEach(function (el) {
      if (seen.has(el.id)) el.remove();
      else seen.add(el.id);
    });
  }

  function expireToasts() {
    document.querySelectorAll("#toasts .toast:not([data-expires])").forEach(function (toast) {
      toast.dataset.expires = "1";
      setTimeout(function () { toast.classList.add("leaving"); }, TOAST_MS);
      toast.addEventListener("animationend", function (event) {
        if (event.animationName === "toast-out") toast.remove();
      });
      toast.addEventListener("click", function () { toast.remove(); });
    });
  }

  document.addEventListener("htmx:wsAfterMessage", function () {
    const list = document.getElementById("notice-list");
    if (list) dropDuplicateIds(list);
    expireToasts();
  });

  // htmx reconnects by itself after abnormal closes (1006, 1011, 1012, 1013).
  // A server that restarts cleanly closes with 1000 or 1001: reconnect then
  // too, with jittered backoff. Closes 4000-4999 are the server's decision
  // (signed out, removed, opened in another tab): stay closed, and say why
  // when the page has a message for it (base.html, docs/protocol.md). Only
  // 4429 (too many sockets open) is tried again, after a minute: a place
  // frees when a tab closes, or when a restarted worker's places lapse.
  const HTMX_RETRIES = [1006, 1011, 1012, 1013];
  const TOO_MANY = 4429;
  const attempts = new WeakMap();
  let leaving = false;
  window.addEventListener("pagehide", function () { leaving = true; });

  function showEnded(code) {
    const message = document.querySelector('[data-closed-for="' + code + '"]');
    if (!message) return;
    message.hidden = false;
    if (code !== TOO_MANY) {
      document.body.classList.add("live-ended");
      document.body.classList.remove("feed-offline");
    }
  }

  document.addEventListener("htmx:wsClose", function (event) {
    const code = event.detail.event.code;
    const socket = event.target;
    if (code >= 4000 && code < 5000) {
      socket.dataset.closedBy = String(code);
      showEnded(code);
      if (code === TOO_MANY && !leaving) {
        setTimeout(function () { event.detail.socketWrapper.reconnect(); },
          60000 + Math.random() * 30000);
      }
      return;
    }
    if (document.body.classList.contains("live-ended")) return;
    document.body.classList.add("feed-offline");
    if (leaving || HTMX_RETRIES.includes(code)) return;
    const tries = (attempts.get(socket) || 0) + 1;
    attempts.set(socket, tries);
    const delay = Math.random() * Math.min(30000, 500 * 2 ** tries);
    setTimeout(function () { event.detail.socketWrapper.reconnect(); }, delay);
  });
  document.addEventListener("htmx:wsOpen", function (event) {
    attempts.set(event.target, 0);
    delete event.target.dataset.closedBy;
    document.body.classList.remove("feed-offline");
    const waiting = document.querySelector('[data-closed-for="' + TOO_MANY + '"]');
    if (waiting && !document.querySelector('[data-closed-by="' + TOO_MANY + '"]')) {
      waiting.hidden = true;
    }
  });

  // A form that asks before it submits carries its question in data-confirm
  // (no onsubmit attribute: the Content-Security-Policy refuses inline code).
  document.addEventListener("submit", function (event) {
    const question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();

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

  // The live feed reconnects by itself (htmx ws, full-jitter backoff); tell
  // people when it is down so they know pushed notices may be late.
  document.addEventListener("htmx:wsClose", function () {
    document.body.classList.add("feed-offline");
  });
  document.addEventListener("htmx:wsOpen", function () {
    document.body.classList.remove("feed-offline");
  });
})();

// Bars whose length the server decides (answer counts, team shares) carry it
// in data-share, a percentage. The Content-Security-Policy refuses style
// attributes in markup, so the width is set here, through the CSSOM, on every
// bar that reaches the page: on load, and in whatever htmx or a socket swaps in.
(function () {
  "use strict";

  function draw(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const bars = Array.from(node.querySelectorAll("[data-share]"));
    if (node.matches("[data-share]")) bars.push(node);
    bars.forEach(function (bar) {
      const share = Math.min(100, Math.max(0, Number(bar.dataset.share) || 0));
      bar.style.width = share + "%";
    });
  }

  new MutationObserver(function (changes) {
    changes.forEach(function (change) { change.addedNodes.forEach(draw); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  draw(document.documentElement);
})();

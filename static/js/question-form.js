// Question form: show only the answer fields of the chosen kind. The server
// validates every kind regardless; this only keeps the form short.
(function () {
  "use strict";

  function setUp(form) {
    const kind = form.querySelector("select[name='kind']");
    if (!kind) return;
    const parts = form.querySelectorAll("[data-kinds]");

    function showParts() {
      parts.forEach(function (part) {
        part.hidden = part.dataset.kinds.split(" ").indexOf(kind.value) === -1;
      });
    }

    // Single choice has one correct option: ticking one clears the others.
    form.addEventListener("change", function (event) {
      const box = event.target;
      if (kind.value !== "single" || box.name !== "correct" || !box.checked) return;
      form.querySelectorAll("input[name='correct']").forEach(function (other) {
        if (other !== box) other.checked = false;
      });
    });
    kind.addEventListener("change", showParts);
    showParts();
  }

  document.querySelectorAll("form[data-question-form]").forEach(setUp);
})();

// The live quiz page (players and host): countdown, option order, answer state.
// Everything that counts happens on the server; this only draws it.
(function () {
  "use strict";

  let version = 0;
  let ticker = null;

  const shell = () => document.querySelector("[data-quiz-socket]");
  const stage = () => document.querySelector("#quiz-stage, #console-stage");

  // Drop a stage older than the one shown; ask for a snapshot after a gap.
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    const message = event.detail.message;
    if (!/id="(quiz|console)-stage"/.test(message)) return;
    const match = /data-version="(\d+)"/.exec(message);
    if (!match) return;
    const incoming = Number(match[1]);
    if (incoming < version) {
      event.preventDefault();
      return;
    }
    if (version && incoming > version + 1 && !message.includes('id="quiz-me"')) {
      event.detail.socketWrapper.send(JSON.stringify({ action: "sync" }));
    }
    version = incoming;
  });

  document.addEventListener("htmx:wsAfterMessage", refresh);
  document.addEventListener("DOMContentLoaded", refresh);

  function refresh() {
    const current = stage();
    if (!current) return;
    version = Math.max(version, Number(current.dataset.version || 0));
    fillJoinUrl();
    shuffleOptions(current);
    syncAnswerState(current);
    startCountdown(current);
  }

  function fillJoinUrl() {
    document.querySelectorAll("[data-join-url]").forEach(function (el) {
      el.textContent = location.host + "/join/";
    });
  }

  // Each player sees the options in an order of their own (same order after a
  // reload): a small seeded generator keyed by the player and the question.
  function shuffleOptions(current) {
    const me = document.getElementById("quiz-me");
    const box = current.querySelector("[data-options]:not([data-fixed])");
    if (!me || !box || me.dataset.shuffleKey === undefined || box.dataset.shuffled) return;
    let seed = (Number(me.dataset.shuffleKey) ^ Number(box.dataset.question)) >>> 0;
    const random = function () {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const items = Array.from(box.children);
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    items.forEach(function (item) { box.appendChild(item); });
    box.dataset.shuffled = "1";
  }

  // "Answer locked in" belongs to one question: clear it when the next opens,
  // and lock the form while it stands.
  function syncAnswerState(current) {
    const answer = document.getElementById("quiz-answer");
    if (!answer) return;
    if (answer.dataset.position !== current.dataset.position) {
      answer.innerHTML = "";
      answer.dataset.position = "";
    }
    const locked = answer.dataset.position !== "" && answer.textContent.trim() !== "";
    current.querySelectorAll(".answer-form").forEach(function (form) {
      form.classList.toggle("is-locked", locked);
      form.querySelectorAll("button, input").forEach(function (el) { el.disabled = locked; });
    });
  }

  // Counts down to the server's deadline: a stage says how much time was left
  // when the server rendered it, and the page fixes the end once, when that
  // stage arrives. Every other message (a count of answers, a receipt, a
  // notice) redraws from the same end and never restarts the clock.
  const ends = new WeakMap(); // countdown element -> performance.now() at its end

  function startCountdown(current) {
    clearInterval(ticker);
    const clock = current.querySelector("[data-countdown]");
    if (!clock) return;
    const total = Number(clock.dataset.totalMs) || 1;
    if (!ends.has(clock)) ends.set(clock, performance.now() + Number(clock.dataset.remainingMs || 0));
    const end = ends.get(clock);
    const paused = clock.hasAttribute("data-paused");
    const bar = current.querySelector(".countdown-bar span");
    const seconds = clock.querySelector(".countdown-seconds");
    const draw = function () {
      const left = paused ? Number(clock.dataset.remainingMs) : Math.max(0, end - performance.now());
      seconds.textContent = Math.ceil(left / 1000);
      if (bar) bar.style.width = (100 * left / total).toFixed(1) + "%";
      clock.classList.toggle("is-low", left < 5000);
      if (left <= 0) {
        clearInterval(ticker);
        current.querySelectorAll(".answer-form button, .answer-form input").forEach(function (el) {
          el.disabled = true;
        });
      }
    };
    draw();
    if (!paused) ticker = setInterval(draw, 200);
  }

  // Lock the form at once on submit; the server's receipt confirms it. A
  // refusal (a notice) unlocks it again while time remains.
  document.addEventListener("htmx:wsAfterSend", function (event) {
    const form = event.target.closest && event.target.closest(".answer-form");
    if (form) form.classList.add("is-sending");
  });
  document.addEventListener("htmx:wsAfterMessage", function (event) {
    if (!event.detail.message.includes('id="quiz-notice"')) return;
    document.querySelectorAll(".answer-form.is-sending").forEach(function (form) {
      form.classList.remove("is-sending");
    });
    const notice = document.getElementById("quiz-notice");
    if (notice) {
      clearTimeout(notice._hide);
      notice._hide = setTimeout(function () { notice.textContent = ""; }, 6000);
    }
  });
})();

// The wall display: shows a pairing code until a manager pairs the TV, then
// the board. Unattended all day, so it never gives up: it reconnects forever
// (growing, jittered delays up to 30 s) after any close but a revocation,
// gets a full snapshot after each reconnect, notices a silent dead socket by
// its missing pongs, and reloads itself once a night between 03:00 and 04:00.
(function () {
  "use strict";

  const body = document.body;
  const home = body.dataset.home || "/display/";

  const PAIRING_POLL_MS = 3000;
  const PING_MS = 20000;
  const SILENT_MS = 50000; // no frame for this long: the socket is dead
  const FIRST_DELAY_MS = 1000;
  const MAX_DELAY_MS = 30000;
  const OFFLINE_NOTICE_MS = 5000;
  const PODIUM_MS = 30000;
  const MAX_CELEBRATIONS = 5;
  const CLOSE_UNPAIRED = 4401;
  const CLOSE_FORBIDDEN = 4403;
  const CLOSE_REVOKED = 4410;

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // Reload only when the server answers: a reload while it is down would
  // leave the browser's error page on the TV, with no script to recover.
  let reloading = false;
  async function reloadWhenReachable() {
    if (reloading) return;
    reloading = true;
    for (let tries = 0; ; tries++) {
      try {
        const answer = await fetch(home, { cache: "no-store", credentials: "same-origin" });
        if (answer.ok) {
          location.reload();
          return;
        }
      } catch (error) {
        // offline: try again later
      }
      await sleep(Math.min(60000, 2000 * 2 ** tries));
    }
  }

  // Pairing: poll until a manager has claimed the code, then show the board.
  function pairing() {
    const poll = body.dataset.poll;
    let failures = 0;
    async function check() {
      try {
        const answer = await fetch(poll, { cache: "no-store", credentials: "same-origin" });
        if (answer.ok) {
          failures = 0;
          const status = await answer.json();
          if (status.state === "paired" || status.state === "expired") {
            location.replace(home); // the board, or a fresh code
            return;
          }
        } else {
          failures += 1;
        }
      } catch (error) {
        failures += 1;
      }
      setTimeout(check, Math.min(MAX_DELAY_MS, PAIRING_POLL_MS * 2 ** Math.min(failures, 4)));
    }
    setTimeout(check, PAIRING_POLL_MS);
  }

  // The board.
  function board() {
    const panels = document.getElementById("panels");
    const dots = document.getElementById("tv-dots");
    const link = document.getElementById("tv-link");
    const offline = document.getElementById("tv-offline");
    const updatedAt = document.getElementById("updated-at");
    const takeover = document.getElementById("takeover");
    const celebration = document.getElementById("celebration");
    const revoked = document.getElementById("revoked");
    const rotateMs = Math.max(5, Number(body.dataset.rotateSeconds) || 20) * 1000;

    const state = {
      socket: null,
      tries: 0,
      lastFrame: Date.now(),
      stopped: false,
      index: 0,
      offlineTimer: null,
      stages: new Map(), // quiz id -> its latest #audience-stage element
      podiumUntil: new Map(),
      celebrations: [],
      celebrating: false,
    };

    function fragments(html) {
      const template = document.createElement("template");
      template.innerHTML = html;
      return Array.from(template.content.children);
    }

    // Panels, one at a time.
    function panelList() {
      return Array.from(panels.children).filter(function (el) {
        return el.classList.contains("panel");
      });
    }

    function show(index) {
      const list = panelList();
      if (!list.length) return;
      state.index = ((index % list.length) + list.length) % list.length;
      list.forEach(function (panel, i) {
        const active = i === state.index;
        if (active && !panel.classList.contains("active")) panel.classList.remove("settled");
        panel.classList.toggle("active", active);
      });
      dots.replaceChildren.apply(
        dots,
        list.map(function (panel, i) {
          const dot = document.createElement("li");
          if (i === state.index) dot.className = "active";
          return dot;
        })
      );
    }

    function activePanelName() {
      const active = panels.querySelector(":scope > .panel.active");
      return active ? active.dataset.panel : null;
    }

    function replacePanels(html) {
      fragments(html).forEach(function (fresh) {
        const old = fresh.id && document.getElementById(fresh.id);
        if (!old || old.parentNode !== panels) return; // not one of this display's panels
        if (old.classList.contains("active")) fresh.classList.add("active", "settled");
        old.replaceWith(fresh);
      });
    }

    function resetPanels(html) {
      const name = activePanelName();
      panels.innerHTML = html;
      const list = panelList();
      const again = list.findIndex(function (panel) { return panel.dataset.panel === name; });
      if (again >= 0) list[again].classList.add("active", "settled");
      show(again >= 0 ? again : 0);
    }

    // A live quiz takes the screen over while it runs, then shows its podium.
    function applyQuiz(html) {
      fragments(html).forEach(function (el) {
        if (el.id === "audience-stage") {
          const id = el.dataset.quiz;
          const known = state.stages.get(id);
          if (known && Number(known.dataset.version) > Number(el.dataset.version)) return;
          state.stages.set(id, el);
          anchorCountdown(el);
          if (el.dataset.status === "finished" && !state.podiumUntil.has(id)) {
            state.podiumUntil.set(id, Date.now() + PODIUM_MS);
            setTimeout(updateTakeover, PODIUM_MS + 100);
          }
        } else if (el.id === "audience-answered" || el.id === "audience-arrivals") {
          // Only into its own quiz's stage: with two quizzes live, the other
          // one's count must not land on the quiz this screen shows.
          const known = state.stages.get(el.dataset.quiz);
          const shown = known && known.querySelector("#" + el.id);
          if (shown) shown.replaceWith(el);
        }
      });
      updateTakeover();
    }

    function keepOnly(liveIds) {
      const live = new Set(liveIds.map(String));
      const now = Date.now();
      Array.from(state.stages.keys()).forEach(function (id) {
        const lingering = (state.podiumUntil.get(id) || 0) > now;
        if (!live.has(id) && !lingering) {
          state.stages.delete(id);
          state.podiumUntil.delete(id);
        }
      });
    }

    // A running quiz first, then a podium, then a lobby; the oldest of each.
    function chosenStage() {
      const now = Date.now();
      let running = null;
      let podium = null;
      let lobby = null;
      const older = function (el, than) { return !than || Number(el.dataset.quiz) < Number(than.dataset.quiz); };
      state.stages.forEach(function (el, id) {
        if (el.dataset.status === "running") {
          if (older(el, running)) running = el;
        } else if (el.dataset.status === "finished" && (state.podiumUntil.get(id) || 0) > now) {
          podium = el;
        } else if (el.dataset.status === "lobby") {
          if (older(el, lobby)) lobby = el;
        }
      });
      return running || podium || lobby;
    }

    // The round's countdown: a stage says how much time was left when the
    // server rendered it, and its end is fixed once, when that stage arrives.
    // An "answered" count replaces only its own span, never the clock.
    const ends = new WeakMap(); // countdown element -> performance.now() at its end
    function anchorCountdown(stage) {
      const clock = stage.querySelector("[data-countdown]");
      if (clock && !ends.has(clock)) ends.set(clock, performance.now() + Number(clock.dataset.remainingMs || 0));
    }
    function drawCountdown() {
      const clock = takeover.hidden ? null : takeover.querySelector("[data-countdown]");
      if (!clock || !ends.has(clock)) return;
      const left = clock.hasAttribute("data-paused")
        ? Number(clock.dataset.remainingMs)
        : Math.max(0, ends.get(clock) - performance.now());
      const seconds = clock.querySelector(".countdown-seconds");
      if (seconds) seconds.textContent = Math.ceil(left / 1000);
      clock.classList.toggle("is-low", left < 5000);
    }
    setInterval(drawCountdown, 200);

    function updateTakeover() {
      const stage = chosenStage();
      if (!stage) {
        takeover.hidden = true;
        takeover.replaceChildren();
        return;
      }
      if (takeover.firstElementChild !== stage) takeover.replaceChildren(stage);
      takeover.hidden = false;
      drawCountdown();
    }

    // Celebrations: one at a time, a few at most.
    function celebrate(html, seconds) {
      if (state.celebrations.length >= MAX_CELEBRATIONS) return;
      state.celebrations.push({ html: html, ms: (seconds || 10) * 1000 });
      if (!state.celebrating) nextCelebration();
    }

    function nextCelebration() {
      const next = state.celebrations.shift();
      if (!next) {
        state.celebrating = false;
        celebration.hidden = true;
        celebration.replaceChildren();
        return;
      }
      state.celebrating = true;
      celebration.innerHTML = next.html;
      celebration.hidden = false;
      setTimeout(nextCelebration, next.ms);
    }

    // The socket.
    function setLink(linkState) {
      link.dataset.state = linkState;
      if (linkState === "open") {
        clearTimeout(state.offlineTimer);
        state.offlineTimer = null;
        offline.hidden = true;
      } else if (!state.offlineTimer) {
        state.offlineTimer = setTimeout(function () { offline.hidden = false; }, OFFLINE_NOTICE_MS);
      }
    }

    function stamp(frame) {
      if (frame.at) updatedAt.textContent = frame.at;
    }

    function stop() {
      state.stopped = true;
      link.dataset.state = "closed"; // for good: no "reconnecting" notice
      clearTimeout(state.offlineTimer);
      const socket = state.socket;
      state.socket = null;
      if (socket) socket.close();
    }

    function handle(frame) {
      switch (frame.type) {
        case "snapshot":
          state.tries = 0;
          setLink("open");
          resetPanels(frame.panels);
          keepOnly(frame.quiz_ids || []);
          (frame.quizzes || []).forEach(applyQuiz);
          updateTakeover();
          break;
        case "panels":
          replacePanels(frame.html);
          break;
        case "quiz":
          applyQuiz(frame.html);
          break;
        case "quizzes":
          keepOnly(frame.live || []);
          updateTakeover();
          break;
        case "celebrate":
          celebrate(frame.html, frame.seconds);
          break;
        case "reload":
          reloadWhenReachable();
          break;
        case "revoked":
          revoked.innerHTML = frame.html;
          revoked.hidden = false;
          stop();
          break;
        default:
          break; // pong, or something newer than this page
      }
      stamp(frame);
    }

    function connect() {
      if (state.stopped) return;
      const scheme = location.protocol === "https:" ? "wss://" : "ws://";
      let socket;
      try {
        socket = new WebSocket(scheme + location.host + body.dataset.socket);
      } catch (error) {
        reconnectLater();
        return;
      }
      state.socket = socket;
      state.lastFrame = Date.now();
      socket.onmessage = function (event) {
        if (socket !== state.socket) return;
        state.lastFrame = Date.now();
        try {
          handle(JSON.parse(event.data));
        } catch (error) {
          console.error("display frame", error);
        }
      };
      socket.onclose = function (event) {
        if (socket !== state.socket) return; // already given up on
        state.socket = null;
        closed(event.code);
      };
    }

    function closed(code) {
      if (state.stopped || code === CLOSE_REVOKED) {
        stop();
        return;
      }
      setLink("closed");
      if (code === CLOSE_UNPAIRED || code === CLOSE_FORBIDDEN) {
        reloadWhenReachable(); // shows a pairing code
        return;
      }
      reconnectLater(); // network loss, restart, 1000/1001/1006/1011, daphne's 24 h limit
    }

    function reconnectLater() {
      state.tries += 1;
      const cap = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(state.tries - 1, 10));
      setTimeout(connect, cap / 2 + Math.random() * (cap / 2));
    }

    // Heartbeat: a ping keeps the display "online" for managers, and a
    // missing pong unmasks a socket that died without a close.
    setInterval(function () {
      const socket = state.socket;
      if (state.stopped || !socket) return;
      if (Date.now() - state.lastFrame > SILENT_MS) {
        state.socket = null;
        socket.close();
        closed(1006);
        return;
      }
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
    }, PING_MS);

    setInterval(function () {
      if (!takeover.hidden || state.celebrating) return; // never cut a quiz off
      show(state.index + 1);
    }, rotateMs);

    // Once a night, between 03:00 and 04:00 on the TV's clock.
    function nightly() {
      const at = new Date();
      at.setHours(3, 0, 0, 0);
      if (at.getTime() <= Date.now()) at.setDate(at.getDate() + 1);
      return at.getTime() + Math.random() * 3600 * 1000;
    }
    let reloadAt = nightly();
    setInterval(function () {
      if (state.stopped || Date.now() < reloadAt) return;
      if (!takeover.hidden) {
        reloadAt = Date.now() + 10 * 60 * 1000;
        return;
      }
      reloadAt = Infinity;
      reloadWhenReachable();
    }, 60000);

    panels.classList.add("rotating");
    show(0);
    connect();
  }

  // Refused a new code (too many from this network): ask again later.
  if (body.classList.contains("tv-busy")) {
    setTimeout(reloadWhenReachable, Number(body.dataset.retryMs) || 60000);
  }
  if (body.classList.contains("tv-pairing")) pairing();
  if (body.classList.contains("tv-board")) board();
})();

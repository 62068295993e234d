// The facilitator's screen: one step at a time, the meeting's and each turn's clock, rounds
// through the people who are here, and an end that is kept on the phone until it is saved.
// Everything runs on the phone once the page is open; only the end is sent (who came).

import { hasEnd, keepEnd, read, sendEnd } from "./meetup-end.js";

const root = document.getElementById("run");
if (root) enableRun(root);

function enableRun(root) {
  const storeKey = root.dataset.store;
  const facilitator = Number(root.dataset.facilitator || 0);
  const presenter = Number(root.dataset.presenter || 0);
  const steps = [...root.querySelectorAll(".run-step")];
  const boxes = [...root.querySelectorAll('input[name="present"]')];
  const form = root.querySelector("#run-end");
  const endStatus = root.querySelector("[data-end-status]");
  const wakeStatus = root.querySelector("[data-wake]");
  let lock = null;
  let state = read(storeKey) || { started: 0, step: 0, stepAt: 0, rounds: {} };

  if (Array.isArray(state.present)) {
    for (const box of boxes) box.checked = state.present.includes(Number(box.value));
  }
  const here = () => boxes.filter((box) => box.checked).map((box) => Number(box.value));
  const nameOf = (id) => boxes.find((box) => Number(box.value) === id)?.dataset.name || "";

  function save() {
    try {
      localStorage.setItem(storeKey, JSON.stringify(state));
    } catch {
      // Private mode: the screen still runs, it just won't survive a reload.
    }
  }

  // The facilitator opens the check-in round and closes the check-out round.
  function placeFacilitator(ids, turn) {
    if (!turn || !ids.includes(facilitator)) return ids;
    const rest = ids.filter((id) => id !== facilitator);
    return turn === "first" ? [facilitator, ...rest] : [...rest, facilitator];
  }

  // Who speaks in a step's round: those here, less the presenter where they listen.
  function speakers(index) {
    const listens = steps[index].hasAttribute("data-presenter-listens");
    return here().filter((id) => !(listens && id === presenter));
  }

  function round(index) {
    if (!state.rounds[index]) {
      const turn = steps[index].dataset.facilitator;
      state.rounds[index] = { order: placeFacilitator(speakers(index), turn), done: [], passed: [], at: Date.now() };
    }
    const current = state.rounds[index];
    // Follow who is marked here: newcomers join the end, people unmarked before their turn leave.
    const ids = speakers(index);
    current.order = current.order.filter((id) => ids.includes(id) || current.done.includes(id));
    for (const id of ids) if (!current.order.includes(id)) current.order.push(id);
    return current;
  }

  const waiting = (r) => r.order.filter((id) => !r.done.includes(id));

  function shuffle(index) {
    const r = round(index);
    const turn = steps[index].dataset.facilitator;
    let rest = waiting(r);
    const pinned = turn && rest.includes(facilitator) ? facilitator : null;
    rest = rest.filter((id) => id !== pinned);
    const random = new Uint32Array(rest.length);
    crypto.getRandomValues(random);
    for (let i = rest.length - 1; i > 0; i -= 1) {
      const j = random[i] % (i + 1);
      [rest[i], rest[j]] = [rest[j], rest[i]];
    }
    if (pinned !== null) rest = turn === "first" ? [pinned, ...rest] : [...rest, pinned];
    r.order = [...r.done, ...rest];
    r.at = Date.now();
  }

  function clock(ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    const minutes = Math.floor(seconds / 60);
    return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function tick() {
    if (!state.started) return;
    const now = Date.now();
    const step = steps[state.step];
    root.querySelector('[data-clock="meeting"]').textContent = clock(now - state.started);
    const stepClock = step.querySelector('[data-clock="step"]');
    if (stepClock) stepClock.textContent = clock(now - state.stepAt);
    const over = step.querySelector("[data-over]");
    if (over) over.hidden = now - state.stepAt < Number(step.dataset.minutes) * 60000;
    const turnClock = step.querySelector('[data-clock="turn"]');
    if (turnClock && state.rounds[state.step]) turnClock.textContent = clock(now - state.rounds[state.step].at);
  }

  function renderRound(step, index) {
    const r = round(index);
    const next = waiting(r);
    const list = step.querySelector("[data-order]");
    list.replaceChildren(
      ...r.order.map((id) => {
        const item = document.createElement("li");
        item.textContent = nameOf(id);
        if (id === facilitator) item.append(" (facilitator)");
        if (r.passed.includes(id)) item.append(" · passed");
        if (r.done.includes(id)) item.className = "done";
        if (id === next[0]) {
          item.className = "current";
          item.setAttribute("aria-current", "step");
        }
        return item;
      }),
    );
    const turn = step.querySelector("[data-turn]");
    turn.hidden = false;
    step.querySelector("[data-speaker]").textContent = next.length ? nameOf(next[0]) : "";
    step.querySelector("[data-now]").hidden = !next.length;
    step.querySelector("[data-round-done]").hidden = next.length > 0;
    for (const name of ["next-speaker", "pass", "later"]) {
      step.querySelector(`[data-action="${name}"]`).hidden = !next.length;
    }
    step.querySelector('[data-action="later"]').hidden = next.length < 2;
    const minutes = Number(step.dataset.minutes) / Math.max(1, r.order.length);
    step.querySelector("[data-turn-minutes]").textContent = String(Math.max(1, Math.round(minutes)));
    const shuffler = step.querySelector('[data-action="shuffle"]');
    if (shuffler) shuffler.hidden = next.length < 2;
  }

  function render() {
    const running = Boolean(state.started);
    for (const part of root.querySelectorAll("[data-running]")) part.hidden = !running;
    // A meetup whose end is saved is not started again; its list can still be corrected.
    const ended = root.hasAttribute("data-ended");
    for (const part of root.querySelectorAll("[data-idle]")) part.hidden = running || ended;
    for (const part of root.querySelectorAll("[data-step-clock]")) part.hidden = !running;
    steps.forEach((step, index) => {
      step.hidden = running && index !== state.step;
    });
    root.querySelector('[data-action="back"]').disabled = state.step === 0;
    root.querySelector('[data-action="next-step"]').hidden = state.step >= steps.length - 1;
    const last = state.step >= steps.length - 1;
    root.querySelector("[data-end]").classList.toggle("primary", !running || last);
    root.querySelector("[data-here-count]").textContent = String(here().length);
    const step = steps[state.step];
    if (running && step.dataset.kind === "round") renderRound(step, state.step);
    tick();
  }

  async function keepAwake() {
    if (!("wakeLock" in navigator)) {
      wakeStatus.textContent = "This phone may dim its screen; a tap wakes it.";
      return;
    }
    try {
      lock = await navigator.wakeLock.request("screen");
      wakeStatus.textContent = "The screen stays on during the meetup.";
      lock.addEventListener("release", () => {
        lock = null;
      });
    } catch {
      wakeStatus.textContent = "This phone may dim its screen; a tap wakes it.";
    }
  }

  const actions = {
    start() {
      const now = Date.now();
      state = { started: now, step: 0, stepAt: now, rounds: {}, present: here() };
      root.querySelector("[data-present]").open = false; // the step, not the list, fills the screen
      keepAwake();
    },
    "next-step"() {
      state.step = Math.min(steps.length - 1, state.step + 1);
      state.stepAt = Date.now();
      if (state.rounds[state.step]) state.rounds[state.step].at = Date.now();
      steps[state.step].scrollIntoView({ block: "start" });
    },
    back() {
      state.step = Math.max(0, state.step - 1);
      state.stepAt = Date.now();
      steps[state.step].scrollIntoView({ block: "start" });
    },
    "next-speaker"() {
      const r = round(state.step);
      r.done.push(waiting(r)[0]);
      r.at = Date.now();
    },
    pass() {
      const r = round(state.step);
      const speaker = waiting(r)[0];
      r.done.push(speaker);
      r.passed.push(speaker);
      r.at = Date.now();
    },
    later() {
      const r = round(state.step);
      const [speaker, ...rest] = waiting(r);
      r.order = [...r.done, ...rest, speaker];
      r.at = Date.now();
    },
    shuffle() {
      shuffle(state.step);
    },
  };

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || !actions[button.dataset.action]) return;
    actions[button.dataset.action]();
    save();
    render();
  });

  root.addEventListener("change", (event) => {
    if (event.target.name !== "present") return;
    state.present = here();
    save();
    render();
  });

  document.addEventListener("visibilitychange", () => {
    if (state.started && document.visibilityState === "visible" && !lock) keepAwake();
  });

  function say(text) {
    endStatus.textContent = text;
    endStatus.hidden = false;
    endStatus.scrollIntoView({ block: "center" });
  }

  // The end is kept on this phone first, so a dropped connection loses nothing.
  async function send() {
    if (!hasEnd(storeKey)) return;
    say("Saving who came…");
    const sent = await sendEnd(storeKey);
    if (sent.outcome === "offline") {
      say("You're offline. Who came is kept on this phone and saved as soon as you're back online.");
    } else if (sent.outcome === "retry") {
      say("The server couldn't take it just now. It is kept on this phone; we'll try again.");
      setTimeout(send, 30000);
    } else if (sent.outcome === "refused") {
      say(sent.error || "That couldn't be saved. Reload this page and end the meetup again.");
    } else if (sent.outcome === "saved") {
      if (lock) lock.release();
      window.location.assign(sent.url);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    keepEnd(storeKey, form.action, new URLSearchParams(new FormData(form)).toString());
    send();
  });
  window.addEventListener("online", send);

  render();
  setInterval(tick, 1000);
  send();
}

// Runs static/js/live-common.js against a scripted socket (no browser, no server) and
// prints, as JSON, the versions each scenario's page ended up showing. Used by
// tests/live/test_client_sync.py: the order in which a `sync` reply and a broadcast
// arrive is a race a real server cannot be made to lose on demand.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const SOURCE = fs.readFileSync(path.join(__dirname, "..", "..", "static", "js", "live-common.js"), "utf8");

function page() {
  const on = {}, ioOn = {}, syncReplies = [];
  const socket = {
    connected: true, active: true, auth: {},
    on(name, handler) { on[name] = handler; },
    io: { on(name, handler) { ioOn[name] = handler; } },
    emit(name, payload, answer) { if (name === "sync") { syncReplies.push(answer); } },
    timeout() { return this; },
  };
  const root = { dataset: { meeting: "1" }, hasAttribute: () => false, setAttribute() {}, removeAttribute() {} };
  const context = {
    window: {}, console, io: () => socket, performance: { now: () => 0 },
    document: { getElementById: (id) => (id === "live" ? root : null), querySelectorAll: () => [] },
  };
  vm.createContext(context);
  vm.runInContext(SOURCE, context);
  const shown = [];
  const live = context.window.DaisLive.connect({ onState: (state) => shown.push(state.version) });
  return {
    shown, live,
    state: (version, previous) => on.state({ version, previous_version: previous, comment: { open: false }, queue: [] }),
    reconnect: () => ioOn.reconnect(),
    answerSync: (version) => syncReplies.shift()({ ok: true, state: { version, comment: { open: false }, queue: [] } }),
  };
}

const results = {};

// The reply was read before version 11 committed; 11's broadcast arrives first.
let p = page();
p.state(10, 9); p.reconnect(); p.state(11, 10); p.answerSync(10);
results.older_reply_after_newer_state = { shown: p.shown, held: p.live.state().version };

// Nothing arrived while asking: the reply is taken, even older than what was held.
p = page();
p.state(10, 9); p.reconnect(); p.answerSync(4);
results.reply_with_nothing_since = { shown: p.shown, held: p.live.state().version };

// A missed version asks for sync; the reply, newer, is taken.
p = page();
p.state(3, 2); p.state(6, 5); p.answerSync(7);
results.gap_then_newer_reply = { shown: p.shown, held: p.live.state().version };

console.log(JSON.stringify(results));

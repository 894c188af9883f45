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
  const on = {}, syncReplies = [];
  const socket = {
    connected: true, active: true, auth: {},
    on(name, handler) { on[name] = handler; },
    io: { on() {} },
    emit(name, payload, answer) { if (name === "sync") { syncReplies.push(answer); } },
    timeout() { return this; },
  };
  const root = { dataset: { meeting: "1" }, hasAttribute: () => false, setAttribute() {}, removeAttribute() {} };
  const context = {
    window: { setTimeout() {} }, console, io: () => socket, performance: { now: () => 0 },
    document: { getElementById: (id) => (id === "live" ? root : null), querySelectorAll: () => [] },
  };
  vm.createContext(context);
  vm.runInContext(SOURCE, context);
  const shown = [];
  const live = context.window.DaisLive.connect({ onState: (state) => shown.push(state.version) });
  return {
    shown, live,
    state: (version, previous) => on.state({ version, previous_version: previous, comment: { open: false }, queue: [] }),
    // As socket.io-client does it: the state sent on connecting comes before "connect".
    disconnect: () => on.disconnect(),
    connect: () => on.connect(),
    reconnect: (version) => { on.disconnect(); on.state({ version, comment: { open: false }, queue: [] }); on.connect(); },
    syncsAsked: () => syncReplies.length,
    whole: (version) => on.state({ version, comment: { open: false }, queue: [] }),
    answerSync: (version) => syncReplies.shift()({ ok: true, state: { version, comment: { open: false }, queue: [] } }),
  };
}

const results = {};

// 11 was missed, so the page asks; the reply was read before 13 committed, and 13's
// broadcast arrives first.
let p = page();
p.state(10, 9); p.state(12, 11); p.state(13, 12); p.answerSync(12);
results.older_reply_after_newer_state = { shown: p.shown, held: p.live.state().version };

// Nothing arrived while asking: the reply is taken, even older than what was held.
p = page();
p.state(10, 9); p.state(12, 11); p.answerSync(4);
results.reply_with_nothing_since = { shown: p.shown, held: p.live.state().version };

// A missed version asks for sync; the reply, newer, is taken.
p = page();
p.state(3, 2); p.state(6, 5); p.answerSync(7);
results.gap_then_newer_reply = { shown: p.shown, held: p.live.state().version };

// Reconnected: the whole state the server sends on connecting is taken, with no sync.
p = page();
p.state(10, 9); p.reconnect(14);
results.state_on_reconnecting = { shown: p.shown, held: p.live.state().version, syncs: p.syncsAsked() };

// ... whatever its version (a database restored from a backup, say).
p = page();
p.state(10, 9); p.reconnect(3);
results.older_state_on_reconnecting = { shown: p.shown, held: p.live.state().version, syncs: p.syncsAsked() };

// A broadcast on the new connection came first: the older state built on connecting is not taken.
p = page();
p.state(10, 9); p.disconnect(); p.state(12, 10); p.whole(11); p.connect();
results.broadcast_before_state_on_reconnecting = { shown: p.shown, held: p.live.state().version, syncs: p.syncsAsked() };

// Connected, and a state already received since: an older whole state (a late sync
// reply, say) is no longer taken as the state sent on connecting.
p = page();
p.state(10, 9); p.whole(3);
results.older_whole_state_while_connected = { shown: p.shown, held: p.live.state().version };

console.log(JSON.stringify(results));

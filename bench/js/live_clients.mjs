// Clients for `python -m bench live`: many official socket.io-client connections in
// one Node process (websocket transport, loopback only), driving Dais and the bare
// python-socketio server side by side and timing what they receive.
//
// Usage: node live_clients.mjs '<json config>'   (see bench/live.py for the fields)
// Prints "RESULT <json>" lines; for the event-loop phase it prints "NEED_LOCK" and
// waits for "LOCKED" on stdin, then prints "RELEASE" and waits for "RELEASED".
import fs from "fs";
import { createRequire } from "module";
import path from "path";
import readline from "readline";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "tests", "js", "package.json"));
const { io } = require("socket.io-client");

const cfg = JSON.parse(process.argv[2]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();
const out = (tag, value) => process.stdout.write(tag + (value === undefined ? "" : " " + JSON.stringify(value)) + "\n");
const log = (...args) => process.stderr.write(args.join(" ") + "\n");

const stdinLines = [];
let stdinWaiter = null;
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  stdinLines.push(line.trim());
  if (stdinWaiter) { stdinWaiter(); }
});
async function expectLine(word, ms) {
  const deadline = now() + ms;
  while (now() < deadline) {
    const at = stdinLines.indexOf(word);
    if (at >= 0) { stdinLines.splice(at, 1); return true; }
    await new Promise((resolve) => { stdinWaiter = resolve; setTimeout(resolve, 100); });
  }
  return false;
}

// CPU time of a process in nanoseconds (every thread), from the scheduler's own counters.
function cpuNs(pid) {
  let total = 0;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try { total += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]); } catch { /* thread gone */ }
  }
  return total;
}

// Time the process's threads spent runnable but waiting for a CPU (ns): the machine, not the server.
function runQueueNs(pid) {
  let total = 0;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try { total += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[1]); } catch { /* thread gone */ }
  }
  return total;
}

function percentile(values, p) {
  if (!values.length) { return null; }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const summary = (values) => ({ count: values.length, p50: percentile(values, 50), p99: percentile(values, 99),
  max: values.length ? Math.max(...values) : null });

// -- connections -----------------------------------------------------------------------------
const servers = { dais: cfg.dais, bare: cfg.bare };
let round = null;  // the broadcast being timed: {server, version, t0, arrivals, need, done}

function connect(serverName, auth, role) {
  const server = servers[serverName];
  const socket = io(server.url + "/live", {
    auth, transports: ["websocket"], reconnection: false, forceNew: true, timeout: cfg.connectTimeoutMs,
  });
  const client = { socket, server: serverName, role, version: 0, state: null, joined: false };
  socket.on("state", (state) => {
    const t = now();
    if (state.version > client.version) { client.version = state.version; }
    if (role === "chair") { client.state = state; }
    if (role === "resident" && round && round.server === serverName && state.version === round.version) {
      round.arrivals.push(t - round.t0);
      if (round.arrivals.length >= round.need && round.done) { round.done(); }
    }
  });
  return new Promise((resolve) => {
    socket.once("connect", () => resolve(client));
    socket.once("connect_error", (error) => { client.error = String(error && error.message); resolve(client); });
  });
}

const ack = (client, event, payload, ms = cfg.ackTimeoutMs) => new Promise((resolve) => {
  client.socket.timeout(ms).emit(event, payload, (error, reply) => resolve(error ? { ok: false, timeout: true } : reply));
});

async function connectMany(serverName, count, auth = {}) {
  const clients = [];
  for (let start = 0; start < count; start += cfg.connectBatch) {
    const batch = Math.min(cfg.connectBatch, count - start);
    const connected = await Promise.all(Array.from({ length: batch }, () => connect(serverName, { ...auth }, "resident")));
    clients.push(...connected);
    if (connected.some((c) => c.error)) { break; }  // the server takes no more: do not wait for every batch to time out
  }
  return clients;
}

async function waitFor(predicate, ms) {
  const deadline = now() + ms;
  while (now() < deadline) {
    if (predicate()) { return true; }
    await sleep(5);
  }
  return predicate();
}

// -- one timed broadcast -----------------------------------------------------------------------
async function timedBroadcast(serverName, chair, event, need) {
  const pid = servers[serverName].pid;
  const version = chair.version + 1;
  const cpuBefore = cpuNs(pid);
  const finished = new Promise((resolve) => {
    round = { server: serverName, version, arrivals: [], need, done: resolve };
    setTimeout(resolve, cfg.roundTimeoutMs);
  });
  round.t0 = now();
  const reply = ack(chair, event, {});
  await finished;
  const cpu = cpuNs(pid) - cpuBefore;
  const result = { arrivals: round.arrivals, cpuNs: cpu, reply: await reply };
  round = null;
  await waitFor(() => chair.version >= version, 2000);
  return result;
}

const stats = () => ({ arrivals: [], cpuNs: 0, expected: 0, failures: [] });

async function latencyPhase(residents, chairs) {
  const results = [];
  const fresh = { index: 0 };
  const nextFresh = () => {
    while (fresh.index < residents.dais.length && residents.dais[fresh.index].joined) { fresh.index++; }
    return residents.dais[fresh.index++];
  };
  const joinOne = async () => {
    const resident = nextFresh();
    const reply = await ack(resident, "join_queue", { item_id: cfg.items[0] });
    if (!reply.ok) { throw new Error("join_queue refused: " + JSON.stringify(reply)); }
    resident.joined = true;
    await waitFor(() => chairs.dais.version >= reply.version
      && residents.dais.every((r) => r.version >= reply.version), cfg.roundTimeoutMs);
  };
  for (const size of cfg.sizes) {
    const refused = {};
    for (const name of ["dais", "bare"]) {
      const added = await connectMany(name, size - residents[name].length, { meeting: cfg.dais.meeting });
      const failed = added.filter((c) => c.error);
      failed.forEach((c) => c.socket.close());
      residents[name].push(...added.filter((c) => !c.error));
      if (failed.length) { refused[name] = { connected: residents[name].length, error: failed[0].error }; }
    }
    if (Object.keys(refused).length) {
      // Larger N cannot do better: report the row and stop growing.
      out("RESULT", { phase: "latency", size, connectFailed: refused });
      log(`latency N=${size}: clients could not connect: ${JSON.stringify(refused)}`);
      break;
    }
    await waitFor(() => residents.dais.every((r) => r.version >= chairs.dais.version), 10000);
    while ((chairs.dais.state.queue || []).filter((e) => e.item_id === cfg.items[0]).length < cfg.queue) { await joinOne(); }
    const dais = stats();
    const bare = stats();
    for (let r = 0; r < cfg.rounds; r++) {
      const started = now();
      const d = await timedBroadcast("dais", chairs.dais, "call_next", size);
      if (!d.reply || !d.reply.ok) { dais.failures.push(d.reply); }
      dais.arrivals.push(...d.arrivals); dais.cpuNs += d.cpuNs; dais.expected += size;
      const payload = chairs.dais.state;
      const set = await ack(chairs.bare, "set_payload", payload);
      chairs.bare.version = set.version;
      const b = await timedBroadcast("bare", chairs.bare, "trigger", size);
      bare.arrivals.push(...b.arrivals); bare.cpuNs += b.cpuNs; bare.expected += size;
      dais.payloadBytes = bare.payloadBytes = Buffer.byteLength(JSON.stringify(payload));
      await joinOne();  // keeps the queue at the same length for the next round (not timed)
      // The chair may send 5 events a second: keep every round at least that long.
      await sleep(Math.max(0, cfg.minRoundMs - (now() - started)));
    }
    const row = { size, payloadBytes: dais.payloadBytes };
    for (const [name, s] of [["dais", dais], ["bare", bare]]) {
      row[name] = { ...summary(s.arrivals), expected: s.expected, cpuUsPerMessage: s.arrivals.length ? s.cpuNs / 1000 / s.arrivals.length : null,
        failures: s.failures };
    }
    out("RESULT", { phase: "latency", ...row });
    log(`latency N=${size}: dais p99 ${row.dais.p99?.toFixed(1)} ms, bare p99 ${row.bare.p99?.toFixed(1)} ms`);
    if (cfg.eventLoop && size === cfg.eventLoopAt) { await eventLoopPhase(residents); }
  }
}

// -- the event loop while four database queries are slow ---------------------------------------
async function probeWindow(probes, ms) {
  const rtts = [];
  const t0 = now();
  const deadline = t0 + ms;
  let worst = { ms: 0, at: 0 };
  const waitedBefore = runQueueNs(cfg.dais.pid);
  await Promise.all(probes.map(async (probe, i) => {
    await sleep((i * cfg.probeIntervalMs) / probes.length);
    while (now() < deadline) {
      const sent = now();
      const reply = await ack(probe, "sync", {});
      const rtt = reply.ok ? now() - sent : Infinity;
      rtts.push(rtt);
      if (rtt > worst.ms) { worst = { ms: rtt, at: sent - t0 }; }
      await sleep(Math.max(0, cfg.probeIntervalMs - (now() - sent)));
    }
  }));
  worst.runQueueMs = (runQueueNs(cfg.dais.pid) - waitedBefore) / 1e6;
  return { rtts, worst };
}

// Idle and slow windows alternate, so noise from the rest of the machine falls on both.
async function eventLoopPhase(residents) {
  const idle = residents.dais.filter((r) => !r.joined);
  const probes = idle.slice(0, cfg.probes);
  const spare = idle.slice(cfg.probes);
  const baseline = [];
  const during = [];
  const worst = { idle: [], slow: [] };
  const slowJoins = [];
  for (let pair = 0; pair < cfg.eventLoopPairs; pair++) {
    const quiet = await probeWindow(probes, cfg.probeWindowMs);
    baseline.push(...quiet.rtts); worst.idle.push(quiet.worst);
    out("NEED_LOCK");
    if (!await expectLine("LOCKED", 30000)) { throw new Error("no LOCKED from the bench"); }
    const blocked = spare.splice(0, 4);
    const t0 = now();
    const slow = blocked.map((r) => ack(r, "join_queue", { item_id: cfg.items[0] }, 60000).then((reply) => ({ ok: reply.ok, ms: now() - t0, version: reply.version || 0 })));
    await sleep(300);  // the four joins are now waiting in PostgreSQL for the meeting row
    const busy = await probeWindow(probes, cfg.probeWindowMs);
    during.push(...busy.rtts); worst.slow.push(busy.worst);
    out("RELEASE");
    await expectLine("RELEASED", 30000);
    slowJoins.push(...await Promise.all(slow));
    blocked.forEach((r) => { r.joined = true; });
    const latest = Math.max(...slowJoins.map((j) => j.version));
    await waitFor(() => residents.dais.every((r) => r.version >= latest), 10000);  // their broadcasts are done
    await sleep(500);
  }
  const result = { phase: "event_loop", connected: residents.dais.length, pairs: cfg.eventLoopPairs,
    idle: summary(baseline), slow: summary(during), worst,
    probeFailures: [...baseline, ...during].filter((v) => v === Infinity).length, slowJoins };
  out("RESULT", result);
  log(`event loop: probe p99 idle ${result.idle.p99?.toFixed(1)} ms, during slow queries ${result.slow.p99?.toFixed(1)} ms`);
}

// -- a burst of residents joining within one second ------------------------------------------------
async function burst(serverName, event, payloadFor) {
  const clients = await connectMany(serverName, cfg.burst, { meeting: cfg.dais.meeting });
  const failed = clients.filter((c) => c.error).length;
  const spacing = cfg.burstWindowMs / cfg.burst;
  const cpuBefore = cpuNs(servers[serverName].pid);
  const t0 = now();
  const rtts = await Promise.all(clients.map(async (client, i) => {
    await sleep(i * spacing - (now() - t0));
    const sent = now();
    const reply = await ack(client, event, payloadFor(i), cfg.burstAckTimeoutMs);
    return { ms: now() - sent, ok: Boolean(reply && reply.ok), code: reply && reply.error && reply.error.code, timeout: Boolean(reply && reply.timeout) };
  }));
  const sentWithinMs = now() - t0;
  const cpuMs = (cpuNs(servers[serverName].pid) - cpuBefore) / 1e6;
  clients.forEach((c) => c.socket.disconnect());
  const oks = rtts.filter((r) => r.ok).map((r) => r.ms);
  const errors = {};
  rtts.filter((r) => !r.ok).forEach((r) => { const key = r.timeout ? "timeout" : r.code; errors[key] = (errors[key] || 0) + 1; });
  return { ...summary(rtts.map((r) => r.ms)), acked: oks.length, failedConnect: failed, errors, elapsedMs: sentWithinMs, cpuMs };
}

// The floor under the burst: the same acks one at a time with nothing else happening.
// A Dais join is acknowledged only after its transaction commits, so this shows what
// durability alone costs against an echo that stores nothing.
async function oneByOne(serverName, event, payload, count) {
  const clients = await connectMany(serverName, count, { meeting: cfg.dais.meeting });
  const rtts = [];
  let oks = 0;
  for (const client of clients) {
    const sent = now();
    const reply = await ack(client, event, payload, cfg.burstAckTimeoutMs);
    rtts.push(now() - sent);
    if (reply && reply.ok) { oks++; }
    await sleep(20);
  }
  clients.forEach((c) => c.socket.disconnect());
  return { ...summary(rtts), acked: oks };
}

async function burstPhase() {
  const half = Math.ceil(cfg.burst / 2);
  // Two agenda items, so the per-item queue cap (300 by default) is not what is measured.
  const twoItems = (i) => ({ item_id: i < half ? cfg.items[1] : cfg.items[2] });
  const alone = {
    bare: await oneByOne("bare", "echo", {}, cfg.aloneCount),
    dais: await oneByOne("dais", "join_queue", { item_id: cfg.items[0] }, cfg.aloneCount),
  };
  if (cfg.bare.durable) { alone.write = await oneByOne("bare", "write", { item_id: cfg.items[0] }, cfg.aloneCount); }
  await sleep(500);
  const bare = await burst("bare", "echo", () => ({}));
  let write = null;
  if (cfg.bare.durable) {
    await sleep(500);
    write = await burst("bare", "write", twoItems);
  }
  await sleep(500);
  const dais = await burst("dais", "join_queue", twoItems);
  out("RESULT", { phase: "burst", size: cfg.burst, dais, bare, write, alone });
  log(`burst: dais ack p99 ${dais.p99?.toFixed(1)} ms (${dais.acked} ok), bare echo p99 ${bare.p99?.toFixed(1)} ms` +
      (write ? `, bare durable write p99 ${write.p99?.toFixed(1)} ms` : ""));
}

// -- main ------------------------------------------------------------------------------------------
const chairs = {
  dais: await connect("dais", { meeting: cfg.dais.meeting, api_token: cfg.dais.token }, "chair"),
  bare: await connect("bare", {}, "chair"),
};
if (chairs.dais.error || chairs.bare.error) { log("chair could not connect", chairs.dais.error, chairs.bare.error); process.exit(3); }
await waitFor(() => chairs.dais.state, 5000);
const opened = await ack(chairs.dais, "open_comment", { item_id: cfg.items[0] });
if (!opened.ok) { log("open_comment refused", JSON.stringify(opened)); process.exit(3); }
await waitFor(() => chairs.dais.version >= opened.version, 5000);

const residents = { dais: [], bare: [] };
try {
  await latencyPhase(residents, chairs);
} catch (error) {
  out("RESULT", { phase: "error", message: String(error && error.stack || error) });
}
[...residents.dais, ...residents.bare].forEach((c) => c.socket.disconnect());
await sleep(1000);
if (cfg.burst) {
  try { await burstPhase(); } catch (error) { out("RESULT", { phase: "error", message: String(error && error.stack || error) }); }
}
Object.values(chairs).forEach((c) => c.socket.disconnect());
out("DONE");
process.exit(0);

// Clients for `python -m bench packets-live`: one chair, one clerk and N residents
// (official socket.io-client, websocket, loopback only) on one Dais meeting.
//
// Usage: node packets_live_clients.mjs '<json config>'   (see bench/packets_live.py)
// Prints "READY" once every resident is connected and the queue is full, then obeys
// stdin: "PHASE <name> <rounds>" runs timed call_next rounds (0: until "STOP") and
// prints "RESULT <json>"; "QUIT" ends.
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

const commands = [];
let stopRequested = false;
let wake = null;
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const words = line.trim().split(/\s+/);
  if (words[0] === "STOP") { stopRequested = true; } else { commands.push(words); }
  if (wake) { wake(); }
});
async function nextCommand() {
  while (!commands.length) { await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 200); }); }
  return commands.shift();
}

function connect(auth) {
  const socket = io(cfg.url + "/live", {
    auth, transports: ["websocket"], reconnection: false, forceNew: true, timeout: cfg.connectTimeoutMs,
  });
  // seen: version -> arrival time, kept only while a round is being timed
  const client = { socket, version: 0, state: null, seen: null };
  socket.on("state", (state) => {
    const t = now();
    if (client.seen) { client.seen.set(state.version, t); }
    if (state.version > client.version) { client.version = state.version; client.state = state; }
  });
  return new Promise((resolve) => {
    socket.once("connect", () => resolve(client));
    socket.once("connect_error", (error) => { client.error = String(error && error.message); resolve(client); });
  });
}

const ack = (client, event, payload, ms = cfg.ackTimeoutMs) => new Promise((resolve) => {
  client.socket.timeout(ms).emit(event, payload, (error, reply) => resolve(error ? { ok: false, timeout: true } : reply));
});

async function waitFor(predicate, ms) {
  const deadline = now() + ms;
  while (now() < deadline) {
    if (predicate()) { return true; }
    await sleep(5);
  }
  return predicate();
}

const chair = await connect({ meeting: cfg.meeting, api_token: cfg.chairToken });
const clerk = await connect({ meeting: cfg.meeting, api_token: cfg.clerkToken });
if (chair.error || clerk.error) { log("staff could not connect", chair.error, clerk.error); process.exit(3); }
const residents = [];
for (let start = 0; start < cfg.residents; start += cfg.connectBatch) {
  const batch = Math.min(cfg.connectBatch, cfg.residents - start);
  const added = await Promise.all(Array.from({ length: batch }, () => connect({ meeting: cfg.meeting })));
  const failed = added.filter((c) => c.error);
  if (failed.length) { log(`only ${residents.length + batch - failed.length} residents connected: ${failed[0].error}`); process.exit(3); }
  residents.push(...added);
}
const everyoneAt = (version) => waitFor(() => chair.version >= version && residents.every((r) => r.version >= version),
  cfg.roundTimeoutMs);

const opened = await ack(chair, "open_comment", { item_id: cfg.item });
if (!opened.ok) { log("open_comment refused", JSON.stringify(opened)); process.exit(3); }
await everyoneAt(opened.version);
// The queue starts with `queue` residents waiting; each round the clerk adds one in-person speaker
// (untimed), so the state (and its size) stays the same from round to round.
for (let n = 0; n < cfg.queue; n++) {
  const reply = await ack(residents[n], "join_queue", { item_id: cfg.item });
  if (!reply.ok) { log("join_queue refused", JSON.stringify(reply)); process.exit(3); }
  await everyoneAt(reply.version);
}
let speakers = 0;
out("READY", { residents: residents.length, payloadBytes: Buffer.byteLength(JSON.stringify(chair.state)) });

async function timedRound() {
  residents.forEach((r) => { r.seen = new Map(); });
  const t0 = now();
  const reply = await ack(chair, "call_next", {});
  let arrivals = [];
  let missing = residents.length;
  if (reply.ok) {
    await everyoneAt(reply.version);
    arrivals = residents.filter((r) => r.seen.has(reply.version)).map((r) => Math.round((r.seen.get(reply.version) - t0) * 100) / 100);
    missing = residents.length - arrivals.length;
  }
  residents.forEach((r) => { r.seen = null; });
  const refill = await ack(clerk, "add_in_person", { item_id: cfg.item, display_name: `Speaker ${++speakers}` });
  if (refill.ok) { await everyoneAt(refill.version); }
  return { arrivals, missing, ok: Boolean(reply.ok), error: reply.ok ? null : reply, refillOk: Boolean(refill.ok) };
}

for (;;) {
  const [word, name, roundsText] = await nextCommand();
  if (word === "QUIT") { break; }
  if (word !== "PHASE") { continue; }
  const rounds = Number(roundsText) || 0;
  stopRequested = false;
  const arrivals = [];
  const errors = [];
  let missing = 0;
  let done = 0;
  const phaseStart = now();
  while (rounds ? done < rounds : !stopRequested) {
    const started = now();
    const round = await timedRound();
    arrivals.push(...round.arrivals);
    missing += round.missing;
    if (!round.ok) { errors.push(round.error); }
    if (!round.refillOk) { errors.push("refill refused"); }
    done++;
    if (done >= cfg.maxRoundsPerPhase) { break; }
    // The chair may send 5 events a second: keep every round at least this long.
    await sleep(Math.max(0, cfg.minRoundMs - (now() - started)));
  }
  out("RESULT", { name, rounds: done, arrivals, missing, expected: done * residents.length,
    errors: errors.slice(0, 5), seconds: (now() - phaseStart) / 1000,
    payloadBytes: Buffer.byteLength(JSON.stringify(chair.state)) });
}
[chair, clerk, ...residents].forEach((c) => c.socket.disconnect());
out("DONE");
process.exit(0);

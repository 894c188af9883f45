// Clients for the crash test. Phase 1: connect WATCHERS + RESIDENTS, residents join,
// the chair calls one speaker; print "READY <json>". Then wait for "GO" on stdin
// (the server was killed and restarted meanwhile); every client reconnects on its
// own, residents `resume`, the chair calls the next speaker, and when every client
// holds the latest version print "DONE <json>".
// Usage: node crash_clients.mjs URL MEETING_ID ITEM_ID API_TOKEN RESIDENTS WATCHERS
import { createRequire } from "module";
import path from "path";
import readline from "readline";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "js", "package.json"));
const { io } = require("socket.io-client");

const [url, meetingArg, itemArg, apiToken, residentsArg, watchersArg] = process.argv.slice(2);
const meeting = Number(meetingArg);
const item = Number(itemArg);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function client(name, auth) {
  const socket = io(url + "/live", {
    auth: { meeting, ...auth }, transports: ["websocket"],
    reconnectionDelay: 200, reconnectionDelayMax: 1000, timeout: 5000,
  });
  const record = { name, socket, last: null };
  socket.on("state", (state) => { if (!record.last || state.version > record.last.version) { record.last = state; } });
  return new Promise((resolve) => socket.once("connect", () => resolve(record)));
}

const ack = (record, event, payload) => new Promise((resolve) => {
  record.socket.timeout(10000).emit(event, payload, (error, reply) => resolve(error ? { ok: false, timeout: true } : reply));
});

const chair = await client("chair", { api_token: apiToken });
const residents = await Promise.all(Array.from({ length: Number(residentsArg) }, (_, i) => client("r" + i, {})));
const watchers = await Promise.all(Array.from({ length: Number(watchersArg) }, (_, i) => client("w" + i, {})));
await ack(chair, "open_comment", { item_id: item });
const joins = [];
for (const r of residents) {  // one after the other, so the expected order is known
  const reply = await ack(r, "join_queue", { item_id: item });
  r.entry = reply.entry;
  r.socket.auth.token = reply.entry.token;  // sent again on every reconnection
  joins.push(reply.entry);
}
const called = await ack(chair, "call_next", {});
await ack(chair, "timer", { action: "start" });
const before = await ack(chair, "sync", {});
process.stdout.write("READY " + JSON.stringify({ joins, called, state: before.state }) + "\n");

const lines = readline.createInterface({ input: process.stdin });
await new Promise((resolve) => lines.on("line", (line) => { if (line.trim() === "GO") { resolve(); } }));

const everyone = [chair, ...residents, ...watchers];
for (let i = 0; i < 300 && everyone.some((r) => !r.socket.connected); i++) { await sleep(100); }
const resumed = await Promise.all(residents.map((r) => ack(r, "resume", { token: r.entry.token })));
const afterRestart = await ack(chair, "sync", {});
const next = await ack(chair, "call_next", {});
for (let i = 0; i < 200 && everyone.some((r) => !r.last || r.last.version < next.version); i++) { await sleep(50); }
const report = {
  connected: everyone.filter((r) => r.socket.connected).length,
  resumed, afterRestart: afterRestart.state, next,
  versions: everyone.map((r) => (r.last ? r.last.version : null)),
};
everyone.forEach((r) => r.socket.disconnect());
process.stdout.write("DONE " + JSON.stringify(report) + "\n", () => process.exit(0));

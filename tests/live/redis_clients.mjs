// Clients spread over two server processes that share Redis: the chair on A, the
// display on B, residents alternating. Prints one JSON report on stdout.
// Usage: node redis_clients.mjs URL_A URL_B MEETING_ID ITEM_ID API_TOKEN RESIDENTS
import { createRequire } from "module";
import path from "path";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "js", "package.json"));
const { io } = require("socket.io-client");

const [urlA, urlB, meetingArg, itemArg, apiToken, countArg] = process.argv.slice(2);
const meeting = Number(meetingArg);
const item = Number(itemArg);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function client(name, url, auth) {
  const socket = io(url + "/live", { auth: { meeting, ...auth }, transports: ["websocket"], reconnection: false });
  const record = { name, server: url === urlA ? "A" : "B", socket, versions: [], previous: [], last: null };
  socket.on("state", (state) => { record.versions.push(state.version); record.previous.push(state.previous_version); record.last = state; });
  return new Promise((resolve, reject) => {
    socket.on("connect", () => resolve(record));
    socket.on("connect_error", (error) => reject(new Error(name + ": " + error.message)));
  });
}
const ack = (record, event, payload) => new Promise((resolve) => record.socket.emit(event, payload, resolve));

const chair = await client("chair", urlA, { api_token: apiToken });
const display = await client("display", urlB, {});
const residents = [];
for (let i = 0; i < Number(countArg); i++) { residents.push(await client("r" + i, i % 2 ? urlB : urlA, {})); }
await sleep(300);
const acks = [await ack(chair, "open_comment", { item_id: item })];
for (const r of residents) { acks.push(await ack(r, "join_queue", { item_id: item })); }
acks.push(await ack(chair, "call_next", {}));
acks.push(await ack(chair, "skip", { entry_id: acks[1].entry.entry_id }));  // the speaker just called
const final = acks[acks.length - 1].version;
const everyone = [chair, display, ...residents];
for (let i = 0; i < 200 && everyone.some((r) => !r.last || r.last.version < final); i++) { await sleep(50); }
const report = {
  acks, final,
  clients: everyone.map((r) => ({ name: r.name, server: r.server, versions: r.versions, previous: r.previous, last: r.last })),
};
everyone.forEach((r) => r.socket.disconnect());
process.stdout.write(JSON.stringify(report), () => process.exit(0));

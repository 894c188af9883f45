// Real Socket.IO clients for the end-to-end test: a chair (API token), a public
// display and N residents. Prints one JSON report on stdout.
// Usage: node live_clients.mjs URL MEETING_ID ITEM_ID API_TOKEN RESIDENTS
import { createRequire } from "module";
import path from "path";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "js", "package.json"));
const { io } = require("socket.io-client");

const [url, meetingArg, itemArg, apiToken, countArg] = process.argv.slice(2);
const meeting = Number(meetingArg);
const item = Number(itemArg);
const count = Number(countArg);

function client(name, auth) {
  const socket = io(url + "/live", { auth: { meeting, ...auth }, transports: ["websocket"], reconnection: false });
  const record = { name, socket, versions: [], previous: [], last: null };
  socket.on("state", (state) => { record.versions.push(state.version); record.previous.push(state.previous_version); record.last = state; });
  return new Promise((resolve, reject) => {
    socket.on("connect", () => resolve(record));
    socket.on("connect_error", (error) => reject(new Error(name + ": " + error.message)));
  });
}

const ack = (record, event, payload) => new Promise((resolve) => record.socket.emit(event, payload, resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const chair = await client("chair", { api_token: apiToken });
const display = await client("display", {});
const residents = await Promise.all(Array.from({ length: count }, (_, i) => client("resident" + i, {})));
const acks = {};
acks.open = await ack(chair, "open_comment", { item_id: item, seconds_per_speaker: 60 });
acks.joins = await Promise.all(residents.map((r, i) =>
  ack(r, "join_queue", { item_id: item, display_name: "Resident " + i, stance: "support" })));
acks.call1 = await ack(chair, "call_next", {});
acks.start = await ack(chair, "timer", { action: "start" });
acks.call2 = await ack(chair, "call_next", {});
const everyone = [chair, display, ...residents];
const finalVersion = acks.call2.version;
for (let i = 0; i < 100 && everyone.some((r) => !r.last || r.last.version < finalVersion); i++) { await sleep(50); }
const syncs = await Promise.all(everyone.map((r) => ack(r, "sync", {})));
const report = {
  acks,
  clients: everyone.map((r, i) => ({ name: r.name, versions: r.versions, previous: r.previous, last: r.last, synced: syncs[i] })),
};
everyone.forEach((r) => r.socket.disconnect());
// Exit only once the report is flushed: a pipe takes 64 KiB at a time, and exiting
// right after write() cuts the report there.
process.stdout.write(JSON.stringify(report), () => process.exit(0));

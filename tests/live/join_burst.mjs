// Residents from one address, spread over two server processes that share Redis,
// all asking to join at the same moment. Prints each join's answer code as JSON.
// Usage: node join_burst.mjs URL_A URL_B MEETING_ID ITEM_ID RESIDENTS
import { createRequire } from "module";
import path from "path";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "js", "package.json"));
const { io } = require("socket.io-client");

const [urlA, urlB, meetingArg, itemArg, countArg] = process.argv.slice(2);
const meeting = Number(meetingArg);
const item = Number(itemArg);

function connect(url) {
  const socket = io(url + "/live", { auth: { meeting }, transports: ["websocket"], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.on("connect", () => resolve(socket));
    socket.on("connect_error", (error) => reject(error));
  });
}

const sockets = [];
for (let i = 0; i < Number(countArg); i++) { sockets.push(await connect(i % 2 ? urlB : urlA)); }
// Every join sent before any answer comes back.
const answers = await Promise.all(sockets.map((socket) => new Promise((resolve) => {
  socket.emit("join_queue", { item_id: item }, (reply) => resolve(reply.ok ? "ok" : reply.error.code));
})));
sockets.forEach((socket) => socket.disconnect());
process.stdout.write(JSON.stringify(answers), () => process.exit(0));

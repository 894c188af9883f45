// Parse iCalendar files with Mozilla's ical.js (the parser behind Thunderbird) and
// print every event's UTC start and end as JSON: {"<file>": [{uid, start, end, ...}]}.
// Times are resolved only through the VTIMEZONE blocks inside each file, as a
// client without its own time-zone database would do.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function utc(time) {
  return new Date(time.toUnixTime() * 1000).toISOString();
}

const result = {};
for (const path of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  result[path] = calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      start: utc(event.startDate),
      end: utc(event.endDate),
      startZone: event.startDate.zone ? event.startDate.zone.tzid : null,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
      summary: event.summary,
    };
  });
}
process.stdout.write(JSON.stringify(result));

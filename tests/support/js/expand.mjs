// Expands a calendar file with Mozilla's ical.js, as Thunderbird and many web calendars do.
//
// Usage: node expand.mjs FROM UNTIL < calendar.ics  (FROM and UNTIL are ISO instants)
// Prints JSON: {"occurrences": [...], "events": [...]}. Each occurrence starting in [FROM, UNTIL)
// has its uid, its UTC start and end, its RECURRENCE-ID (UTC) and status; cancelled ones (EXDATE)
// are not there. "events" lists every VEVENT as written (uid, recurrence id, sequence, start).
// Times are resolved only with the VTIMEZONE blocks of the file itself: ical.js has no zone data.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const [from, until] = process.argv.slice(2).map((text) => new Date(text));
const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
const utc = (time) => (time ? time.toJSDate().toISOString() : null);

const events = calendar.getAllSubcomponents("vevent").map((component) => new ICAL.Event(component));
const occurrences = [];
for (const event of events.filter((e) => !e.isRecurrenceException())) {
  const iterator = event.iterator();
  // Overrides may move an occurrence by up to a month: look that far on either side.
  const reach = 32 * 24 * 3600 * 1000;
  for (let next = iterator.next(); next; next = iterator.next()) {
    const original = next.toJSDate();
    if (original >= new Date(until.getTime() + reach)) break;
    if (original < new Date(from.getTime() - reach)) continue;
    const details = event.getOccurrenceDetails(next);
    const start = details.startDate.toJSDate();
    if (start < from || start >= until) continue;
    occurrences.push({
      uid: event.uid,
      start: start.toISOString(),
      end: utc(details.endDate),
      recurrence_id: original.toISOString(),
      status: details.item.component.getFirstPropertyValue("status"),
    });
    if (!event.isRecurring()) break;
  }
}
occurrences.sort((a, b) => a.start.localeCompare(b.start));

const written = events.map((event) => ({
  uid: event.uid,
  recurrence_id: utc(event.recurrenceId),
  sequence: event.sequence,
  start: utc(event.startDate),
  status: event.component.getFirstPropertyValue("status"),
}));
process.stdout.write(JSON.stringify({ occurrences, events: written }));

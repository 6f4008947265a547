// Reads an iCalendar feed on stdin with ical.js (the parser inside
// Thunderbird) and prints its events as JSON. Times are resolved with the
// feed's own VTIMEZONE components only: ical.js has no zone database.
const path = require('path');
const fs = require('fs');
const ICAL = require(path.join(process.argv[2], 'ical.js', 'dist', 'ical.es5.cjs'));

const comp = new ICAL.Component(ICAL.parse(fs.readFileSync(0, 'utf8')));
for (const vtz of comp.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
}
const events = comp.getAllSubcomponents('vevent').map((v) => {
  const e = new ICAL.Event(v);
  const org = v.getFirstProperty('organizer');
  const cats = v.getAllProperties('categories').flatMap((p) => p.getValues());
  return {
    uid: e.uid,
    summary: e.summary,
    description: e.description,
    location: e.location || '',
    status: v.getFirstPropertyValue('status'),
    sequence: e.sequence,
    start: e.startDate.toUnixTime(),
    end: e.endDate.toUnixTime(),
    tzid: e.startDate.zone ? e.startDate.zone.tzid : '',
    organizer: org ? org.getFirstValue() : '',
    cn: org ? org.getParameter('cn') || '' : '',
    categories: cats,
    props: v.getAllProperties().map((p) => p.name.toUpperCase()).sort(),
  };
});
process.stdout.write(JSON.stringify({
  components: comp.getAllSubcomponents().map((c) => c.name.toUpperCase()),
  events,
}));

"""Reads an iCalendar feed on stdin with python-icalendar and prints its
events as JSON, times as Unix seconds."""
import json
import sys

import icalendar

cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
events = []
for ev in cal.walk('VEVENT'):
    org = ev.get('ORGANIZER')
    cats = ev.get('CATEGORIES')
    if cats is None:
        cats = []
    elif not isinstance(cats, list):
        cats = [cats]
    events.append({
        'uid': str(ev['UID']),
        'summary': str(ev['SUMMARY']),
        'description': str(ev.get('DESCRIPTION', '')),
        'location': str(ev.get('LOCATION', '')),
        'status': str(ev['STATUS']),
        'sequence': int(ev['SEQUENCE']),
        'start': int(ev.decoded('DTSTART').timestamp()),
        'end': int(ev.decoded('DTEND').timestamp()),
        'tzid': str(ev['DTSTART'].params.get('TZID', '')),
        'organizer': str(org) if org is not None else '',
        'cn': str(org.params.get('CN', '')) if org is not None else '',
        'categories': [str(c) for cs in cats for c in cs.cats] if cats and hasattr(cats[0], 'cats') else [str(c) for c in cats],
        'props': sorted(k for k, _ in ev.property_items(recursive=False) if k not in ('BEGIN', 'END')),
    })
print(json.dumps({
    'components': [c.name for c in cal.subcomponents],
    'events': events,
}))

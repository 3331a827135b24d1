#!/usr/bin/python3
"""Golden instance lists for the ICS corpus, from an expander independent of unmeet.

Run with Debian's Python and packages (apt-get install python3-icalendar python3-dateutil):

    /usr/bin/python3 scripts/ics-corpus/golden.py            # every file in the manifest
    /usr/bin/python3 scripts/ics-corpus/golden.py foo.ics    # only these

ics_values.py reads the file (zones, values, the VEVENT-by-VEVENT fallback); this file expands.

Parsing is python-icalendar's, recurrence is python-dateutil's rrule, zones are the system tz
database (zoneinfo) or, for a TZID that is not an IANA name, the file's own VTIMEZONE read by
dateutil.tz.tzical. None of it shares code with unmeet (TypeScript, ical.js, luxon).

Semantics, chosen to match what RFC 5545 says and, where it says nothing, what unmeet documents:
- the window is [start, end) in UTC; an instance overlaps it when start < end_w and end > start_w
  (a zero-length instance when start_w <= start < end_w);
- floating times and DATE values are read in the calendar's X-WR-TIMEZONE when it names an IANA
  zone, else in UTC (the test passes defaultTimeZone 'UTC'); an all-day instance runs from local
  midnight to local midnight;
- DTSTART is always an instance (RFC 5545 section 3.8.5.3: an unsynchronised DTSTART is
  "undefined"; we count it, as ical.js and most consumers do);
- DTEND gives every instance the same exact duration (RFC 5545 section 3.8.5.3); DURATION is
  nominal for days and weeks (section 3.3.6); with neither, a DATE lasts one day and a DATE-TIME
  none (section 3.6.1); an end before the start (invalid, section 3.8.2.2) gives no length;
- a TZID is an IANA name, else the file's VTIMEZONE, else (a leading "/", section 3.2.19: a
  globally unique name) the longest tail of it that is an IANA name; else floating, noted;
- local times in a DST gap move forward by the gap, ambiguous ones take the first (section 3.3.5);
- UNTIL is compared as an instant when it is UTC, as a local time when floating, as a local date
  when a DATE (section 3.3.10);
- a RECURRENCE-ID replaces the instance with the same original start (matched as an instant, or
  by local date for an all-day series, whose instance's start is then the override's key);
  RANGE=THISANDFUTURE moves the later instances by the same
  offset and gives them the override's duration (section 3.8.4.4); the highest SEQUENCE wins;
- two VEVENTs with one UID, no RECURRENCE-ID and the same SEQUENCE are both kept (RFC 5545 says a
  UID is unique, so the file is wrong; keeping both loses nothing);
- STATUS:CANCELLED instances are listed, with their status: cancelling is not deleting.
Each golden records what it could not do under "notes" (a TZID it could not resolve, a property
it could not read); the test's allow-list cites them.
"""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import sys

import icalendar
from dateutil import rrule as du_rrule

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts in the repository
from ics_values import Zones, moment, one_by_one, parse_duration, values

ROOT = pathlib.Path(__file__).resolve().parents[2] / 'tests' / 'fixtures' / 'ics-corpus'
FILES = ROOT / 'files'
GOLDEN = ROOT / 'golden'
MANIFEST = ROOT / 'MANIFEST.json'
UTC = dt.timezone.utc
DAY = dt.timedelta(days=1)
# More instances than unmeet ever keeps for one series (5,000): a runaway rule stops here.
MAX_PER_SERIES = 20_000


def iso(value: dt.datetime) -> str:
    return value.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')


class Event:
    """One VEVENT reduced to what expansion needs."""

    def __init__(self, comp, zones: Zones, floating: dt.tzinfo, notes: list[str]):
        self.uid = str(comp.get('UID', '')).strip()
        self.sequence = int(str(comp.get('SEQUENCE', 0)).strip() or 0)
        self.status = str(comp.get('STATUS', 'CONFIRMED')).strip().upper()
        start = comp.get('DTSTART')
        self.start = moment(start.dt, start.params, zones, floating)
        self.end_exact: dt.timedelta | None = None
        self.end_nominal: tuple[int, dt.timedelta] | None = None
        if comp.get('DTEND') is not None:
            end = comp.get('DTEND')
            end_m = moment(end.dt, end.params, zones, floating)
            if self.start.is_date:
                self.end_nominal = ((end_m.wall - self.start.wall).days, dt.timedelta(0))
            else:
                self.end_exact = end_m.utc() - self.start.utc()
        elif comp.get('DURATION') is not None:
            self.end_nominal = parse_duration(comp.get('DURATION').to_ical().decode())
        else:
            self.end_nominal = (1, dt.timedelta(0)) if self.start.is_date else (0, dt.timedelta(0))
        rid = comp.get('RECURRENCE-ID')
        self.recurrence_id = moment(rid.dt, rid.params, zones, floating) if rid is not None else None
        self.this_and_future = rid is not None and str(rid.params.get('RANGE', '')).upper() == 'THISANDFUTURE'
        self.rrules = []
        for rule in comp.get('RRULE') if isinstance(comp.get('RRULE'), list) else [comp.get('RRULE')]:
            if rule is not None:
                self.rrules.append(rule.to_ical().decode())
        self.rdates = [(moment(v[0] if isinstance(v, tuple) else v, p, zones, floating), v) for v, p in values(comp, 'RDATE', notes)]
        self.exdates = [moment(v, p, zones, floating) for v, p in values(comp, 'EXDATE', notes)]
        self.notes = notes

    def end_of(self, start_wall: dt.datetime, start_utc: dt.datetime) -> dt.datetime:
        # An end before the start is invalid (RFC 5545 section 3.8.2.2): read as no length at all.
        if self.end_exact is not None:
            return max(start_utc, start_utc + self.end_exact)
        days, exact = self.end_nominal
        return max(start_utc, self.start.utc(start_wall + dt.timedelta(days=days)) + exact)


def occurrences(event: Event, stop_utc: dt.datetime):
    """(wall start, UTC start, end override or None) of the series, in order, until stop_utc."""
    s = event.start
    found: dict[dt.datetime, tuple[dt.datetime, dt.datetime | None]] = {s.utc(): (s.wall, None)}
    for rule_text in event.rrules:
        parts = dict(p.split('=', 1) for p in rule_text.split(';') if '=' in p)
        until = parts.pop('UNTIL', None)
        if parts.get('FREQ', '').upper() in ('SECONDLY', 'MINUTELY') and 'COUNT' not in parts:
            event.notes.append(f'{event.uid}: {parts["FREQ"]} rule expanded to at most {MAX_PER_SERIES}')
        rule = du_rrule.rrulestr(';'.join(f'{k}={v}' for k, v in parts.items()), dtstart=s.wall)
        limit = None
        if until:
            u = icalendar.prop.vDDDTypes.from_ical(until)
            limit = u
        count = 0
        for wall in rule:
            count += 1
            if count > MAX_PER_SERIES:
                break
            utc = s.utc(wall)
            if limit is not None:
                if isinstance(limit, dt.datetime) and limit.tzinfo is not None:
                    if utc > limit.astimezone(UTC):
                        break
                elif isinstance(limit, dt.datetime):
                    if wall > limit:
                        break
                elif wall.date() > limit:
                    break
            if utc >= stop_utc:
                break
            found.setdefault(utc, (wall, None))
    for m, raw in event.rdates:
        end = None
        if isinstance(raw, tuple):  # PERIOD: its own end or duration
            other = raw[1]
            end = (m.utc() + other) if isinstance(other, dt.timedelta) else other.astimezone(UTC) if other.tzinfo else other.replace(tzinfo=m.zone).astimezone(UTC)
        wall = m.wall if m.zone is s.zone or m.is_date else m.utc().astimezone(s.zone).replace(tzinfo=None)
        found.setdefault(m.utc() if not s.is_date else s.utc(wall), (wall, end))
    excluded = set()
    for m in event.exdates:
        if s.is_date or m.is_date:
            excluded.update(u for u, (wall, _) in found.items() if wall.date() == m.wall.date())
        else:
            excluded.add(m.utc())
    for utc in sorted(found):
        if utc not in excluded:
            yield found[utc][0], utc, found[utc][1]


def instance(event: Event, recurrence_id: dt.datetime | None, start_utc, end_utc) -> dict:
    return {
        'uid': event.uid,
        'recurrenceId': iso(recurrence_id) if recurrence_id is not None else None,
        'start': iso(start_utc),
        'end': iso(end_utc),
        'allDay': event.start.is_date,
        'status': event.status.lower(),
    }


def expand_uid(masters: list[Event], overrides: dict[dt.datetime, Event], window, notes) -> list[dict]:
    ws, we = window
    out = []
    by_date = {}
    for o in overrides.values():
        by_date.setdefault(o.recurrence_id.wall.date(), o)
    future = sorted((o for o in overrides.values() if o.this_and_future), key=lambda o: o.recurrence_id.utc())
    # The original start of the instance each override replaced: for an all-day series matched by
    # local date, the series' own start of that day, so the key is the slot, not the written time.
    replaced: dict[int, dt.datetime] = {}
    for master in masters:
        recurring = bool(master.rrules or master.rdates)
        longest = max([master.end_of(master.start.wall, master.start.utc()) - master.start.utc(), dt.timedelta(days=1)])
        for wall, utc, period_end in occurrences(master, we + DAY):
            if recurring and master is masters[0]:
                override = overrides.get(utc) or (by_date.get(wall.date()) if master.start.is_date else None)
                if override is not None:
                    replaced[id(override)] = utc
                    continue
            start, end = utc, period_end or master.end_of(wall, utc)
            for f in future:
                if f.recurrence_id.utc() < utc:
                    start = utc + (f.start.utc() - f.recurrence_id.utc())
                    end = start + (f.end_of(f.start.wall, f.start.utc()) - f.start.utc())
            if start > we + longest:
                break
            if overlaps(start, end, ws, we):
                out.append(instance(master, utc if recurring else None, start, end))
    for o in overrides.values():
        start = o.start.utc()
        end = o.end_of(o.start.wall, start)
        if overlaps(start, end, ws, we):
            out.append(instance(o, replaced.get(id(o), o.recurrence_id.utc()), start, end))
    return out


def overlaps(start, end, ws, we) -> bool:
    return start < we and end > ws if end > start else ws <= start < we


def window_for(events: list[Event]) -> tuple[dt.datetime, dt.datetime]:
    """From the earliest DTSTART's day for at least a year, to a month past the last DTSTART, at most three years."""
    starts = sorted(e.start.utc() for e in events)
    if not starts:
        return dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2025, 1, 1, tzinfo=UTC)
    first = starts[0].replace(hour=0, minute=0, second=0, microsecond=0)
    end = max(first + dt.timedelta(days=366), starts[-1] + dt.timedelta(days=32))
    end = min(end, first + dt.timedelta(days=3 * 366)).replace(hour=0, minute=0, second=0, microsecond=0)
    return first, end


def golden(path: pathlib.Path, window: tuple[dt.datetime, dt.datetime] | None) -> dict:
    notes: list[str] = []
    try:
        calendars = icalendar.Calendar.from_ical(path.read_bytes(), multiple=True)
    except Exception as exc:
        notes.append(f'python-icalendar refused the file ({exc}); its VEVENTs were read one by one'[:300])
        calendars = one_by_one(path.read_text('utf-8', 'replace'), notes)
        if not calendars:
            return {'refused': f'python-icalendar: {exc}'[:300], 'notes': notes}
    events: list[Event] = []
    for calendar in calendars:
        zones = Zones(calendar, notes)
        floating: dt.tzinfo = UTC
        wr = str(calendar.get('X-WR-TIMEZONE', '')).strip()
        if wr:
            floating = zones.get(wr) or UTC
        for comp in calendar.walk('VEVENT'):
            try:
                if comp.get('DTSTART') is None:
                    notes.append(f'{comp.get("UID")}: VEVENT without DTSTART skipped')
                    continue
                events.append(Event(comp, zones, floating, notes))
            except Exception as exc:
                notes.append(f'{comp.get("UID")}: skipped: {exc}'[:300])
    window = window or window_for(events)
    groups: dict[str, tuple[list[Event], dict[dt.datetime, Event]]] = {}
    for e in events:
        masters, overrides = groups.setdefault(e.uid, ([], {}))
        if e.recurrence_id is None:
            same = [m for m in masters if m.sequence != e.sequence]
            if same and max(m.sequence for m in same) > e.sequence:
                continue
            masters[:] = [m for m in masters if m.sequence >= e.sequence]
            masters.append(e)
        else:
            key = e.recurrence_id.utc()
            if key not in overrides or overrides[key].sequence <= e.sequence:
                overrides[key] = e
    instances = []
    for uid, (masters, overrides) in groups.items():
        try:
            instances.extend(expand_uid(masters, overrides, window, notes))
        except Exception as exc:
            notes.append(f'{uid}: not expanded: {exc}'[:300])
    instances.sort(key=lambda i: (i['start'], i['uid'], i['recurrenceId'] or '', i['end']))
    return {'window': {'start': iso(window[0]), 'end': iso(window[1])}, 'instances': instances, 'notes': notes}


def main(argv: list[str]) -> None:
    manifest = json.loads(MANIFEST.read_text())
    GOLDEN.mkdir(exist_ok=True)
    for entry in manifest['files']:
        if argv and entry['file'] not in argv:
            continue
        window = None
        if entry.get('window'):
            window = tuple(dt.datetime.fromisoformat(entry['window'][k].replace('Z', '+00:00')) for k in ('start', 'end'))
        result = golden(FILES / entry['file'], window)
        if 'window' in result:
            entry['window'] = result['window']
        result = {'file': entry['file'], **result}
        (GOLDEN / (entry['file'] + '.json')).write_text(json.dumps(result, indent=1, ensure_ascii=False) + '\n')
        print(f"{entry['file']}: {len(result.get('instances', []))} instances" + (' REFUSED' if 'refused' in result else ''))
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + '\n')


if __name__ == '__main__':
    main(sys.argv[1:])

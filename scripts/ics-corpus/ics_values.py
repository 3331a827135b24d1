"""Reading the parts of an ICS file the golden expander needs, on python-icalendar and dateutil.

Split from golden.py (which expands and writes the goldens): zones (IANA, the file's VTIMEZONE,
globally unique names), date values as written (wall time + zone), DURATION, and the fallback
that reads a file python-icalendar refuses VEVENT by VEVENT. See golden.py for the semantics.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from dateutil import tz as du_tz

UTC = dt.timezone.utc


class Zones:
    """TZID -> tzinfo: an IANA name first, else the file's VTIMEZONE (via dateutil's tzical)."""

    def __init__(self, calendar: icalendar.Calendar, notes: list[str]):
        self.notes = notes
        self.vtimezones: dict[str, bytes] = {}
        for comp in calendar.walk('VTIMEZONE'):
            tzid = str(comp.get('TZID', '')).strip()
            if tzid and tzid not in self.vtimezones:
                self.vtimezones[tzid] = comp.to_ical()
        self.cache: dict[str, dt.tzinfo | None] = {}

    def get(self, tzid: str) -> dt.tzinfo | None:
        tzid = tzid.strip().strip('"')
        if tzid not in self.cache:
            self.cache[tzid] = self._resolve(tzid)
        return self.cache[tzid]

    def _resolve(self, tzid: str) -> dt.tzinfo | None:
        try:
            return ZoneInfo(tzid)
        except (ZoneInfoNotFoundError, ValueError):
            pass
        raw = self.vtimezones.get(tzid)
        if raw is None and tzid.startswith('/'):
            # RFC 5545 section 3.2.19: a leading solidus names a zone in a global registry
            # (libical's /freeassociation.sourceforge.net/..., Mozilla's /mozilla.org/.../):
            # the tz database name is its longest tail that is one.
            parts = [p for p in tzid.split('/') if p]
            for i in range(len(parts)):
                try:
                    return ZoneInfo('/'.join(parts[i:]))
                except (ZoneInfoNotFoundError, ValueError):
                    continue
        if raw is not None:
            try:
                # One VTIMEZONE per text: take its zone whatever escaping its TZID was written with.
                parsed = du_tz.tzical(io.StringIO(raw.decode('utf-8', 'replace')))
                return parsed.get(parsed.keys()[0])
            except Exception as exc:  # dateutil refuses some hand-written VTIMEZONEs
                self.notes.append(f'VTIMEZONE "{tzid}" unreadable by dateutil: {exc}')
                return None
        self.notes.append(f'TZID "{tzid}" is neither an IANA name nor defined by a VTIMEZONE')
        return None


class Moment:
    """A DATE or DATE-TIME as written: its wall value, whether it is a date, and its zone."""

    def __init__(self, wall: dt.datetime, is_date: bool, zone: dt.tzinfo):
        self.wall, self.is_date, self.zone = wall, is_date, zone

    def utc(self, wall: dt.datetime | None = None) -> dt.datetime:
        local = (wall or self.wall).replace(tzinfo=self.zone)
        return du_tz.resolve_imaginary(local).astimezone(UTC)


def moment(value, params, zones: Zones, floating: dt.tzinfo) -> Moment:
    """The Moment of a parsed DATE/DATE-TIME value; its TZID parameter names the zone."""
    if isinstance(value, dt.datetime):
        tzid = params.get('TZID') if params else None
        if tzid:
            zone = zones.get(str(tzid)) or floating
            return Moment(value.replace(tzinfo=None), False, zone)
        if value.tzinfo is not None:
            return Moment(value.astimezone(UTC).replace(tzinfo=None), False, UTC)
        return Moment(value, False, floating)
    return Moment(dt.datetime(value.year, value.month, value.day), True, floating)


def values(component, name, notes: list[str]):
    """Every value of a (possibly repeated, possibly comma-separated) date property.

    A value python-icalendar could not read (e.g. RDATE:20131210Z, a DATE with a Z) is left out
    and noted, as a liberal reader skips one property and keeps the event.
    """
    props = component.get(name)
    if props is None:
        return []
    out = []
    for prop in props if isinstance(props, list) else [props]:
        for item in getattr(prop, 'dts', [prop]):
            value = getattr(item, 'dt', None)
            if value is None:
                notes.append(f'{component.get("UID")}: a {name} value python-icalendar could not read was left out')
                continue
            out.append((value, getattr(prop, 'params', {})))
    return out


def parse_duration(text: str) -> tuple[int, dt.timedelta]:
    """RFC 5545 section 3.3.6: (nominal days, exact time part)."""
    match = re.fullmatch(r'([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?', text.strip())
    if not match:
        raise ValueError(f'bad DURATION {text!r}')
    sign = -1 if match.group(1) == '-' else 1
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups()[1:])
    return sign * (weeks * 7 + days), sign * dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def one_by_one(text: str, notes: list[str]) -> list:
    """A calendar python-icalendar refuses as a whole, read component by component.

    Each VEVENT is wrapped in a calendar of its own with the file's calendar properties and every
    VTIMEZONE python-icalendar accepts; a VEVENT it still refuses is noted and left out. This
    mirrors what a liberal consumer does (skip the bad part, keep the rest) without our own parser
    for anything but BEGIN/END lines.
    """
    lines = re.sub(r'\r\n?', '\n', text).split('\n')
    blocks: list[tuple[str, list[str]]] = []
    header: list[str] = []
    depth, current, kind = 0, [], ''
    for line in lines:
        upper = line.upper()
        if depth == 0 and upper.startswith('BEGIN:') and upper[6:].strip() in ('VEVENT', 'VTIMEZONE'):
            depth, current, kind = 1, [line], upper[6:].strip()
            continue
        if depth > 0:
            current.append(line)
            if upper.startswith('BEGIN:'):
                depth += 1
            elif upper.startswith('END:'):
                depth -= 1
                if depth == 0:
                    blocks.append((kind, current))
            continue
        if upper.startswith('X-WR-') or upper.startswith('VERSION') or upper.startswith('PRODID'):
            header.append(line)
    wrap = lambda body: '\n'.join(['BEGIN:VCALENDAR', *header, *body, 'END:VCALENDAR', ''])
    zones: list[str] = []
    for kind, block in blocks:
        if kind != 'VTIMEZONE':
            continue
        try:
            icalendar.Calendar.from_ical(wrap(block))
            zones += block
        except Exception as exc:
            notes.append(f'VTIMEZONE refused by python-icalendar and left out: {exc}'[:300])
    calendars = []
    for kind, block in blocks:
        if kind != 'VEVENT':
            continue
        try:
            calendars.append(icalendar.Calendar.from_ical(wrap(zones + block)))
        except Exception as exc:
            uid = next((l[4:] for l in block if l.upper().startswith('UID:')), '?')
            notes.append(f'{uid}: VEVENT refused by python-icalendar and left out: {exc}'[:300])
    return calendars

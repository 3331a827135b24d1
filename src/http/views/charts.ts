/**
 * Chart geometry for the dashboard: plain data in, SVG coordinates out (pure, no JSX), so the
 * shapes can be tested without a browser and the views only draw what these functions say.
 * All lengths are SVG user units; the SVGs scale to their container through `viewBox`.
 */

export interface Segment {
  /** Series key, also the CSS class suffix (`seg-<key>`). */
  key: string;
  value: number;
}

export interface BarInput {
  label: string;
  segments: Segment[];
}

export interface BarGroupInput {
  label: string;
  bars: BarInput[];
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StackedBarsLayout {
  width: number;
  height: number;
  /** The value at the top of the axis (a "nice" number ≥ the tallest bar). */
  max: number;
  plot: Rect;
  ticks: Array<{ value: number; y: number }>;
  groups: Array<{ label: string; x: number; width: number }>;
  bars: Array<{ group: number; label: string; x: number; width: number; total: number; labelY: number }>;
  /** One rect per non-zero segment, bottom-up in the order given. */
  rects: Array<Rect & { key: string; value: number; group: number; bar: number }>;
}

/** The smallest 1, 2, 2.5 or 5 × 10^k that is ≥ `value` (≥ 1 for an empty chart). */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value - 1e-9) return step * magnitude;
  return 10 * magnitude;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Grouped stacked bars: groups side by side (a member each), bars inside a group (a week
 * each), segments stacked bottom-up (meeting, after hours, ...). Negative or missing values
 * draw nothing; the vertical scale is shared so bars compare across groups.
 */
export function layoutStackedBars(
  groups: readonly BarGroupInput[],
  options: { width?: number; height?: number; left?: number; bottom?: number; top?: number; groupGap?: number; barGap?: number; scaleAtLeast?: number } = {},
): StackedBarsLayout {
  const width = options.width ?? 960;
  const height = options.height ?? 280;
  const left = options.left ?? 36;
  const bottom = options.bottom ?? 44;
  const top = options.top ?? 12;
  const groupGap = options.groupGap ?? 18;
  const barGap = options.barGap ?? 3;
  const plot = { x: left, y: top, width: width - left - 8, height: height - top - bottom };
  const totals = groups.map((g) => g.bars.map((b) => b.segments.reduce((sum, s) => sum + Math.max(0, s.value), 0)));
  // `scaleAtLeast`: a reference line (a threshold) stays on the chart even when every bar is below it.
  const max = niceMax(Math.max(0, options.scaleAtLeast ?? 0, ...totals.flat()));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ value: round(max * f), y: round(plot.y + plot.height * (1 - f)) }));
  const groupWidth = groups.length > 0 ? (plot.width - groupGap * (groups.length - 1)) / groups.length : 0;
  const layout: StackedBarsLayout = { width, height, max, plot, ticks, groups: [], bars: [], rects: [] };
  groups.forEach((group, g) => {
    const gx = plot.x + g * (groupWidth + groupGap);
    layout.groups.push({ label: group.label, x: round(gx), width: round(groupWidth) });
    const n = group.bars.length;
    const barWidth = n > 0 ? (groupWidth - barGap * (n - 1)) / n : 0;
    group.bars.forEach((bar, b) => {
      const bx = gx + b * (barWidth + barGap);
      let y = plot.y + plot.height;
      for (const segment of bar.segments) {
        if (!(segment.value > 0)) continue;
        const h = (segment.value / max) * plot.height;
        y -= h;
        layout.rects.push({ x: round(bx), y: round(y), width: round(barWidth), height: round(h), key: segment.key, value: segment.value, group: g, bar: b });
      }
      layout.bars.push({ group: g, label: bar.label, x: round(bx), width: round(barWidth), total: round(totals[g]![b]!), labelY: round(plot.y + plot.height + 14) });
    });
  });
  return layout;
}

/** The y of `value` on a stacked-bars layout's vertical scale (for reference lines such as thresholds). */
export function yOf(layout: Pick<StackedBarsLayout, 'plot' | 'max'>, value: number): number {
  return round(layout.plot.y + layout.plot.height * (1 - Math.min(1, Math.max(0, value / layout.max))));
}

/**
 * A chart width that keeps every group readable (its label and bars at a fixed size) instead of
 * squeezing a large team into the page: the chart then scrolls inside its own box.
 */
export function chartWidth(groups: number, barsPerGroup: number, options: { barWidth?: number; minGroupWidth?: number; min?: number } = {}): number {
  // 34 units per bar: room for its 11 px week label ("Nov 16") without running into the next one.
  const group = Math.max(options.minGroupWidth ?? 96, barsPerGroup * ((options.barWidth ?? 34) + 3));
  return Math.max(options.min ?? 640, Math.round(44 + groups * group + Math.max(0, groups - 1) * 18));
}

/**
 * The direction of a series over the selected weeks: the last value against the mean of the
 * earlier ones, with a dead band of ±5 % (and ±0.25 h) so noise reads as flat.
 */
export function trend(values: readonly number[]): { direction: 'up' | 'down' | 'flat'; delta: number; percent: number | null } {
  if (values.length < 2) return { direction: 'flat', delta: 0, percent: null };
  const last = values[values.length - 1]!;
  const earlier = values.slice(0, -1);
  const base = earlier.reduce((a, b) => a + b, 0) / earlier.length;
  const delta = round(last - base);
  const percent = base > 0 ? Math.round((delta / base) * 100) : null;
  const significant = Math.abs(delta) >= 0.25 && (base === 0 || Math.abs(delta / base) >= 0.05);
  return { direction: !significant ? 'flat' : delta > 0 ? 'up' : 'down', delta, percent };
}

/** A polyline through values on a small sparkline box (points as an SVG `points` string). */
export function sparkline(values: readonly number[], width = 120, height = 32): string {
  if (values.length === 0) return '';
  const max = Math.max(...values, 0) || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values.map((v, i) => `${round(i * step)},${round(height - 2 - (v / max) * (height - 4))}`).join(' ');
}

/** Heat levels 0–5 for average meeting minutes in an hour cell: 0, ≤ 10, ≤ 20, ≤ 30, ≤ 45, more. */
export function heatLevel(minutes: number): number {
  if (!(minutes > 0)) return 0;
  if (minutes <= 10) return 1;
  if (minutes <= 20) return 2;
  if (minutes <= 30) return 3;
  if (minutes <= 45) return 4;
  return 5;
}

export interface HeatmapLayout {
  width: number;
  height: number;
  cell: { width: number; height: number };
  left: number;
  top: number;
  cells: Array<Rect & { day: number; hour: number; minutes: number; level: number }>;
  /** One outline per working range (weekday row, from its start to its end, fractional hours allowed). */
  outlines: Array<Rect & { day: number }>;
  hourLabels: Array<{ hour: number; x: number }>;
  dayLabels: Array<{ day: number; y: number }>;
}

/** A 7 × 24 grid (weekday rows, local-hour columns) with working ranges outlined. */
export function layoutHeatmap(
  minutes: readonly (readonly number[])[],
  working: ReadonlyArray<ReadonlyArray<readonly [number, number]>>,
  options: { cellWidth?: number; cellHeight?: number; left?: number; top?: number } = {},
): HeatmapLayout {
  const cw = options.cellWidth ?? 20;
  const ch = options.cellHeight ?? 16;
  const left = options.left ?? 34;
  const top = options.top ?? 16;
  const cells: HeatmapLayout['cells'] = [];
  for (let d = 0; d < 7; d++) {
    for (let h = 0; h < 24; h++) {
      const value = minutes[d]?.[h] ?? 0;
      cells.push({ x: left + h * cw, y: top + d * ch, width: cw, height: ch, day: d, hour: h, minutes: value, level: heatLevel(value) });
    }
  }
  const outlines: HeatmapLayout['outlines'] = [];
  for (let d = 0; d < 7; d++) {
    for (const [s, e] of working[d] ?? []) {
      if (e <= s) continue;
      outlines.push({ day: d, x: round(left + (s / 60) * cw), y: top + d * ch, width: round(((e - s) / 60) * cw), height: ch });
    }
  }
  return {
    width: left + 24 * cw + 4,
    height: top + 7 * ch + 4,
    cell: { width: cw, height: ch },
    left,
    top,
    cells,
    outlines,
    hourLabels: [0, 3, 6, 9, 12, 15, 18, 21].map((hour) => ({ hour, x: left + hour * cw })),
    dayLabels: Array.from({ length: 7 }, (_, day) => ({ day, y: top + day * ch + ch * 0.72 })),
  };
}

/** Pain levels 0–4 for one participant's pain in one occurrence (0 = inside their working hours). */
export function painLevel(pain: number): number {
  if (!(pain > 0)) return 0;
  if (pain <= 4) return 1;
  if (pain <= 16) return 2;
  if (pain <= 64) return 3;
  return 4;
}

export interface HorizontalBarsLayout {
  width: number;
  height: number;
  max: number;
  rows: Array<{ label: string; y: number; total: number; labelY: number; parts: Array<Rect & { key: string; value: number }> }>;
}

/**
 * Horizontal stacked bars, one row per item (the rotation burden ledger: carried-over history
 * then this series' pain), on a shared scale.
 */
export function layoutHorizontalBars(
  rows: ReadonlyArray<{ label: string; parts: Segment[] }>,
  options: { width?: number; rowHeight?: number; labelWidth?: number } = {},
): HorizontalBarsLayout {
  const width = options.width ?? 640;
  const rowHeight = options.rowHeight ?? 26;
  const labelWidth = options.labelWidth ?? 190;
  const plotWidth = width - labelWidth - 70;
  const totals = rows.map((r) => r.parts.reduce((s, p) => s + Math.max(0, p.value), 0));
  const max = niceMax(Math.max(0, ...totals));
  return {
    width,
    height: rows.length * rowHeight + 4,
    max,
    rows: rows.map((row, i) => {
      let x = labelWidth;
      const y = i * rowHeight + 4;
      const parts = row.parts
        .filter((p) => p.value > 0)
        .map((p) => {
          const w = (p.value / max) * plotWidth;
          const rect = { key: p.key, value: p.value, x: round(x), y, width: round(w), height: rowHeight - 8 };
          x += w;
          return rect;
        });
      return { label: row.label, y, total: round(totals[i]!), labelY: y + rowHeight / 2, parts };
    }),
  };
}

/** Where spans fall on a day timeline: `[start, end)` instants mapped onto `[x0, x0 + width)`, clipped. */
export function layoutTimeline<T extends { start: number; end: number }>(
  spans: readonly T[],
  window: { start: number; end: number },
  options: { x0?: number; width?: number } = {},
): Array<T & { x: number; width: number }> {
  const x0 = options.x0 ?? 0;
  const width = options.width ?? 600;
  const length = window.end - window.start;
  if (!(length > 0)) return [];
  return spans
    .map((s) => ({ s, a: Math.max(s.start, window.start), b: Math.min(s.end, window.end) }))
    .filter(({ a, b }) => b > a)
    .map(({ s, a, b }) => ({ ...s, x: round(x0 + ((a - window.start) / length) * width), width: round(((b - a) / length) * width) }));
}

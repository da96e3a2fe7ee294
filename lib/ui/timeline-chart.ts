import type { Decision } from '../model/rollout.js';
import { type Html, html } from './html.js';
import type { Point, Timeline, TimelineMarker } from './timeline-data.js';

const WIDTH = 1000;
const LEFT = 52;
const RIGHT = 14;
const LANE = 26;
const PANEL = 120;
const GAP = 44;
const HOVER_POINTS_MAX = 40;
const ROUTINE_MARKERS_MAX = 120;

interface Panel {
  top: number;
  height: number;
  lo: number;
  hi: number;
}

/** Colour of a marker by what the decision did: good news green, bad news red, people amber, routine grey. */
function markerTone(d: Decision): string {
  switch (d.action) {
    case 'approve':
    case 'promote':
      return 'var(--ok)';
    case 'complete':
      return d.rule === 'promoted' ? 'var(--ok)' : 'var(--bad)';
    case 'reject':
    case 'rollback':
    case 'abort':
      return 'var(--bad)';
    case 'request_approval':
    case 'pause':
      return 'var(--warn)';
    case 'advance':
    case 'resume':
      return 'var(--info)';
    default:
      return 'var(--idle)';
  }
}

const fmtAxis = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/**
 * The timeline as one inline SVG: canary weight (step line), success rate and p99 per analysis window
 * (canary against primary, guard-rails dashed), and a marker per decision whose `<title>` is its explanation
 * on hover. Every series and marker carries data attributes, so tests count what a person sees.
 */
export function renderTimelineChart(t: Timeline): Html {
  const span = t.end - t.start;
  const x = (at: number): number => LEFT + ((at - t.start) / span) * (WIDTH - LEFT - RIGHT);
  const rates = [...t.successRate.canary, ...t.successRate.primary].map((p) => p.value);
  const rateLo = Math.max(
    0,
    Math.floor((Math.min(100, ...rates, t.guardRails.minSuccessRate ?? 100) - 2) / 5) * 5,
  );
  const p99s = [...t.p99.canary, ...t.p99.primary].map((p) => p.value);
  const p99Hi = Math.max(10, ...p99s, t.guardRails.maxP99LatencyMs ?? 0) * 1.1;
  const weightPanel: Panel = { top: LANE + 26, height: PANEL * 0.8, lo: 0, hi: 100 };
  const ratePanel: Panel = {
    top: weightPanel.top + weightPanel.height + GAP,
    height: PANEL,
    lo: rateLo,
    hi: 100,
  };
  const p99Panel: Panel = { top: ratePanel.top + ratePanel.height + GAP, height: PANEL, lo: 0, hi: p99Hi };
  const height = p99Panel.top + p99Panel.height + 26;
  const y = (p: Panel, v: number): number => p.top + p.height - ((v - p.lo) / (p.hi - p.lo)) * p.height;

  const frame = (p: Panel, title: string, unit: string): Html => html`
<g class="panel"><text x="${LEFT}" y="${p.top - 8}" style="fill:var(--fg);font-weight:600">${title}</text>
<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${p.top + p.height}" y2="${p.top + p.height}" stroke="var(--line)"/>
<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${p.top}" y2="${p.top}" stroke="var(--grid)"/>
<text x="${LEFT - 6}" y="${p.top + 4}" text-anchor="end">${fmtAxis(p.hi)}${unit}</text>
<text x="${LEFT - 6}" y="${p.top + p.height + 4}" text-anchor="end">${fmtAxis(p.lo)}${unit}</text></g>`;

  const guard = (p: Panel, value: number | null, label: string): Html | null =>
    value === null
      ? null
      : html`<g class="guard-rail" data-value="${value}"><line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(p, value).toFixed(1)}" y2="${y(p, value).toFixed(1)}" stroke="var(--bad)" stroke-dasharray="6 4"/><text x="${WIDTH - RIGHT}" y="${(y(p, value) - 4).toFixed(1)}" text-anchor="end">${label}</text></g>`;

  const series = (p: Panel, points: Point[], name: string, colour: string, unit: string): Html => {
    const coords = points.map((pt) => `${x(pt.at).toFixed(1)},${y(p, pt.value).toFixed(1)}`);
    return html`<g class="series" data-series="${name}" data-points="${points.length}">
<polyline points="${coords.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>
<g fill="${colour}">${points.map((pt, i) => {
      const [cx, cy] = (coords[i] ?? '').split(',');
      // Values on hover while they are few; a long history keeps its points without, so the page stays small.
      return points.length > HOVER_POINTS_MAX
        ? html`<circle class="point" cx="${cx}" cy="${cy}" r="2.5"/>`
        : html`<circle class="point" cx="${cx}" cy="${cy}" r="3.5"><title>${name}: ${pt.value.toFixed(unit === 'ms' ? 0 : 2)}${unit} at ${clock(pt.at)}</title></circle>`;
    })}</g></g>`;
  };

  const weightPath = t.weight
    .map((pt, i) => {
      const px = x(pt.at).toFixed(1);
      const py = y(weightPanel, pt.value).toFixed(1);
      return i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    })
    .join('');

  // Routine holds are drawn while they are few; beyond that their runs are in the list, and the chart keeps
  // the decisions that changed something.
  const routineCount = t.markers.filter((m) => m.action === 'hold' || m.action === 'wait').length;
  const markers = t.markers.map((m, i) =>
    routineCount > ROUTINE_MARKERS_MAX && (m.action === 'hold' || m.action === 'wait')
      ? null
      : marker(m, i, x(m.at), height),
  );
  const ticks = timeTicks(t.start, t.end).map(
    (at, i, all) =>
      html`<text x="${x(at).toFixed(1)}" y="${height - 6}" text-anchor="${i === 0 ? 'start' : i === all.length - 1 ? 'end' : 'middle'}">${clock(at)}</text>`,
  );

  return html`<svg viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="chart-title" class="timeline">
<title id="chart-title">Canary weight, success rate and p99 latency over time, with a marker per decision (listed below the chart)</title>
${frame(weightPanel, 'Canary weight', '%')}
${frame(ratePanel, 'Success rate per window', '%')}
${frame(p99Panel, 'p99 latency per window', 'ms')}
<g class="series" data-series="weight" data-points="${t.weight.length}"><path d="${weightPath}" fill="none" stroke="var(--canary)" stroke-width="2.5"/></g>
${guard(ratePanel, t.guardRails.minSuccessRate, `guard-rail ${t.guardRails.minSuccessRate}%`)}
${guard(p99Panel, t.guardRails.maxP99LatencyMs, `guard-rail ${t.guardRails.maxP99LatencyMs}ms`)}
${series(ratePanel, t.successRate.primary, 'primary success rate', 'var(--primary)', '%')}
${series(ratePanel, t.successRate.canary, 'canary success rate', 'var(--canary)', '%')}
${series(p99Panel, t.p99.primary, 'primary p99', 'var(--primary)', 'ms')}
${series(p99Panel, t.p99.canary, 'canary p99', 'var(--canary)', 'ms')}
${markers}
${ticks}
</svg>`;
}

function marker(m: TimelineMarker, index: number, mx: number, height: number): Html {
  const colour = markerTone(m.decision);
  // Holds and waits can come every window for hours: small and unnumbered, so the decisions that change
  // something stay readable (every one is still numbered in the list below the chart).
  const routine = m.action === 'hold' || m.action === 'wait';
  const evidence = m.words.evidence.map((e) => `${e.topic}: ${e.words}`);
  const words = routine ? [m.words.headline, ...evidence] : [m.words.headline, m.words.why, ...evidence];
  return html`<a href="#decision-${m.runStart + 1}" class="marker" data-action="${m.action}"><title>${clock(m.at)} ${words.join(' — ')}</title>
${routine ? null : html`<line x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${LANE}" y2="${height - 22}" stroke="${colour}" stroke-opacity="0.35" stroke-dasharray="2 3"/>`}
${
  routine
    ? html`<circle cx="${mx.toFixed(1)}" cy="${LANE / 2 + 2}" r="4" fill="${colour}"/>`
    : html`<circle cx="${mx.toFixed(1)}" cy="${LANE / 2 + 2}" r="7" fill="${colour}"/>
<text x="${mx.toFixed(1)}" y="${LANE / 2 + 6}" text-anchor="middle" style="fill:var(--bg);font-size:10px;font-weight:700">${index + 1}</text>`
}</a>`;
}

/** HH:MM:SS UTC: pages render on the server, without a script to know the reader's zone. */
export const clock = (at: number): string => new Date(at).toISOString().slice(11, 19);

function timeTicks(start: number, end: number): number[] {
  const count = 5;
  return Array.from({ length: count }, (_, i) => start + ((end - start) * i) / (count - 1));
}

import type { RolloutStatus } from '../engine/engine.js';
import { isTerminal, PHASES, type Phase } from '../model/rollout.js';
import { html } from './html.js';
import { renderPage } from './page-shell.js';
import { activeFirst, phaseBadge, phaseLabel } from './phase-badge.js';
import { decisionInWords } from './plain-evidence.js';
import { ageInWords } from './time-words.js';

export interface ListPageInput {
  rollouts: RolloutStatus[];
  now: number;
  targets: string[];
  filters: { target?: string; phase?: Phase };
  /** The link of one rollout's page (signed like the list's when links are signed). */
  rolloutHref: (id: string) => string;
  /** Query parameters the filter form must carry along (the list link's signature). */
  hidden: Record<string, string>;
  refreshSeconds: number;
}

/** `/ui`: every rollout, active first, with where it stands and its last decision in plain words. */
export function renderListPage(input: ListPageInput): string {
  const { now, filters } = input;
  const rollouts = activeFirst(input.rollouts);
  const rows = rollouts.map((r) => {
    const last = r.lastDecision ? decisionInWords(r.lastDecision) : null;
    const step = r.stepIndex >= 0 ? `${r.stepIndex + 1}/${r.steps.length}` : '–';
    return html`<tr data-rollout="${r.id}" data-phase="${r.phase}">
<td><a href="${input.rolloutHref(r.id)}">${r.target}</a><div class="muted mono nowrap">${r.id}</div></td>
<td class="mono">${r.revision}</td>
<td>${phaseBadge(r.phase)}</td>
<td><span class="bar" aria-hidden="true"><span style="width:${r.canaryWeight}%"></span></span> ${r.canaryWeight}%</td>
<td class="hide-narrow">${step}</td>
<td class="hide-narrow">${ageInWords(Date.parse(r.createdAt), now)}</td>
<td>${last ? html`<div>${last.headline}</div><div class="muted">${last.why}</div>` : '–'}</td>
</tr>`;
  });
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : null}>${label}</option>`;
  const body = html`
<h1>Rollouts</h1>
<form class="filters" method="get" action="/ui">
${Object.entries(input.hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<label>Target<select name="target">${option('', 'all targets', !filters.target)}${input.targets.map((t) => option(t, t, filters.target === t))}</select></label>
<label>Phase<select name="phase">${option('', 'all phases', !filters.phase)}${PHASES.map((p) => option(p, phaseLabel(p), filters.phase === p))}</select></label>
<button type="submit">Filter</button>
</form>
${
  rows.length === 0
    ? html`<p class="empty">No rollouts${filters.target || filters.phase ? ' match these filters' : ' yet'}.</p>`
    : html`<table><thead><tr><th>Target</th><th>Revision</th><th>Phase</th><th>Weight</th><th class="hide-narrow">Step</th><th class="hide-narrow">Age</th><th>Last decision</th></tr></thead><tbody>${rows}</tbody></table>`
}`;
  const active = rollouts.some((r) => !isTerminal(r.phase));
  return renderPage({
    title: 'Rollouts',
    body,
    ...(active ? { refreshSeconds: input.refreshSeconds } : {}),
  });
}

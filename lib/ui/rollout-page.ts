import type { RolloutStatus } from '../engine/engine.js';
import { isTerminal } from '../model/rollout.js';
import { type Html, html } from './html.js';
import { renderPage } from './page-shell.js';
import { phaseBadge } from './phase-badge.js';
import type { DecisionInWords } from './plain-evidence.js';
import { ageInWords, utcTime } from './time-words.js';
import { clock, renderTimelineChart } from './timeline-chart.js';
import { buildTimeline, type GuardRails, markerRuns, type TimelineMarker } from './timeline-data.js';

export interface RolloutPageInput {
  status: RolloutStatus;
  now: number;
  guardRails: GuardRails | null;
  /** Link back to the list, when the reader may see it. */
  listHref: string | null;
  refreshSeconds: number;
}

/** `/ui/rollouts/{id}`: what happened and why, at a glance, then every decision in order. */
export function renderRolloutPage(input: RolloutPageInput): string {
  const { status, now } = input;
  const timeline = buildTimeline(status, now, input.guardRails);
  const steps = status.steps.length;
  const step = status.stepIndex >= 0 ? `step ${status.stepIndex + 1} of ${steps}` : 'before the first step';
  const latest = [...timeline.markers].reverse().find((m) => m.words.evidence.length > 0);
  const body = html`
<h1>${status.target} → ${status.revision}</h1>
<p>${phaseBadge(status.phase)} <span class="muted">· rollout <span class="mono">${status.id}</span> · started ${ageInWords(Date.parse(status.createdAt), now)} ago</span></p>
${status.reason ? html`<p><strong>${isTerminal(status.phase) ? 'Why it ended' : 'Reason'}:</strong> ${status.reason}</p>` : null}
<dl class="facts">
<div><dt>Canary weight</dt><dd>${status.canaryWeight}% <span class="bar" aria-hidden="true"><span style="width:${status.canaryWeight}%"></span></span></dd></div>
<div><dt>Step</dt><dd>${step}</dd></div>
<div><dt>Cluster</dt><dd>${status.cluster}</dd></div>
<div><dt>Image</dt><dd class="mono">${status.image ?? 'unchanged'}</dd></div>
<div><dt>Started</dt><dd>${utcTime(Date.parse(status.createdAt))}</dd></div>
<div><dt>Updated</dt><dd>${utcTime(Date.parse(status.updatedAt))}</dd></div>
</dl>
${
  latest
    ? html`<section aria-labelledby="evidence-title"><h2 id="evidence-title">Evidence at the last analysis (${clock(latest.at)} UTC)</h2>${evidenceList(latest.words)}</section>`
    : null
}
<section aria-labelledby="timeline-title">
<h2 id="timeline-title">Timeline</h2>
<div class="chart">${renderTimelineChart(timeline)}
<div class="legend"><span><i style="background:var(--canary)"></i>canary</span><span><i style="background:var(--primary)"></i>primary</span><span><i style="background:var(--bad)"></i>guard-rail</span><span>times in UTC; numbered circles are decisions</span></div>
</div>
</section>
<section aria-labelledby="decisions-title">
<h2 id="decisions-title">Decisions</h2>
${
  timeline.markers.length === 0
    ? html`<p class="empty">No decisions yet.</p>`
    : html`<ol class="decisions">${markerRuns(timeline.markers).map(({ first, last }) => {
        const m = timeline.markers[last] as TimelineMarker;
        const start = timeline.markers[first] as TimelineMarker;
        const count = last - first + 1;
        const when =
          count === 1
            ? `${first + 1}. ${clock(m.at)}`
            : `${first + 1}–${last + 1}. ${clock(start.at)}–${clock(m.at)}`;
        const what = count === 1 ? m.words.headline : `${m.words.headline} × ${count} (latest below)`;
        return html`<li id="decision-${first + 1}" data-action="${m.action}" data-count="${count}"><time datetime="${new Date(start.at).toISOString()}">${when}</time><div><div class="what">${what}</div><div>${m.words.why}</div>${evidenceList(m.words)}</div></li>`;
      })}</ol>`
}
</section>`;
  return renderPage({
    title: `${status.target} ${status.revision}`,
    body,
    ...(isTerminal(status.phase) ? {} : { refreshSeconds: input.refreshSeconds }),
    ...(input.listHref ? { back: { href: input.listHref, label: 'all rollouts' } } : {}),
  });
}

function evidenceList(words: DecisionInWords): Html | null {
  if (words.evidence.length === 0 && !words.expert) return null;
  return html`<ul class="evidence">${words.evidence.map(
    (e) => html`<li data-topic="${e.topic}"><strong>${e.topic}:</strong> ${e.words}</li>`,
  )}${words.expert ? html`<li class="expert"><span class="expert">${words.expert}</span></li>` : null}</ul>`;
}

import { isTerminal, type Phase } from '../model/rollout.js';
import { type Html, html, trusted } from './html.js';

type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'idle';

/** Colour and icon per phase: the icon carries the meaning too, for people who do not see the colour. */
const PHASES: Record<Phase, { label: string; tone: Tone; icon: string }> = {
  pending: {
    label: 'pending',
    tone: 'idle',
    icon: '<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="2"/>',
  },
  progressing: {
    label: 'progressing',
    tone: 'info',
    icon: '<path d="M4 2l10 6-10 6z" fill="currentColor"/>',
  },
  awaiting_approval: {
    label: 'awaiting approval',
    tone: 'warn',
    icon: '<path d="M8 1l7 13H1z" fill="currentColor"/>',
  },
  promoting: {
    label: 'promoting',
    tone: 'info',
    icon: '<path d="M8 1l6 8H10v6H6V9H2z" fill="currentColor"/>',
  },
  succeeded: {
    label: 'succeeded',
    tone: 'ok',
    icon: '<path d="M2 8l4 4 8-9" fill="none" stroke="currentColor" stroke-width="2.5"/>',
  },
  rolling_back: {
    label: 'rolling back',
    tone: 'bad',
    icon: '<path d="M12 2L2 8l10 6z" fill="currentColor"/>',
  },
  failed: {
    label: 'rolled back',
    tone: 'bad',
    icon: '<path d="M3 3l10 10M13 3L3 13" stroke="currentColor" stroke-width="2.5"/>',
  },
  paused: { label: 'paused', tone: 'warn', icon: '<path d="M4 2h3v12H4zM9 2h3v12H9z" fill="currentColor"/>' },
  superseded: {
    label: 'superseded',
    tone: 'idle',
    icon: '<path d="M2 2l6 6-6 6zM8 2l6 6-6 6z" fill="currentColor"/>',
  },
};

export const phaseLabel = (phase: Phase): string => PHASES[phase].label;

export function phaseBadge(phase: Phase): Html {
  const { label, tone, icon } = PHASES[phase];
  return html`<span class="phase phase-${tone}" data-phase="${phase}"><svg viewBox="0 0 16 16" aria-hidden="true">${trusted(icon)}</svg>${label}</span>`;
}

/** Active rollouts first (newest first among them), then the finished ones, newest first. */
export function activeFirst<T extends { phase: Phase; createdAt: string }>(rollouts: readonly T[]): T[] {
  return [...rollouts].sort(
    (a, b) =>
      Number(isTerminal(a.phase)) - Number(isTerminal(b.phase)) || b.createdAt.localeCompare(a.createdAt),
  );
}

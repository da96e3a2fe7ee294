import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../lib/engine/engine.js';
import { launchChromium } from '../../lib/local/chromium.js';
import { runDemo } from '../../lib/local/demo.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { type EmbeddedStack, startEmbeddedStack } from '../../lib/local/embedded-stack.js';
import { startTickLoop, type TickLoop } from '../../lib/local/tick-loop.js';
import { type ViewScope, viewLinkUrl } from '../../lib/signatures/view-link.js';
import { APPROVER, clientFor, e2eConfig, type FakeClock, fakeClock } from './stack.js';

/** Screenshots are kept as test artifacts (gitignored), one per page the test looked at. */
const ARTIFACTS = path.join('test-artifacts', 'ui');
const DAY = 24 * 3600 * 1000;

/** Windows in which a side served requests: the points its success-rate series must have. */
const windowsWith = (s: RolloutStatus, side: 'canary' | 'primary') =>
  s.history.filter((d) => {
    const w = d.metrics?.[side];
    return w && w.successCount + w.failureCount > 0;
  }).length;

describe('the pages in Chromium, against the real local stack with signed links', () => {
  let dynamo: DynamoDbLocal;
  let stack: EmbeddedStack;
  let clock: FakeClock;
  let loop: TickLoop;
  let browser: Browser;
  let healthy: RolloutStatus;
  let faulty: RolloutStatus;

  const link = (scope: ViewScope, at = clock.now()): string =>
    viewLinkUrl(stack.url, stack.secrets.viewSecret ?? '', scope, at);

  async function open(url: string, shot: string): Promise<{ page: Page; status: number }> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    const response = await page.goto(url, { waitUntil: 'load' });
    await page.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
    return { page, status: response?.status() ?? 0 };
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dynamo = await startDynamoDbLocal();
    clock = fakeClock();
    stack = await startEmbeddedStack({
      config: e2eConfig(),
      dynamo,
      clock: clock.now,
      logLevel: 'SILENT',
      seed: 3,
      openViews: false,
    });
    loop = startTickLoop(
      () => {
        clock.advance(30_000);
        return stack.tick();
      },
      5,
      (error) => {
        throw error;
      },
    );
    const outcome = await runDemo({
      stack,
      client: clientFor(stack, clock),
      target: 'podinfo',
      write: () => {},
      pollMs: 10,
      rolloutTimeoutMs: 60_000,
    });
    await loop.stop();
    healthy = outcome.healthy;
    faulty = outcome.faulty;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await loop?.stop();
    await stack?.close();
    await dynamo?.stop();
  });

  it('lists both demo rollouts with their phase, weight and last decision in plain words', async () => {
    const { page, status } = await open(link({ kind: 'list' }), 'list');
    expect(status).toBe(200);
    const rows = await page.$$eval('tbody tr', (trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-rollout'),
        phase: tr.getAttribute('data-phase'),
        text: tr.textContent ?? '',
        href: tr.querySelector('a')?.getAttribute('href') ?? '',
      })),
    );
    expect(rows.map((r) => [r.id, r.phase])).toEqual([
      [faulty.id, 'failed'],
      [healthy.id, 'succeeded'],
    ]);
    expect(rows[1]?.text).toContain('Promoted');
    expect(rows[0]?.text).toContain('Rolled back');
    // The rows carry the list link's signature: following one opens the timeline.
    const row = rows[1];
    expect(row?.href).toMatch(new RegExp(`^/ui/rollouts/${healthy.id}\\?exp=\\d+&sig=[0-9a-f]{64}$`));
    const next = await page.goto(`${stack.url}${row?.href}`);
    expect(next?.status()).toBe(200);
    expect(await page.$eval('h1', (h) => h.textContent)).toContain('6.5.1');

    // Filters are a plain GET form that keeps the signature.
    const filtered = await open(`${link({ kind: 'list' })}&phase=failed`, 'list-failed');
    expect(
      await filtered.page.$$eval('tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-rollout'))),
    ).toEqual([faulty.id]);
    expect(
      await filtered.page.$$eval('form.filters input[type=hidden]', (inputs) =>
        inputs.map((i) => i.getAttribute('name')),
      ),
    ).toEqual(['exp', 'sig']);
    await page.close();
    await filtered.page.close();
  });

  it('draws the promoted rollout: weight steps, a point per window, a marker per decision, the approver', async () => {
    const { page, status } = await open(link({ kind: 'rollout', id: healthy.id }), 'promoted');
    expect(status).toBe(200);
    const points = (series: string) =>
      page.$eval(`g.series[data-series="${series}"]`, (g) => g.querySelectorAll('circle.point').length);
    expect(await points('canary success rate')).toBe(windowsWith(healthy, 'canary'));
    expect(await points('primary success rate')).toBe(windowsWith(healthy, 'primary'));
    expect(windowsWith(healthy, 'canary')).toBeGreaterThanOrEqual(3);
    expect(await points('canary p99')).toBe(
      healthy.history.filter((d) => d.metrics?.canary?.p99Ms != null).length,
    );
    // The weight line climbs through every step and ends at 0 once the primary serves everything.
    const weights = await page.$eval('g.series[data-series="weight"] path', (p) => p.getAttribute('d') ?? '');
    expect(weights.match(/[MV]/g)?.length).toBeGreaterThanOrEqual(healthy.steps.length + 1);
    const markers = await page.$$eval('a.marker', (as) => as.map((a) => a.getAttribute('data-action')));
    expect(markers).toEqual(healthy.history.map((d) => d.action));
    expect(markers).toEqual(expect.arrayContaining(['advance', 'request_approval', 'approve', 'complete']));
    // Hover text: each marker's <title> explains it.
    const approveTitle = await page.$eval('a.marker[data-action="approve"] title', (t) => t.textContent);
    expect(approveTitle).toContain(`Approved by ${APPROVER}`);
    // The accessible list repeats every decision with its explanation.
    const items = await page.$$eval('ol.decisions > li', (lis) => lis.map((li) => li.textContent ?? ''));
    // Runs of like holds share an entry; the entries account for every decision.
    const counts = await page.$$eval('ol.decisions > li', (lis) =>
      lis.map((li) => Number(li.getAttribute('data-count'))),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(healthy.history.length);
    expect(items.join('\n')).toContain('Approval asked for promotion');
    expect(items.join('\n')).toMatch(/errors: as good as the primary \(ruled out \+[\d.]+pp\)/);
    expect(await page.$$eval('g.guard-rail', (gs) => gs.map((g) => g.getAttribute('data-value')))).toEqual([
      '95',
      '500',
    ]);
    // Finished: no refresh. No script anywhere.
    expect(await page.$$eval('meta[http-equiv="refresh"]', (m) => m.length)).toBe(0);
    expect(await page.$$eval('script', (s) => s.length)).toBe(0);
    await page.close();
  });

  it('draws the rolled-back rollout with the rollback and its evidence', async () => {
    const { page, status } = await open(link({ kind: 'rollout', id: faulty.id }), 'rolled-back');
    expect(status).toBe(200);
    const markers = await page.$$eval('a.marker', (as) => as.map((a) => a.getAttribute('data-action')));
    expect(markers).toEqual(faulty.history.map((d) => d.action));
    expect(markers).toContain('rollback');
    const rollback = faulty.history.find((d) => d.action === 'rollback');
    const title = await page.$eval('a.marker[data-action="rollback"] title', (t) => t.textContent ?? '');
    expect(title).toContain(`Rolling back from ${rollback?.weight}%`);
    expect(title).toContain(rollback?.explanation?.summary ?? rollback?.reason ?? '');
    expect(
      await page.$eval('g.series[data-series="canary success rate"]', (g) => g.getAttribute('data-points')),
    ).toBe(String(windowsWith(faulty, 'canary')));
    expect(await page.$eval('.phase', (p) => p.getAttribute('data-phase'))).toBe('failed');
    await page.close();
  });

  it('fits a phone screen and follows dark mode', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 390, height: 844, isMobile: true, deviceScaleFactor: 1 });
    const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor');
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await page.goto(link({ kind: 'rollout', id: healthy.id }), { waitUntil: 'load' });
    const light = await background();
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    const dark = await background();
    expect(light).toBe('rgb(255, 255, 255)');
    expect(dark).toBe('rgb(13, 17, 23)');
    // Nothing wider than the screen: no sideways scrolling.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(ARTIFACTS, 'promoted-phone-dark.png'), fullPage: true });
    await page.goto(link({ kind: 'list' }), { waitUntil: 'load' });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(ARTIFACTS, 'list-phone-dark.png'), fullPage: true });
    await page.close();
  });

  it('refuses expired, forged, missing and wrongly scoped links with a 401 page that says why', async () => {
    const expired = await open(link({ kind: 'rollout', id: healthy.id }, clock.now() - 8 * DAY), 'expired');
    expect(expired.status).toBe(401);
    expect(await expired.page.$eval('.refused', (r) => r.textContent)).toContain('expired');
    const good = new URL(link({ kind: 'rollout', id: healthy.id }));
    const sig = good.searchParams.get('sig') ?? '';
    good.searchParams.set('sig', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
    const forged = await open(good.toString(), 'forged');
    expect(forged.status).toBe(401);
    expect(await forged.page.$eval('.refused', (r) => r.textContent)).toContain('signature is not valid');
    // A rollout's link does not open another rollout, nor the list.
    const other = new URL(link({ kind: 'rollout', id: healthy.id }));
    other.pathname = `/ui/rollouts/${faulty.id}`;
    expect((await open(other.toString(), 'other-scope')).status).toBe(401);
    other.pathname = '/ui';
    expect((await open(other.toString(), 'list-with-rollout-link')).status).toBe(401);
    const missing = await open(`${stack.url}/ui`, 'missing');
    expect(missing.status).toBe(401);
    expect(await missing.page.$eval('.refused', (r) => r.textContent)).toContain('signed link');
    for (const p of [expired, forged, missing]) await p.page.close();
    const pages = await browser.pages();
    await Promise.all(pages.map((p) => p.close()));
  });

  it('answers a malformed id with 400 and an unknown one with 404, as pages', async () => {
    const bad = await open(link({ kind: 'rollout', id: 'Not_An_Id' }), 'bad-id');
    expect(bad.status).toBe(400);
    const unknown = await open(link({ kind: 'rollout', id: 'podinfo-99' }), 'unknown-id');
    expect(unknown.status).toBe(404);
    expect(await unknown.page.$eval('.refused', (r) => r.textContent)).toContain('podinfo-99');
    await bad.page.close();
    await unknown.page.close();
  });
});

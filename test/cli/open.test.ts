import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRolloutsApiHandler } from '../../functions/rollouts-api.js';
import type { CliContext } from '../../lib/cli/cli-context.js';
import { run as get } from '../../lib/cli/get.js';
import { run as open } from '../../lib/cli/open.js';
import { type HttpGateway, startHttpGateway } from '../../lib/local/http-gateway.js';
import { checkViewLink } from '../../lib/signatures/view-link.js';
import { appWith, NOW, SECRETS } from '../functions/fixtures.js';
import { quietLogger } from '../functions/lambda-events.js';
import { recordingEngine } from '../functions/recording-engine.js';

describe('aviary open and the link in aviary get rollout', () => {
  let gateway: HttpGateway;
  beforeAll(async () => {
    const handler = makeRolloutsApiHandler(async () => appWith(recordingEngine()), quietLogger());
    gateway = await startHttpGateway({
      routes: [
        { method: 'GET', path: '/rollouts', handler },
        { method: 'GET', path: '/rollouts/{id}', handler },
      ],
    });
  });
  afterAll(() => gateway?.close());

  function context(isTTY = true) {
    const out: string[] = [];
    const err: string[] = [];
    const opened: string[] = [];
    const ctx: CliContext = {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: {},
      clock: () => NOW,
      sleep: async () => {},
      isTTY,
    };
    const browse = (url: string) => opened.push(url) > 0;
    return { out, err, opened, ctx, browse };
  }

  const isSignedFor = (link: URL, id: string) =>
    checkViewLink(
      SECRETS.viewSecret ?? '',
      { kind: 'rollout', id },
      { exp: link.searchParams.get('exp') ?? '', sig: link.searchParams.get('sig') ?? '' },
      NOW,
    ).ok;

  it('prints the signed link the status API hands out for a rollout, and opens it on a terminal', async () => {
    const c = context();
    expect(await open(['podinfo-1', '--url', gateway.url], c.ctx, c.browse)).toBe(0);
    const link = new URL(c.out.join('').trim());
    expect(`${link.origin}${link.pathname}`).toBe(`${gateway.url}/ui/rollouts/podinfo-1`);
    expect(isSignedFor(link, 'podinfo-1')).toBe(true);
    expect(c.opened).toEqual([link.toString()]);
    // In a pipe or CI log it only prints.
    const piped = context(false);
    expect(await open(['podinfo-1', '--url', gateway.url], piped.ctx, piped.browse)).toBe(0);
    expect(piped.opened).toEqual([]);
  });

  it('prints the list link with --list and opens nothing with --no-browser', async () => {
    const c = context();
    expect(await open(['--list', '--no-browser', '--url', gateway.url], c.ctx, c.browse)).toBe(0);
    expect(new URL(c.out.join('').trim()).pathname).toBe('/ui');
    expect(c.opened).toEqual([]);
  });

  it('fails clearly for an unknown rollout and for bad arguments', async () => {
    const c = context();
    expect(await open(['podinfo-404', '--url', gateway.url], c.ctx, c.browse)).toBe(1);
    expect(c.err.join('')).toContain('podinfo-404');
    expect(await open(['--url', gateway.url], c.ctx, c.browse)).toBe(2);
    expect(await open(['a', 'b', '--url', gateway.url], c.ctx, c.browse)).toBe(2);
    expect(await open(['a', '--list', '--url', gateway.url], c.ctx, c.browse)).toBe(2);
    expect(c.out).toEqual([]);
    expect(c.opened).toEqual([]);
  });

  it('shows the page link in `aviary get rollout ID`', async () => {
    const c = context(false);
    expect(await get(['rollout', 'podinfo-1', '--url', gateway.url], c.ctx)).toBe(0);
    const line = c.out
      .join('')
      .split('\n')
      .find((l) => l.startsWith('Page:'));
    const link = new URL(line?.replace(/^Page:\s+/, '') ?? 'http://missing');
    expect(link.pathname).toBe('/ui/rollouts/podinfo-1');
    expect(isSignedFor(link, 'podinfo-1')).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeRolloutsApiHandler } from '../../functions/rollouts-api.js';
import { run } from '../../lib/cli/open.js';
import { type HttpGateway, startHttpGateway } from '../../lib/local/http-gateway.js';
import { checkViewLink } from '../../lib/signatures/view-link.js';
import { appWith, NOW, SECRETS } from '../functions/fixtures.js';
import { quietLogger } from '../functions/lambda-events.js';
import { recordingEngine } from '../functions/recording-engine.js';

describe('aviary open', () => {
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

  function deps() {
    const out: string[] = [];
    const opened: string[] = [];
    return {
      out,
      opened,
      deps: {
        fetch: (...args: Parameters<typeof fetch>) => fetch(...args),
        write: (text: string) => out.push(text),
        browse: (url: string) => opened.push(url) > 0,
        sessionUrl: () => gateway.url,
      },
    };
  }

  it('prints the signed link the status API hands out for a rollout, and opens it', async () => {
    const { out, opened, deps: d } = deps();
    expect(await run(['podinfo-1'], d)).toBe(0);
    const link = new URL(out.join('').trim());
    expect(`${link.origin}${link.pathname}`).toBe(`${gateway.url}/ui/rollouts/podinfo-1`);
    const params = { exp: link.searchParams.get('exp') ?? '', sig: link.searchParams.get('sig') ?? '' };
    expect(
      checkViewLink(SECRETS.viewSecret ?? '', { kind: 'rollout', id: 'podinfo-1' }, params, NOW).ok,
    ).toBe(true);
    expect(opened).toEqual([link.toString()]);
  });

  it('prints the list link with --list and opens nothing with --no-browser', async () => {
    const { out, opened, deps: d } = deps();
    expect(await run(['--list', '--no-browser'], d)).toBe(0);
    const link = new URL(out.join('').trim());
    expect(link.pathname).toBe('/ui');
    expect(opened).toEqual([]);
  });

  it('fails clearly for an unknown rollout and for bad arguments', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { out, deps: d } = deps();
      expect(await run(['podinfo-404'], d)).toBe(1);
      expect(String(err.mock.calls.at(-1)?.[0])).toContain('HTTP 404');
      expect(await run([], d)).toBe(2);
      expect(await run(['a', 'b'], d)).toBe(2);
      expect(await run(['a', '--list'], d)).toBe(2);
      expect(out).toEqual([]);
    } finally {
      err.mockRestore();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { makeRolloutsApiHandler } from '../../functions/rollouts-api.js';
import { appWith } from './fixtures.js';
import { httpEvent, lambdaContext, quietLogger, responseOf } from './lambda-events.js';
import { recordingEngine } from './recording-engine.js';

function setup() {
  const engine = recordingEngine();
  const handler = makeRolloutsApiHandler(async () => appWith(engine), quietLogger());
  const list = async (query?: Record<string, string>) =>
    responseOf(
      await handler(
        httpEvent({ method: 'GET', path: '/rollouts', ...(query ? { query } : {}) }),
        lambdaContext(),
      ),
    );
  const get = async (id: string, method = 'GET') =>
    responseOf(
      await handler(
        httpEvent({
          method,
          path: `/rollouts/${id}`,
          routeKey: 'GET /rollouts/{id}',
          pathParameters: { id },
        }),
        lambdaContext(),
      ),
    );
  return { engine, list, get };
}

describe('GET /rollouts', () => {
  it('lists rollouts, passing the validated target and limit to the engine', async () => {
    const { engine, list } = setup();
    const res = await list({ target: 'podinfo', limit: '5' });
    expect(res.status).toBe(200);
    const body = res.json as { rollouts: { id: string; phase: string; steps: number[] }[] };
    expect(body.rollouts.map((r) => [r.id, r.phase, r.steps])).toEqual([
      ['podinfo-1', 'pending', [10, 25, 50]],
    ]);
    expect(engine.calls).toEqual([{ method: 'list', options: { target: 'podinfo', limit: 5 } }]);
    await list();
    expect(engine.calls[1]).toEqual({ method: 'list', options: {} });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: '1000' }, 'limit'],
    [{ target: 'Not A Target' }, 'target'],
    [{ sort: 'asc' }, '(body)'],
  ])('refuses the query %o with 400 naming the field', async (query, field) => {
    const { engine, list } = setup();
    const res = await list(query);
    expect(res.status).toBe(400);
    const error = (res.json as { error: { code: string; details: { issues: { field: string }[] } } }).error;
    expect(error.code).toBe('invalid_query');
    expect(error.details.issues.map((i) => i.field)).toContain(field);
    expect(engine.calls).toEqual([]);
  });
});

describe('GET /rollouts/{id}', () => {
  it('returns the rollout status with its history', async () => {
    const { get } = setup();
    const res = await get('podinfo-1');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: 'podinfo-1',
      target: 'podinfo',
      revision: 'abc1234',
      phase: 'pending',
      createdAt: '2026-11-26T12:00:00.000Z',
      history: [{ action: 'start', rule: 'deploy_event' }],
    });
  });

  it('answers 404 JSON for an unknown rollout and 400 for a malformed id', async () => {
    const { get } = setup();
    const missing = await get('podinfo-99');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: 'not_found', message: 'no rollout "podinfo-99"' } });
    expect((await get('..%2Fsecrets')).status).toBe(400);
  });

  it('refuses other methods with 405', async () => {
    const { engine, get } = setup();
    expect((await get('podinfo-1', 'DELETE')).status).toBe(405);
    expect(engine.calls).toEqual([]);
  });
});

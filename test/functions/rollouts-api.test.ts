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
    expect(engine.calls).toEqual([{ method: 'page', options: { target: 'podinfo', limit: 5 } }]);
    expect((res.json as { cursor: unknown }).cursor).toBeNull();
    await list();
    expect(engine.calls[1]).toEqual({ method: 'page', options: {} });
    await list({ phase: 'failed', active: 'true', cursor: 'abc' });
    expect(engine.calls[2]).toEqual({
      method: 'page',
      options: { phase: 'failed', active: true, cursor: 'abc' },
    });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: '1000' }, 'limit'],
    [{ target: 'Not A Target' }, 'target'],
    [{ phase: 'done' }, 'phase'],
    [{ active: 'yes' }, 'active'],
    [{ cursor: 'x'.repeat(3000) }, 'cursor'],
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

describe('POST /rollouts/{id}/commands', () => {
  const IAM_ARN = 'arn:aws:iam::123456789012:role/deployer';
  function commandSetup(options: { open?: boolean } = {}) {
    const engine = recordingEngine();
    const app = { ...appWith(engine), ...(options.open ? { openCommands: true } : {}) };
    const handler = makeRolloutsApiHandler(async () => app, quietLogger());
    const send = async (id: string, body: unknown, arn: string | null = IAM_ARN) => {
      const event = httpEvent({
        method: 'POST',
        path: `/rollouts/${id}/commands`,
        routeKey: 'POST /rollouts/{id}/commands',
        pathParameters: { id },
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      if (arn)
        (event.requestContext as unknown as Record<string, unknown>).authorizer = { iam: { userArn: arn } };
      return responseOf(await handler(event, lambdaContext()));
    };
    return { engine, send };
  }

  it('runs the command as the IAM principal that signed the request', async () => {
    const { engine, send } = commandSetup();
    const res = await send('podinfo-1', { command: 'pause', reason: 'incident' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ message: `pause by ${IAM_ARN}`, rollout: { id: 'podinfo-1' } });
    expect(engine.calls).toContainEqual({
      method: 'command',
      ref: 'podinfo-1',
      command: { kind: 'pause', actor: IAM_ARN, via: 'api', reason: 'incident' },
    });
  });

  it('refuses a caller without an IAM principal unless the stack is the local one', async () => {
    const closed = commandSetup();
    const res = await closed.send('podinfo-1', { command: 'pause' }, null);
    expect(res.status).toBe(403);
    expect(closed.engine.calls).toEqual([]);
    const open = commandSetup({ open: true });
    expect((await open.send('podinfo-1', { command: 'pause' }, null)).status).toBe(200);
    expect(open.engine.calls).toContainEqual(
      expect.objectContaining({
        method: 'command',
        command: expect.objectContaining({ actor: 'local:cli' }),
      }),
    );
  });

  it.each([
    [{ command: 'explode' }, 422, 'command'],
    [{ command: 'promote' }, 422, 'reason'],
    [{ command: 'pause', revision: 'bad revision!' }, 422, 'revision'],
    [{ command: 'pause', extra: 1 }, 422, '(body)'],
    ['not json', 400, null],
  ])('refuses %o with %i and changes nothing', async (body, status, field) => {
    const { engine, send } = commandSetup();
    const res = await send('podinfo-1', body);
    expect(res.status).toBe(status);
    if (field) {
      const error = (res.json as { error: { details: { issues: { field: string }[] } } }).error;
      expect(error.details.issues.map((i) => i.field)).toContain(field);
    }
    expect(engine.calls.filter((c) => c.method === 'command' || c.method === 'retry')).toEqual([]);
  });

  it('starts a retry as a new rollout (202)', async () => {
    const { engine, send } = commandSetup();
    const res = await send('podinfo-1', { command: 'retry' });
    expect(res.status).toBe(202);
    expect(engine.calls).toContainEqual({
      method: 'retry',
      ref: 'podinfo-1',
      input: { actor: IAM_ARN, via: 'api' },
    });
  });
});

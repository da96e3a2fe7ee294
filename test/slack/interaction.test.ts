import { describe, expect, it } from 'vitest';
import { blockActionsBody } from '../../lib/slack/block-actions-body.js';
import { parseSlackBody } from '../../lib/slack/parse-slack-body.js';
import { readJsonVector, readVector } from '../support/vectors.js';

type Payload = { actions: { action_id: string; value: string }[] } & Record<string, unknown>;

const docsPayload = readJsonVector<Payload>('slack_block_actions_payload.slack-docs.json');
const boltPayload = readJsonVector<Payload>('slack_block_actions_payload.bolt-python-test.json');

/** The docs payload with its button turned into one of Aviary's. */
function withAction(payload: Payload, actionId: string, value: string): string {
  const next = { ...payload, actions: [{ ...payload.actions[0], action_id: actionId, value }] };
  return new URLSearchParams({ payload: JSON.stringify(next) }).toString();
}

const bound = JSON.stringify({ rolloutId: 'podinfo-3', revision: 'abc1234', gate: 'promotion' });

describe('block_actions interactivity payloads', () => {
  it("acknowledges the docs example (another app's button) without a command", () => {
    expect(parseSlackBody(readVector('slack_block_actions_body.DERIVED.txt'))).toEqual({
      kind: 'ignored',
      reason: 'no Aviary action in the payload',
    });
  });

  it("turns Aviary's approve and reject buttons into bound commands by the clicking user", () => {
    expect(parseSlackBody(withAction(docsPayload, 'aviary_approve', bound))).toEqual({
      kind: 'command',
      via: 'button',
      ref: 'podinfo-3',
      command: { kind: 'approve', actor: 'UA8RXUSPL', revision: 'abc1234', gate: 'promotion' },
      // Where the click was made: the workspace and app it must come from.
      origin: { teamId: 'T9TK3CUKW', appId: 'AABA1ABCD' },
      // Kept so that a refusal can be explained to the clicking user privately.
      responseUrl: docsPayload.response_url,
    });
    expect(parseSlackBody(withAction(boltPayload, 'aviary_reject', bound))).toEqual({
      kind: 'command',
      via: 'button',
      ref: 'podinfo-3',
      command: { kind: 'reject', actor: 'W111', revision: 'abc1234', gate: 'promotion' },
      origin: { teamId: 'T111', enterpriseId: 'E111', appId: 'A111' },
      responseUrl: boltPayload.response_url,
    });
  });

  it('refuses a button whose value is not the bound rollout, revision and gate', () => {
    for (const value of [
      'click_me_123',
      JSON.stringify({ rolloutId: 'podinfo-3', revision: 'abc1234' }),
      JSON.stringify({ rolloutId: 'podinfo-3', revision: 'abc1234', gate: 'everything' }),
      JSON.stringify({ rolloutId: 'podinfo-3', revision: 'a b', gate: 'promotion' }),
    ]) {
      expect(parseSlackBody(withAction(docsPayload, 'aviary_approve', value)).kind, value).toBe('invalid');
    }
  });

  it('calls a payload that is not JSON, or a block_actions without a user, invalid', () => {
    expect(parseSlackBody('payload=%7Bnot-json')).toMatchObject({ kind: 'invalid' });
    const { user: _user, ...anonymous } = docsPayload;
    expect(
      parseSlackBody(new URLSearchParams({ payload: JSON.stringify(anonymous) }).toString()),
    ).toMatchObject({
      kind: 'invalid',
    });
  });

  it('ignores interaction types Aviary does not register for', () => {
    const body = new URLSearchParams({
      payload: JSON.stringify({ ...docsPayload, type: 'view_submission' }),
    });
    expect(parseSlackBody(body.toString())).toMatchObject({ kind: 'ignored' });
  });

  it('builds click bodies the parser reads back (used by the local demo)', () => {
    const body = blockActionsBody({
      userId: 'U0APPROVER',
      decision: 'reject',
      value: { rolloutId: 'podinfo-7', revision: 'f95f852', gate: 'step:1' },
    });
    expect(body.startsWith('payload=')).toBe(true);
    expect(parseSlackBody(body)).toEqual({
      kind: 'command',
      via: 'button',
      ref: 'podinfo-7',
      command: { kind: 'reject', actor: 'U0APPROVER', revision: 'f95f852', gate: 'step:1' },
      origin: { teamId: 'T0AVIARY', appId: 'A0AVIARY' },
    });
  });
});

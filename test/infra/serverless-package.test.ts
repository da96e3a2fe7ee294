import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFIER_SECRETS } from '../../lib/app/lambda-parts.js';
import { SECRET_NAMES } from '../../lib/app/secrets.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OSLS = path.join(ROOT, 'node_modules', '.bin', 'osls');

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: string[];
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

let dir: string;
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'aviary-package-'));
  // Offline: dummy credentials, no telemetry; nothing is sent to AWS by `package`.
  await promisify(execFile)(OSLS, ['package', '--package', dir, '--stage', 'test', '--region', 'eu-west-1'], {
    cwd: ROOT,
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_REGION: 'eu-west-1',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    },
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const template = JSON.parse(
    readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
  resources = template.Resources;
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('serverless.yml packaged with osls + serverless-esbuild', () => {
  it('routes the HTTP API to the functions; only the status and commands API needs IAM-signed requests (its pages check signed links)', () => {
    const routes = Object.fromEntries(
      ofType('AWS::ApiGatewayV2::Route').map(([, r]) => [
        r.Properties.RouteKey,
        r.Properties.AuthorizationType ?? 'NONE',
      ]),
    );
    expect(routes).toEqual({
      'POST /webhooks/deploy': 'NONE',
      'POST /webhooks/github': 'NONE',
      'POST /webhooks/slack': 'NONE',
      'GET /rollouts': 'AWS_IAM',
      'GET /rollouts/{id}': 'AWS_IAM',
      'POST /rollouts/{id}/commands': 'AWS_IAM',
      'GET /ui': 'NONE',
      'GET /ui/rollouts/{id}': 'NONE',
    });
    for (const [, integration] of ofType('AWS::ApiGatewayV2::Integration')) {
      expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
    }
  });

  it('runs every function on nodejs22.x arm64, traced by X-Ray, with the table, the config and the secrets prefix', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([name]) => name).sort()).toEqual([
      'ClusterWorkerLambdaFunction',
      'DeployEventLambdaFunction',
      'DeployWebhookLambdaFunction',
      'GithubWebhookLambdaFunction',
      'RolloutsApiLambdaFunction',
      'SlackWebhookLambdaFunction',
      'TickLambdaFunction',
    ]);
    for (const [name, fn] of functions) {
      expect(fn.Properties.TracingConfig, name).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Runtime, name).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, name).toEqual(['arm64']);
      expect((fn.Properties.Environment as { Variables: Json }).Variables).toMatchObject({
        TABLE_NAME: { Ref: 'RolloutsTable' },
        AVIARY_CONFIG: '/var/task/aviary.config.yaml',
        AVIARY_SECRETS_PREFIX: '/aviary/test',
        POWERTOOLS_SERVICE_NAME: 'aviary',
        AVIARY_PUBLIC_URL: { 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] },
      });
      // No function runs before its own role exists.
      const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(fn.DependsOn, name).toContain(role);
    }
  });

  it('ticks every minute and routes "Aviary Deployment" events from aviary.ci to deployEvent', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const schedule = rules.find((r) => r.ScheduleExpression);
    expect(schedule).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [{ Arn: { 'Fn::GetAtt': ['TickLambdaFunction', 'Arn'] } }],
    });
    const deploy = rules.find((r) => r.EventPattern);
    expect(deploy).toMatchObject({
      EventPattern: { source: ['aviary.ci'], 'detail-type': ['Aviary Deployment'] },
      Targets: [{ Arn: { 'Fn::GetAtt': ['DeployEventLambdaFunction', 'Arn'] } }],
    });
  });

  it('sends failed async invocations (tick, deployEvent) to the SQS dead-letter queue', () => {
    expect(resources.AsyncDeadLetterQueue?.Type).toBe('AWS::SQS::Queue');
    const configs = Object.fromEntries(
      ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => [
        (r.Properties.FunctionName as { Ref: string }).Ref,
        r.Properties.DestinationConfig,
      ]),
    );
    const toDlq = { OnFailure: { Destination: { 'Fn::GetAtt': ['AsyncDeadLetterQueue', 'Arn'] } } };
    expect(configs).toEqual({ TickLambdaFunction: toDlq, DeployEventLambdaFunction: toDlq });
  });

  it('feeds the cluster worker from a FIFO queue with partial batch failures, a dead-letter queue and alarms', () => {
    const queue = resources.WorkQueue as Resource;
    expect(queue.Properties).toMatchObject({
      FifoQueue: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['WorkDeadLetterQueue', 'Arn'] } },
    });
    // Lambda's SQS trigger wants the visibility timeout at six times the function's timeout or more.
    const worker = resources.ClusterWorkerLambdaFunction as Resource;
    expect(queue.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(
      6 * (worker.Properties.Timeout as number),
    );
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    expect(mappings).toEqual([
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
        FunctionName: { 'Fn::GetAtt': ['ClusterWorkerLambdaFunction', 'Arn'] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    ]);
    const tick = resources.TickLambdaFunction as Resource;
    expect((tick.Properties.Environment as { Variables: Json }).Variables.WORK_QUEUE_URL).toEqual({
      Ref: 'WorkQueue',
    });
    const alarms = Object.fromEntries(
      ofType('AWS::CloudWatch::Alarm').map(([, r]) => [r.Properties.MetricName, r.Properties]),
    );
    expect(Object.keys(alarms).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'ClustersUnreachable',
      'RolloutErrors',
    ]);
    const dlqAlarms = ofType('AWS::CloudWatch::Alarm')
      .map(([, r]) => r.Properties)
      .filter((p) => p.Namespace === 'AWS/SQS')
      .map((p) => JSON.stringify(p.Dimensions));
    expect(dlqAlarms).toEqual([
      expect.stringContaining('AsyncDeadLetterQueue'),
      expect.stringContaining('WorkDeadLetterQueue'),
    ]);
    for (const name of ['RolloutErrors', 'ClustersUnreachable']) {
      expect(alarms[name]).toMatchObject({
        Namespace: 'Aviary',
        Dimensions: [{ Name: 'service', Value: 'aviary' }],
      });
    }
  });

  it('creates the table with point-in-time recovery, encryption at rest and TTL', () => {
    const table = resources.RolloutsTable;
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    expect(table?.Properties).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { Enabled: true, AttributeName: expect.any(String) },
    });
  });

  it('gives each function its own role with exactly the actions it uses, and no other policy exists', () => {
    const roles = rolesByFunction();
    expect(new Set(Object.values(roles)).size).toBe(Object.keys(roles).length);
    // Every grant is inline in a function's role: no policy or managed policy attaches more elsewhere.
    expect(ofType('AWS::IAM::Policy')).toEqual([]);
    expect(ofType('AWS::IAM::ManagedPolicy')).toEqual([]);
    expect(
      ofType('AWS::IAM::Role')
        .map(([name]) => name)
        .sort(),
    ).toEqual(Object.values(roles).sort());

    const actions = Object.fromEntries(
      Object.entries(roles).map(([fn, role]) => [
        fn,
        [...new Set(statementsOf(role).flatMap((s) => asArray(s.Action)))].sort(),
      ]),
    );
    expect(actions).toEqual(
      Object.fromEntries(
        Object.entries(EXTRA_ACTIONS).map(([fn, extra]) => [fn, [...COMMON_ACTIONS, ...extra].sort()]),
      ),
    );
    for (const role of Object.values(roles)) {
      const trust = resources[role]?.Properties.AssumeRolePolicyDocument as { Statement: Json[] };
      expect(trust.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
      ]);
    }
  });

  it('lets each function read only its own secrets, its own log group, and only the Slack webhook invoke (itself)', () => {
    const roles = rolesByFunction();
    for (const [fn, role] of Object.entries(roles)) {
      const statements = statementsOf(role);
      const secretResources = statements
        .filter((s) => asArray(s.Action).some((a) => a.startsWith('ssm:') || a.startsWith('secretsmanager:')))
        .flatMap((s) => asArray(s.Resource).map(render));
      const expected = [...NOTIFIER_SECRETS, ...(OWN_SECRETS[fn] ?? [])].map((key) => SECRET_NAMES[key]);
      const parameters = secretResources.filter((r) => r.includes(':parameter/'));
      const secrets = secretResources.filter((r) => r.includes(':secret:'));
      expect(parameters.map((r) => r.split(':parameter/aviary/test/')[1]).sort(), fn).toEqual(
        [...expected].sort(),
      );
      // Secrets Manager ARNs end in six random characters, matched by exactly six '?'.
      expect(secrets.map((r) => r.split(':secret:/aviary/test/')[1]).sort(), fn).toEqual(
        expected.map((name) => `${name}-??????`).sort(),
      );
      const logs = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('logs:')));
      expect(
        logs.flatMap((s) => asArray(s.Resource).map(render)),
        fn,
      ).toEqual([expect.stringMatching(new RegExp(`:log-group:/aws/lambda/aviary-test-${fn}:\\*$`))]);
      const invokes = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('lambda:')));
      expect(
        invokes.flatMap((s) => asArray(s.Resource).map(render)),
        fn,
      ).toEqual(fn === 'slackWebhook' ? [expect.stringMatching(/:function:aviary-test-slackWebhook$/)] : []);
    }
  });

  it('grants no wildcard action, account or region; DynamoDB only on the table, deletes only of request claims', () => {
    const roles = rolesByFunction();
    for (const [fn, role] of Object.entries(roles)) {
      const statements = statementsOf(role);
      for (const s of statements) {
        expect(s.Effect).toBe('Allow');
        for (const action of asArray(s.Action)) expect(action).not.toMatch(/\*/);
        // X-Ray's two write actions have no resource-level permissions: '*' is the only resource they take.
        if (asArray(s.Action).every((a) => a.startsWith('xray:'))) {
          expect(asArray(s.Action).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
          expect(s.Resource).toBe('*');
          continue;
        }
        for (const resource of asArray(s.Resource).map(render)) {
          expect(resource, fn).not.toBe('*');
          if (!resource.startsWith('arn:')) {
            expect(resource, fn).toMatch(/^\$\{[A-Za-z]+\.Arn\}/);
            continue;
          }
          // The stack's own partition, region and account (CloudFormation pseudo parameters), never a wildcard.
          const [, partition, service, region, account] = resource
            .replaceAll(PSEUDO.partition, 'PARTITION')
            .replaceAll(PSEUDO.region, 'REGION')
            .replaceAll(PSEUDO.account, 'ACCOUNT')
            .split(':');
          expect(partition, resource).toBe('PARTITION');
          expect(account, resource).toBe('ACCOUNT');
          // IAM is global (no region in its ARNs); every other ARN names the stack's region.
          expect(region, resource).toBe(service === 'iam' ? '' : 'REGION');
        }
      }
      const dynamo = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
      for (const s of dynamo) {
        for (const resource of asArray(s.Resource).map(render))
          expect(resource).toMatch(/^\$\{RolloutsTable\.Arn\}(\/index\/(active|byTarget|byCreated))?$/);
        if (asArray(s.Action).includes('dynamodb:DeleteItem')) {
          expect(asArray(s.Action)).toEqual(['dynamodb:DeleteItem']);
          expect(s.Condition).toEqual({
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REQUEST#*'] },
          });
        }
      }
    }
  });

  it('reaches clusters and metrics only from the cluster worker, which alone is mapped into the clusters', () => {
    const roles = rolesByFunction();
    for (const [fn, role] of Object.entries(roles)) {
      const reaches = statementsOf(role)
        .flatMap((s) => asArray(s.Action))
        .filter((a) => /^(eks|sts|aps):/.test(a));
      expect(reaches.sort(), fn).toEqual(
        fn === 'clusterWorker' ? ['aps:QueryMetrics', 'eks:DescribeCluster', 'sts:AssumeRole'] : [],
      );
    }
    expect(resources.AviaryEksAccessEntry?.Properties.PrincipalArn).toEqual({
      'Fn::GetAtt': [roles.clusterWorker, 'Arn'],
    });
  });

  it('throttles the HTTP API and reserves concurrency for every function', () => {
    const stage = resources.HttpApiStage as Resource;
    const settings = stage.Properties.DefaultRouteSettings as Json;
    expect(settings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(settings.ThrottlingBurstLimit).toBeGreaterThanOrEqual(settings.ThrottlingRateLimit as number);
    const reserved = Object.fromEntries(
      ofType('AWS::Lambda::Function').map(([name, fn]) => [name, fn.Properties.ReservedConcurrentExecutions]),
    );
    for (const [name, value] of Object.entries(reserved)) expect(value, name).toBeGreaterThanOrEqual(1);
    // One tick at a time; the Slack webhook's follow-ups (self-invocations) share its reserve with its answers.
    expect(reserved.TickLambdaFunction).toBe(1);
    expect(reserved.SlackWebhookLambdaFunction as number).toBeGreaterThanOrEqual(2);
    // The queue's poller never scales past the worker's reserve (throttled batches would be retried late).
    const scaling = ofType('AWS::Lambda::EventSourceMapping')[0]?.[1].Properties.ScalingConfig as Json;
    expect(scaling.MaximumConcurrency as number).toBeLessThanOrEqual(
      reserved.ClusterWorkerLambdaFunction as number,
    );
  });

  it('packages each function as a minified ES module bundle with the configuration beside it, and the bundle loads', async () => {
    const entries = readZip(readFileSync(path.join(dir, 'tick.zip')));
    // No source map unless the stage asks for one (`--param="sourceMaps=true"`).
    expect(Object.keys(entries).sort()).toEqual(['aviary.config.yaml', 'functions/tick.mjs']);
    for (const [name, fn] of ofType('AWS::Lambda::Function')) {
      expect((fn.Properties.Environment as { Variables: Json }).Variables.NODE_OPTIONS, name).toBe('');
    }
    // Minified: far fewer lines than bytes would give unminified code.
    const code = entries['functions/tick.mjs']?.toString('utf8') ?? '';
    expect(code.split('\n').length).toBeLessThan(code.length / 1000);
    expect(entries['aviary.config.yaml']?.toString('utf8')).toBe(
      readFileSync(path.join(ROOT, 'aviary.config.yaml'), 'utf8'),
    );
    const unpacked = path.join(dir, 'unpacked');
    for (const [name, data] of Object.entries(entries)) {
      mkdirSync(path.dirname(path.join(unpacked, name)), { recursive: true });
      writeFileSync(path.join(unpacked, name), data);
    }
    const bundle = (await import(pathToFileURL(path.join(unpacked, 'functions', 'tick.mjs')).href)) as Json;
    expect(typeof bundle.handler).toBe('function');
  });
});

/** What every function's role allows: logs, traces, the table, the notifier (events, its secrets), its own secret. */
const COMMON_ACTIONS = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Query',
  'events:PutEvents',
  'ssm:GetParameter',
  'secretsmanager:GetSecretValue',
];

/** What each function does beyond the common part (written independently of infra/function-roles.yml). */
const EXTRA_ACTIONS: Record<string, string[]> = {
  deployWebhook: ['dynamodb:DeleteItem'],
  githubWebhook: [],
  slackWebhook: ['dynamodb:DeleteItem', 'lambda:InvokeFunction'],
  rolloutsApi: [],
  deployEvent: ['sqs:SendMessage'],
  tick: ['sqs:SendMessage'],
  clusterWorker: [
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'eks:DescribeCluster',
    'sts:AssumeRole',
    'aps:QueryMetrics',
  ],
};

/** The secrets each function passes to its composition beyond the notifier's (functions/*.ts). */
const OWN_SECRETS: Partial<Record<string, (keyof typeof SECRET_NAMES)[]>> = {
  deployWebhook: ['deploySecret'],
  githubWebhook: ['githubWebhookSecret'],
  slackWebhook: ['slackSigningSecret'],
};

/** CloudFormation's pseudo parameters as they appear in `Fn::Sub`. */
const PSEUDO = {
  partition: '$' + '{AWS::Partition}',
  region: '$' + '{AWS::Region}',
  account: '$' + '{AWS::AccountId}',
};

/** serverless.yml's function name → the logical id of its role. */
function rolesByFunction(): Record<string, string> {
  return Object.fromEntries(
    ofType('AWS::Lambda::Function').map(([name, fn]) => {
      const role = fn.Properties.Role as { 'Fn::GetAtt'?: [string, string] };
      expect(role['Fn::GetAtt']?.[1], name).toBe('Arn');
      const short = name.replace(/LambdaFunction$/, '');
      return [short.charAt(0).toLowerCase() + short.slice(1), role['Fn::GetAtt']?.[0] ?? ''];
    }),
  );
}

function statementsOf(role: string): Statement[] {
  const policies = (resources[role]?.Properties.Policies ?? []) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

/** A resource as one string: references kept as `${Name}` / `${Name.Attribute}`, joins joined. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Json;
  if (typeof v['Fn::Sub'] === 'string') return v['Fn::Sub'];
  if (typeof v.Ref === 'string') return `\${${v.Ref}}`;
  const getAtt = v['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt) return `\${${getAtt[0]}.${getAtt[1]}}`;
  const join = v['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(render).join(join[0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** The files of a zip archive (stored or deflated entries, as the packager writes them). */
function readZip(zip: Buffer): Record<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + compressed);
    if (!name.endsWith('/')) files[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

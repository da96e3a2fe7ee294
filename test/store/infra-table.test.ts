import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INDEXES, TABLE_DEFINITION, TTL_ATTRIBUTE } from '../../lib/store/table-definition.js';

const INFRA_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'infra',
  'dynamodb.yml',
);

interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown[];
}

const infra = parse(readFileSync(INFRA_FILE, 'utf8')) as {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Statements: Statement[];
};
const table = infra.Resources.RolloutsTable;
const props = table?.Properties ?? {};

const byName = <T extends { AttributeName?: string; IndexName?: string }>(list: T[] | undefined): T[] =>
  [...(list ?? [])].sort((a, b) =>
    String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)),
  );

describe('infra/dynamodb.yml', () => {
  it('declares the table serverless.yml includes, named per service and stage', () => {
    expect(Object.keys(infra.Resources)).toEqual(['RolloutsTable']);
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Serverless Framework variables, resolved at deploy time
    expect(props.TableName).toBe('${self:service}-${sls:stage}-rollouts');
  });

  it('has the keys, indexes and billing mode of the table definition the code uses', () => {
    expect(props.BillingMode).toBe(TABLE_DEFINITION.BillingMode);
    expect(props.KeySchema).toEqual(TABLE_DEFINITION.KeySchema);
    expect(byName(props.AttributeDefinitions as { AttributeName: string }[])).toEqual(
      byName(TABLE_DEFINITION.AttributeDefinitions),
    );
    expect(byName(props.GlobalSecondaryIndexes as { IndexName: string }[])).toEqual(
      byName(TABLE_DEFINITION.GlobalSecondaryIndexes),
    );
  });

  it('turns on TTL on the decisions attribute, point-in-time recovery and encryption at rest', () => {
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('grants the functions only item reads, conditional writes and queries on this table and its indexes', () => {
    const actions = new Set(infra.Statements.flatMap((s) => s.Action));
    expect([...actions].sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(infra.Statements.every((s) => s.Effect === 'Allow')).toBe(true);

    const tableArn = { 'Fn::GetAtt': ['RolloutsTable', 'Arn'] };
    const indexArn = (name: string) => ({ 'Fn::Join': ['', [tableArn, `/index/${name}`]] });
    const resources = infra.Statements.flatMap((s) => s.Resource);
    expect(resources).toEqual(
      expect.arrayContaining([tableArn, ...Object.values(INDEXES).map((index) => indexArn(index.name))]),
    );
    // Nothing beyond the table and its three indexes, and no wildcard.
    expect(resources).toHaveLength(1 + Object.keys(INDEXES).length);
    expect(JSON.stringify(resources)).not.toContain('*');
    // Index ARNs only ever get Query.
    for (const statement of infra.Statements) {
      if (statement.Resource.some((r) => JSON.stringify(r).includes('/index/'))) {
        expect(statement.Action).toEqual(['dynamodb:Query']);
      }
    }
  });
});

import { humanDuration } from './human-duration.js';
import type { KubeObject } from './kube-object.js';
import type { TableColumn } from './resource-definition.js';

export const column = (
  name: string,
  description: string,
  options: Partial<TableColumn> = {},
): TableColumn => ({
  name,
  type: 'string',
  format: '',
  description,
  priority: 0,
  ...options,
});

export const NAME_COLUMN = column('Name', 'Name must be unique within a namespace.', { format: 'name' });
export const AGE_COLUMN = column(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

export const nameCell = (object: KubeObject): string => object.metadata.name ?? '';

export function ageCell(object: KubeObject, nowMs: number): string {
  const created = Date.parse(object.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? '<unknown>' : humanDuration(nowMs - created);
}

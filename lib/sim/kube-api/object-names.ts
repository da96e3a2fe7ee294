import { randomInt } from 'node:crypto';
import type { StatusCause } from './status.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `name` is not a valid object name (an RFC 1123 subdomain, or label for namespaces); empty when it is. */
export function nameCauses(name: string, rule: 'subdomain' | 'label'): StatusCause[] {
  const field = 'metadata.name';
  if (rule === 'label' && (!DNS_LABEL.test(name) || name.length > 63)) {
    return [
      {
        reason: 'FieldValueInvalid',
        message:
          `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', ` +
          "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        field,
      },
    ];
  }
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    return [
      {
        reason: 'FieldValueInvalid',
        message:
          `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', ` +
          "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
          "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        field,
      },
    ];
  }
  return [];
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `metadata.generateName` plus five random characters, as the API server names such objects. */
export const generatedName = (prefix: string): string =>
  prefix + Array.from({ length: 5 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');

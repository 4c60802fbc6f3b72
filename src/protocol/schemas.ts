// The request JSON Schema, shipped in schemas/ for clients in other languages. The daemon validates
// with code ajv generated from it ahead of time (request-validators.generated.ts, `npm run
// generate`): loading and running ajv's compiler at start cost 67 modules and 3 MiB of RSS.
import type { ErrorObject } from 'ajv';
import type { WireRequest } from './request.js';
import * as generated from './request-validators.generated.js';

// What ajv's standalone code exports: a type guard that leaves the errors of its last call on itself.
export interface RequestValidator {
  (data: unknown): data is WireRequest;
  errors?: ErrorObject[] | null;
}

// The generated code is untyped (@ts-nocheck, boolean returns): typed here as the guards
// ajv.compile<WireRequest> made of the same schemas.
export const validateRequest = generated.validateRequest as RequestValidator;
// For a door that carried the credential beside the body (a fleet signature, an Authorization
// header): the same schema without its `auth_key` requirement.
export const validateKeylessRequest = generated.validateKeylessRequest as RequestValidator;

// Turns ajv's first error into a sentence naming the field.
export function describeSchemaError(errors: readonly ErrorObject[] | null | undefined): string {
  // Within `oneOf`, a NUL byte is the real fault, not the other branch's type mismatch.
  const error = errors?.find((candidate) => candidate.keyword === 'pattern') ?? errors?.[0];
  if (!error) return 'invalid request';
  if (error.keyword === 'required') {
    return `missing field '${String(error.params.missingProperty)}'`;
  }
  const field = fieldName(error.instancePath);
  if (error.keyword === 'pattern') return `field '${field}' must not contain NUL bytes`;
  if (field.startsWith('arguments')) return `field '${field}' must be an array of strings or a string`;
  if (field === 'id' && error.keyword === 'type') return `field 'id' must be a string or a number`;
  return `field '${field}' ${error.message ?? 'is invalid'}`;
}

// `/arguments/2` → `arguments[2]`.
function fieldName(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((part, index) => (index > 0 && /^\d+$/.test(part) ? `[${part}]` : part))
    .join('')
    .replace(/^$/, 'request');
}

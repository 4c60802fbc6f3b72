// The request JSON Schema, shipped in schemas/ for clients in other languages and compiled once
// here (never per request) for the daemon's own validation.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

type JsonSchema = Record<string, unknown> & { required?: string[] };

// schemas/ sits two levels above both src/protocol and dist/protocol.
function readShippedSchema(name: string): JsonSchema {
  return JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as JsonSchema;
}

const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true });
const requestSchema = readShippedSchema('request.schema.json');

// A door whose protocol proved the sender (signed fleet requests) sends no auth_key.
const signedRequestSchema: JsonSchema = {
  ...requestSchema,
  $id: `${String(requestSchema.$id)}#signed`,
  required: (requestSchema.required ?? []).filter((name) => name !== 'auth_key'),
};

export const validateRequest: ValidateFunction = ajv.compile(requestSchema);
export const validateSignedRequest: ValidateFunction = ajv.compile(signedRequestSchema);

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

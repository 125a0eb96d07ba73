import { z } from 'zod';

/**
 * Typed attributes: a label declares its attributes (text, number, boolean or one of a list), and each
 * annotation carries values for them (CVAT's attributes, COCO `attributes`, VOC difficult/truncated,
 * labelme shape flags). Values of attributes a label does not declare are kept too (nothing imported is
 * lost), but a declared attribute only ever holds a value of its type.
 */

export const MAX_ATTRIBUTES = 64;
export const MAX_ATTRIBUTE_TEXT_CHARS = 10_000;
export const MAX_ATTRIBUTE_NAME_CHARS = 200;

export const AttributeNameSchema = z
  .string()
  .trim()
  .min(1, 'an attribute needs a name')
  .max(MAX_ATTRIBUTE_NAME_CHARS);
export const AttributeValueSchema = z.union([
  z.string().max(MAX_ATTRIBUTE_TEXT_CHARS),
  z.number().finite(),
  z.boolean(),
]);
export type AttributeValue = z.infer<typeof AttributeValueSchema>;

export const AttributesSchema = z
  .record(AttributeNameSchema, AttributeValueSchema)
  .refine((r) => Object.keys(r).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes`);
export type Attributes = z.infer<typeof AttributesSchema>;

const optionalBound = z.number().finite().nullable();

export const AttributeSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('text'),
    name: AttributeNameSchema,
    default: z.string().max(MAX_ATTRIBUTE_TEXT_CHARS),
  }),
  z.object({
    kind: z.literal('number'),
    name: AttributeNameSchema,
    default: z.number().finite(),
    min: optionalBound,
    max: optionalBound,
    step: z.number().finite().positive().nullable(),
  }),
  z.object({ kind: z.literal('boolean'), name: AttributeNameSchema, default: z.boolean() }),
  z.object({
    kind: z.literal('one_of'),
    name: AttributeNameSchema,
    options: z.array(z.string().min(1).max(200)).min(1).max(1000),
    default: z.string().max(200),
  }),
]);
export type AttributeSpec = z.infer<typeof AttributeSpecSchema>;
export type AttributeKind = AttributeSpec['kind'];

export const AttributeSpecsSchema = z
  .array(AttributeSpecSchema)
  .max(MAX_ATTRIBUTES)
  .refine((specs) => new Set(specs.map((s) => s.name)).size === specs.length, 'attribute names repeat');

/** Why `value` is not a value of `spec` (null when it is). */
export function attributeValueProblem(spec: AttributeSpec, value: AttributeValue): string | null {
  switch (spec.kind) {
    case 'text':
      return typeof value === 'string' ? null : `"${spec.name}" is text, got ${JSON.stringify(value)}`;
    case 'boolean':
      return typeof value === 'boolean'
        ? null
        : `"${spec.name}" is true or false, got ${JSON.stringify(value)}`;
    case 'number':
      if (typeof value !== 'number') return `"${spec.name}" is a number, got ${JSON.stringify(value)}`;
      if (spec.min !== null && value < spec.min)
        return `"${spec.name}" is at least ${spec.min}, got ${value}`;
      if (spec.max !== null && value > spec.max) return `"${spec.name}" is at most ${spec.max}, got ${value}`;
      return null;
    case 'one_of':
      return typeof value === 'string' && spec.options.includes(value)
        ? null
        : `"${spec.name}" is one of ${spec.options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(value)}`;
  }
}

export type CoercedValue = { readonly value: AttributeValue } | { readonly problem: string };

/**
 * Reads a value written as text or another JSON type (CVAT XML holds only text, COCO-Annotator writes
 * "false") as a value of `spec`.
 */
export function coerceAttributeValue(spec: AttributeSpec, raw: unknown): CoercedValue {
  const problem = (what: string): CoercedValue => ({
    problem: `"${spec.name}" is ${what}, got ${JSON.stringify(raw)}`,
  });
  switch (spec.kind) {
    case 'boolean': {
      const b = parseLooseBoolean(raw);
      return b === null ? problem('true or false') : { value: b };
    }
    case 'number': {
      const text = typeof raw === 'string' ? raw.trim() : raw;
      const n =
        typeof text === 'number' ? text : typeof text === 'string' && text !== '' ? Number(text) : NaN;
      if (!Number.isFinite(n)) return problem('a number');
      const range = attributeValueProblem(spec, n);
      return range === null ? { value: n } : { problem: range };
    }
    case 'text':
      return typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
        ? { value: String(raw) }
        : problem('text');
    case 'one_of': {
      const s = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
      return typeof s === 'string' && spec.options.includes(s)
        ? { value: s }
        : problem(`one of ${spec.options.map((o) => JSON.stringify(o)).join(', ')}`);
    }
  }
}

/** true/false, 1/0, "true"/"false", "1"/"0", "yes"/"no" (any case); null for anything else. */
export function parseLooseBoolean(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v !== 'string') return null;
  switch (v.trim().toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
      return true;
    case 'false':
    case '0':
    case 'no':
      return false;
    default:
      return null;
  }
}

/** The spec a value suggests when a file carries an attribute no label declares yet. */
export function inferAttributeSpec(name: string, value: AttributeValue): AttributeSpec {
  if (typeof value === 'boolean') return { kind: 'boolean', name, default: false };
  if (typeof value === 'number')
    return { kind: 'number', name, default: 0, min: null, max: null, step: null };
  return { kind: 'text', name, default: '' };
}

export function defaultAttributeValue(spec: AttributeSpec): AttributeValue {
  return spec.default;
}

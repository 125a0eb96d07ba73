import { type z } from 'zod';

/**
 * Values for a zod schema, from a seeded generator: mostly values the schema accepts (so that calls reach
 * the handlers) at the edges of its bounds, sometimes wild ones (wrong types, NUL bytes, huge numbers).
 * Strings whose field names are paths are drawn from `paths` only, so a fuzzed call never touches
 * anything outside the test's sandbox.
 */
export interface ValueContext {
  readonly random: () => number;
  /** Absolute paths inside the sandbox (and a few broken ones) for every path-like field. */
  readonly paths: readonly string[];
  /** Probability of a wild value at any node. */
  readonly wildness: number;
}

interface Def {
  readonly type: string;
  readonly checks?: readonly { _zod: { def: Record<string, unknown> } }[];
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly items?: readonly z.ZodType[];
  readonly options?: readonly z.ZodType[];
  readonly entries?: Record<string, string | number>;
  readonly values?: readonly unknown[];
  readonly valueType?: z.ZodType;
  readonly getter?: () => z.ZodType;
}

const PATH_KEYS = new Set(['dir', 'path', 'paths', 'folder', 'outDir', 'out', 'source']);
const WILD: readonly unknown[] = [
  null,
  -1,
  0,
  1e308,
  -1e308,
  2 ** 53,
  0.5,
  '',
  ' ',
  'a\u0000b',
  '0x1',
  '1e0',
  ' 1',
  'x'.repeat(5000),
  '../../etc/passwd',
  true,
  [],
  {},
  [[[[[]]]]],
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
];

export function valueFor(schema: z.ZodType, ctx: ValueContext, key = ''): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(ctx.random() * list.length)]!;
  // Wild values for a path field are never strings: a relative path would resolve against the cwd.
  if (ctx.random() < ctx.wildness)
    return pick(PATH_KEYS.has(key) ? WILD.filter((w) => typeof w !== 'string') : WILD);
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  const check = (name: string): Record<string, unknown> | undefined =>
    def.checks?.map((c) => c._zod.def).find((d) => d.check === name);
  switch (def.type) {
    case 'optional':
      return ctx.random() < 0.3 ? undefined : valueFor(def.innerType!, ctx, key);
    case 'default':
    case 'prefault':
      return ctx.random() < 0.3 ? undefined : valueFor(def.innerType!, ctx, key);
    case 'nullable':
      return ctx.random() < 0.2 ? null : valueFor(def.innerType!, ctx, key);
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return valueFor(def.innerType!, ctx, key);
    case 'pipe':
      return valueFor(def.in!, ctx, key);
    case 'lazy':
      return valueFor(def.getter!(), ctx, key);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(def.shape ?? {})) {
        const value = valueFor(v, ctx, k);
        if (value !== undefined) out[k] = value;
      }
      return out;
    }
    case 'array': {
      const max = Number(check('max_length')?.maximum ?? 3);
      const min = Number(check('min_length')?.minimum ?? 0);
      const n = Math.min(max, min + Math.floor(ctx.random() * 3));
      return Array.from({ length: n }, () => valueFor(def.element!, ctx, key));
    }
    case 'tuple':
      return (def.items ?? []).map((item) => valueFor(item, ctx, key));
    case 'union':
      return valueFor(pick(def.options ?? []), ctx, key);
    case 'enum':
      return pick(Object.values(def.entries ?? {}));
    case 'literal':
      return pick(def.values ?? [null]);
    case 'boolean':
      return ctx.random() < 0.5;
    case 'record':
      return ctx.random() < 0.5
        ? {}
        : {
            [pick(['labelIds', 'outDir', 'format', 'imageIds', 'x'])]: valueFor(
              def.valueType!,
              ctx,
              'outDir',
            ),
          };
    case 'number':
      return numberFor(ctx, check);
    case 'string':
      return stringFor(ctx, key, check);
    case 'unknown':
    case 'any':
      return PATH_KEYS.has(key) ? pick(ctx.paths) : pick(WILD);
    case 'null':
      return null;
    default:
      return PATH_KEYS.has(key) ? pick(ctx.paths) : pick(WILD);
  }
}

function numberFor(ctx: ValueContext, check: (name: string) => Record<string, unknown> | undefined): number {
  const format = check('number_format')?.format;
  const gt = check('greater_than');
  const lt = check('less_than');
  const low = gt ? Number(gt.value) : -5;
  const high = lt ? Number(lt.value) : 70_000;
  const integer = format === 'safeint' || format === 'int32';
  const edges = [low, high, low + 1, high - 1, 0, 1, 2, 3, (low + high) / 2, 65_536];
  let n = edges[Math.floor(ctx.random() * edges.length)]!;
  if (ctx.random() < 0.4) n = low + ctx.random() * Math.min(10, high - low);
  if (integer) n = Math.round(n);
  return n;
}

function stringFor(
  ctx: ValueContext,
  key: string,
  check: (name: string) => Record<string, unknown> | undefined,
): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(ctx.random() * list.length)]!;
  if (PATH_KEYS.has(key)) return pick(ctx.paths);
  if (key === 'color' || key === 'colour')
    return `#${Math.floor(ctx.random() * 0xffffff)
      .toString(16)
      .padStart(6, '0')}`;
  if (key === 'hotkey') return pick(['1', '2', 'a', 'z', 'Q', '11']);
  if (key === 'modelId') return pick(['starter', 'starter', 'missing-model', '../starter', 'STARTER']);
  if (key === 'modelMirrorBaseUrl' || key === 'mirrorBaseUrl')
    return pick(['http://127.0.0.1:9/mirror', 'not a url', 'file:///etc']);
  const pattern = check('string_format')?.pattern;
  if (pattern instanceof RegExp && !pattern.test('')) return pick(['a', '1', '#112233', 'starter']);
  const max = Number(check('max_length')?.maximum ?? 40);
  const words = [
    'red',
    'green',
    'blue',
    'thing',
    'sky',
    'a b',
    'ünïcode',
    '\u0000',
    '',
    '  ',
    'x'.repeat(max + 1),
  ];
  return pick(words);
}

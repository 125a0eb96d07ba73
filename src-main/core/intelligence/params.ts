import { type z } from 'zod';
import { InvalidInputError } from '../db/errors';

/** Parses job params with a zod schema, turning the first issue into an error naming the field. */
export function parseParams<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : '';
  throw new InvalidInputError(`${what}${where}`, issue?.message ?? 'invalid parameters');
}

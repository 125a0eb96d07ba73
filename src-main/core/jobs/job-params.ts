import { JOB_PARAMS_SCHEMAS, type JobKind, type JobParams } from '@contract';
import { type z } from 'zod';
import { InvalidInputError } from '../db/errors';
import { type AnyJobHandler, type ItemProcessor, type JobContext, type StoredJobParams } from './job-types';

/**
 * A job's params checked against the contract schema of its kind (the first issue becomes an error
 * naming the field), with the model that every stored job must name.
 */
export function parseJobParams<K extends JobKind>(kind: K, raw: unknown): StoredJobParams<K> {
  const schema = JOB_PARAMS_SCHEMAS[kind] as unknown as z.ZodType<JobParams<K>>;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `.${issue.path.map(String).join('.')}` : '';
    throw new InvalidInputError(`params${where}`, issue?.message ?? 'invalid parameters');
  }
  const { modelId } = parsed.data;
  if (modelId === undefined) throw new InvalidInputError('params.modelId', 'a job must name its model');
  return { ...parsed.data, modelId } as StoredJobParams<K>;
}

/** Starts a handler on stored params, validated for its own kind. */
export function startHandler(handler: AnyJobHandler, raw: unknown, ctx: JobContext): Promise<ItemProcessor> {
  switch (handler.kind) {
    case 'embed':
      return handler.start(parseJobParams('embed', raw), ctx);
    case 'auto_label':
      return handler.start(parseJobParams('auto_label', raw), ctx);
    case 'propagate':
      return handler.start(parseJobParams('propagate', raw), ctx);
  }
}

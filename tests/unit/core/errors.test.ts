import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NotFoundError } from '../../../src-main/core/db/errors';
import { AppError, toApiError } from '../../../src-main/core/errors';
import { OutOfVocabularyError } from '../../../src-main/core/inference';
import { InferenceAbortedError, WorkerCrashedError } from '../../../src-main/core/inference/inference-client';
import { UnknownProviderError } from '../../../src-main/core/inference/providers';
import { BundleError } from '../../../src-main/core/models/manifest';

describe('error codes', () => {
  it('come from the error types themselves', () => {
    const codes = [
      new OutOfVocabularyError('starter', ['sofa'], 'starter'),
      new BundleError('b', 'id', 'no such model'),
      new WorkerCrashedError('gone'),
      new InferenceAbortedError('superseded'),
      new UnknownProviderError('tpu'),
      new NotFoundError('image 9 does not exist'),
    ].map((e) => toApiError(e).code);
    expect(codes).toEqual([
      'out_of_vocabulary',
      'model_error',
      'model_error',
      'cancelled',
      'invalid_input',
      'not_found',
    ]);
  });

  it('never from a class name or a stray `code` property', () => {
    const named = Object.assign(new Error('looks like one'), { name: 'BundleError' });
    const coded = Object.assign(new Error('a system error'), { code: 'not_found' });
    expect(toApiError(named)).toEqual({ code: 'internal', message: 'looks like one' });
    expect(toApiError(coded)).toEqual({ code: 'internal', message: 'a system error' });
  });

  it('keeps details, reads zod errors as invalid input and anything else as internal', () => {
    expect(toApiError(new AppError('conflict', 'stale', { revision: 3 }))).toEqual({
      code: 'conflict',
      message: 'stale',
      details: { revision: 3 },
    });
    expect(toApiError(z.number().safeParse('x').error).code).toBe('invalid_input');
    expect(toApiError('plain string')).toEqual({ code: 'internal', message: 'plain string' });
  });
});

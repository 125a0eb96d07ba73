import { type z } from 'zod';
import { type API_METHODS, type ApiGroup } from './channels';
import { type Result } from './result';
import { annotationsGroup } from './groups/annotations';
import { dialogsGroup } from './groups/dialogs';
import { exportsGroup } from './groups/exports';
import { imagesGroup } from './groups/images';
import { inferenceGroup } from './groups/inference';
import { jobsGroup } from './groups/jobs';
import { labelsGroup } from './groups/labels';
import { modelsGroup } from './groups/models';
import { projectsGroup } from './groups/projects';
import { reviewGroup } from './groups/review';
import { searchGroup } from './groups/search';
import { settingsGroup } from './groups/settings';

/** The one typed API: every method's input/output schema, grouped. */
export const apiSpec = {
  projects: projectsGroup,
  images: imagesGroup,
  labels: labelsGroup,
  annotations: annotationsGroup,
  inference: inferenceGroup,
  jobs: jobsGroup,
  review: reviewGroup,
  search: searchGroup,
  exports: exportsGroup,
  models: modelsGroup,
  settings: settingsGroup,
  dialogs: dialogsGroup,
} as const;

export type ApiSpec = typeof apiSpec;

// Compile-time check that channels.ts (what the preload exposes) names exactly the methods of the spec.
type MethodNames<G extends ApiGroup> = keyof ApiSpec[G] & string;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ChannelsMatch = { [G in ApiGroup]: Same<MethodNames<G>, (typeof API_METHODS)[G][number]> };
const channelsMatch: ChannelsMatch = {
  projects: true,
  images: true,
  labels: true,
  annotations: true,
  inference: true,
  jobs: true,
  review: true,
  search: true,
  exports: true,
  models: true,
  settings: true,
  dialogs: true,
};
void channelsMatch;

export type MethodInput<G extends ApiGroup, M extends keyof ApiSpec[G]> = ApiSpec[G][M] extends {
  input: infer I extends z.ZodType;
}
  ? z.input<I>
  : never;
export type MethodParsedInput<G extends ApiGroup, M extends keyof ApiSpec[G]> = ApiSpec[G][M] extends {
  input: infer I extends z.ZodType;
}
  ? z.output<I>
  : never;
export type MethodOutput<G extends ApiGroup, M extends keyof ApiSpec[G]> = ApiSpec[G][M] extends {
  output: infer O extends z.ZodType;
}
  ? z.output<O>
  : never;

/** What the renderer sees: every method returns a Result, never throws across the boundary. */
export type RadioLabelApi = {
  readonly [G in ApiGroup]: {
    readonly [M in keyof ApiSpec[G]]: (input: MethodInput<G, M>) => Promise<Result<MethodOutput<G, M>>>;
  };
} & {
  readonly events: { subscribe(listener: (event: AppEvent) => void): () => void };
};

/** What the main side implements: parsed inputs in, plain values out; errors are thrown as AppError. */
export type ServiceHandlers = {
  readonly [G in ApiGroup]: {
    readonly [M in keyof ApiSpec[G]]: (input: MethodParsedInput<G, M>) => Promise<MethodOutput<G, M>>;
  };
};

export type { AppEvent } from './events';
import { type AppEvent } from './events';

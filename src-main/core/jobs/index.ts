/** Background jobs: the persisted queue, its runner, and the priority gate in front of the engine. */
export { JobRunner, type JobRunnerOptions } from './job-runner';
export type {
  AnyJobHandler,
  ItemOutcome,
  ItemProcessor,
  JobContext,
  JobHandler,
  StoredJobParams,
  StoredJobStart,
} from './job-types';
export { PriorityScheduler } from './priority-scheduler';
export { prioritizedEngine, type InferencePriority } from './prioritized-engine';
export { EtaEstimator } from './eta';

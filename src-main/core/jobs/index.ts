/** Background jobs: the persisted queue, its runner, and the priority gate in front of the engine. */
export { JobRunner, type JobRunnerOptions } from './job-runner';
export { JobStore, toContractJob, type JobKind, type JobRecord, type JobState } from './job-store';
export type { ItemOutcome, ItemProcessor, JobContext, JobHandler } from './job-types';
export { PriorityScheduler } from './priority-scheduler';
export { prioritizedEngine, type InferencePriority } from './prioritized-engine';
export { EtaEstimator } from './eta';

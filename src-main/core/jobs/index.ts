/** Background jobs: the runner of the persisted queue, and the priority gate in front of the engine. */
export { JobRunner } from './job-runner';
export { PriorityScheduler } from './priority-scheduler';
export { prioritizedEngine } from './prioritized-engine';

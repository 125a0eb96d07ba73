import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Room for the few write-ahead-log pages that record a job's end (a row and its index, with headers). */
export const JOB_END_RESERVE_BYTES = 32 * 1024;

/**
 * A small file of reserved space beside the project database while jobs run. On a disk so full that not
 * even a job's final state fits, deleting it gives that write the room it needs, so the job still ends
 * `failed` with its reason instead of staying `running`. A job does not start without it (see JobRunner).
 */
export class DiskReserve {
  readonly file: string;

  constructor(
    projectDir: string,
    private readonly bytes = JOB_END_RESERVE_BYTES,
  ) {
    this.file = path.join(projectDir, '.radiolabel-job-reserve');
  }

  /**
   * Makes the reserve if it is not there. 'full' when the disk has no room even for it (a job started now
   * could not record its end); 'ok' otherwise, also when the reserve cannot be made for another reason.
   */
  ensure(): 'ok' | 'full' {
    if (existsSync(this.file)) return 'ok';
    try {
      // Real bytes, not a sparse file: the space must be taken now to be given back later.
      writeFileSync(this.file, Buffer.alloc(this.bytes), { flag: 'wx' });
      return 'ok';
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      // Another runner of the project made it first: it is there all the same.
      if (code === 'EEXIST') return 'ok';
      rmSync(this.file, { force: true });
      return code === 'ENOSPC' || code === 'EDQUOT' ? 'full' : 'ok';
    }
  }

  /** Gives the space back; true when there was a reserve to give. */
  release(): boolean {
    if (!existsSync(this.file)) return false;
    rmSync(this.file, { force: true });
    return true;
  }
}

/** Why a job is refused or failed before it starts when not even the reserve fits. */
export function noRoomForJobs(dbFile: string): string {
  return `the disk is full: no room beside ${dbFile} for a job to record its results; free some space and retry`;
}

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';

/**
 * The Python peer process (bench/peers/peer.py): one long-lived interpreter that times OpenCV, numpy and
 * pycocotools calls inside itself. Which Python: $PEERS_PYTHON, else the first of python3 on PATH and
 * /usr/bin/python3 that imports cv2 and numpy; when none does, Debian's python3-opencv is installed with
 * apt (as root only).
 */

export interface PeerInfo {
  readonly python: string;
  readonly cv2: string | null;
  readonly cv2Why: string | null;
  readonly numpy: string;
  readonly pycocotools: string | null;
  readonly pycocotoolsWhy: string | null;
}

function imports(python: string, modules: string): boolean {
  const r = spawnSync(python, ['-c', `import ${modules}`], { stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}

export function findPython(log: (line: string) => void): string | undefined {
  const candidates = [process.env.PEERS_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  const withCv2 = candidates.find((p) => imports(p, 'cv2, numpy'));
  if (withCv2) return withCv2;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    log('peers: no Python imports cv2; installing Debian python3-opencv with apt-get…');
    spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: 600_000 });
    const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'python3-opencv'], {
      stdio: 'ignore',
      timeout: 900_000,
    });
    if (r.status === 0 && imports('/usr/bin/python3', 'cv2, numpy')) return '/usr/bin/python3';
    log(`peers: apt-get install python3-opencv failed (exit ${r.status})`);
  }
  return candidates.find((p) => imports(p, 'numpy'));
}

export class PythonPeer {
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly #lines: Interface;
  readonly #pending: ((line: string) => void)[] = [];

  constructor(python: string) {
    this.#proc = spawn(python, [path.join(import.meta.dirname, 'peer.py')], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#proc.stderr.on('data', (d: Buffer) => process.stderr.write(`peer.py: ${d.toString()}`));
    this.#lines = createInterface({ input: this.#proc.stdout });
    this.#lines.on('line', (line) => this.#pending.shift()?.(line));
  }

  #ask(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#pending.push((line) => {
        if (line.startsWith('ok ')) resolve(line.slice(3));
        else reject(new Error(`peer.py: ${line}`));
      });
      this.#proc.stdin.write(`${command}\n`);
    });
  }

  async load(manifestFile: string): Promise<PeerInfo> {
    return JSON.parse(await this.#ask(`load ${manifestFile}`)) as PeerInfo;
  }

  /** Milliseconds per call (wall and CPU), timed inside Python over `reps` calls. */
  time(op: string, caseId: string, reps: number): Promise<{ wallMs: number; cpuMs: number }> {
    return this.#timed(`time ${op} ${caseId} ${reps}`);
  }

  /** One `pycocotools.coco.COCO(file)`: load and index, timed inside Python. */
  cocoLoad(file: string): Promise<{ wallMs: number; cpuMs: number }> {
    return this.#timed(`coco ${file}`);
  }

  /** A command answered with `ok <wall s> <cpu s>`, as milliseconds. */
  async #timed(command: string): Promise<{ wallMs: number; cpuMs: number }> {
    const [wall, cpu] = (await this.#ask(command)).split(' ').map(Number);
    return { wallMs: wall! * 1000, cpuMs: cpu! * 1000 };
  }

  close(): void {
    this.#proc.stdin.end('quit\n');
    this.#lines.close();
  }
}

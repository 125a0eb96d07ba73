import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { TOKEN_HEADER } from '../../src-main/server/browser-server';

const REPO = path.resolve(import.meta.dirname, '../..');
const SERVER = path.join(import.meta.dirname, 'soak-server.ts');
/** How long one call may take before the driver counts it as unanswered (a prompt on a cold cache is slow). */
const CALL_TIMEOUT_MS = 120_000;
const START_TIMEOUT_MS = 120_000;

interface Endpoint {
  readonly origin: string;
  readonly token: string;
}

/** A contract answer, or 'connection' when none came (the server died with the call in flight). */
export type CallResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * The browser-mode server as a child process the soak can kill -9 and start again. Calls made while it is
 * down wait for the next start; a call in flight when it dies comes back as code 'connection'.
 */
export class ServerProcess {
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #ready: Promise<Endpoint>;
  #resolveReady: (e: Endpoint) => void = () => {};
  #stderr = '';
  /** Calls sent and not yet answered, by `group.method`. */
  readonly inFlight = new Map<string, number>();

  constructor(private readonly dataDir: string) {
    this.#ready = this.#pending();
  }

  /**
   * Starts the server; `prepare` (e.g. reopening the project) runs before any waiting call is let through,
   * so that no call meets a server without its project.
   */
  async start(
    prepare?: (call: (group: string, method: string, input: unknown) => Promise<CallResult>) => Promise<void>,
  ): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER, this.dataDir], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stderr.on('data', (d: Buffer) => (this.#stderr = (this.#stderr + d.toString()).slice(-4000)));
    this.#exited = new Promise((resolve) => child.on('exit', () => resolve()));
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the soak server did not start in ${START_TIMEOUT_MS} ms: ${this.#stderr}`)),
        START_TIMEOUT_MS,
      );
      createInterface({ input: child.stdout }).once('line', (l) => {
        clearTimeout(timer);
        resolve(l);
      });
      child.once('exit', (code) => reject(new Error(`the soak server exited (${code}): ${this.#stderr}`)));
    });
    const endpoint = JSON.parse(line) as Endpoint;
    await prepare?.((group, method, input) => this.#send(endpoint, group, method, input));
    this.#resolveReady(endpoint);
  }

  /** kill -9; calls wait for the next start. */
  async kill(): Promise<void> {
    this.#ready = this.#pending();
    this.#child?.kill('SIGKILL');
    await this.#exited;
    this.#child = null;
  }

  async call(group: string, method: string, input: unknown): Promise<CallResult> {
    return this.#send(await this.#ready, group, method, input);
  }

  async #send(
    { origin, token }: Endpoint,
    group: string,
    method: string,
    input: unknown,
  ): Promise<CallResult> {
    const key = `${group}.${method}`;
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      const res = await fetch(`${origin}/api/${group}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(input),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const body = (await res.json()) as
        { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
      return body.ok ? body : { ok: false, code: body.error.code, message: body.error.message };
    } catch (e) {
      return { ok: false, code: 'connection', message: (e as Error).message };
    } finally {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    }
  }

  #pending(): Promise<Endpoint> {
    return new Promise((resolve) => (this.#resolveReady = resolve));
  }
}

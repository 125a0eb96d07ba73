import { afterAll, describe, expect, it } from 'vitest';
import { asJobId, type AppEvent } from '@contract';
import { CliCallError } from '../../../src-main/cli/cli-api';
import { checkedByContract, CliUsageError, stringFlag, type CliCommand } from '../../../src-main/cli/command';
import { progressLines } from '../../../src-main/cli/progress';
import { matchCommand, runCli } from '../../../src-main/cli/run-cli';
import { tempDirs } from '../../fixtures/images/temp-dirs';

const temp = tempDirs('run-cli');
afterAll(() => temp.cleanup());

const echo: CliCommand = {
  path: ['models', 'list'],
  summary: 'list models',
  usage: 'models list [--kind K]',
  options: { kind: { type: 'string' } },
  run: (args) => Promise.resolve({ kind: args.values.kind ?? null, rest: args.positionals }),
};
const models: CliCommand = {
  ...echo,
  path: ['models'],
  usage: 'models',
  run: () => Promise.resolve('short'),
};
/** A real contract call: its input is validated by the contract, its errors come back as data. */
const create: CliCommand = {
  path: ['label'],
  summary: 'creates a label',
  usage: 'label --name N [--color C]',
  options: { name: { type: 'string' }, color: { type: 'string' } },
  fields: { name: '--name', color: '--color' },
  run: (args, cli) =>
    cli.api.labels.create({
      name: checkedByContract(stringFlag(args, 'name')),
      color: stringFlag(args, 'color'),
    }),
};
const open: CliCommand = {
  path: ['open'],
  summary: 'opens a project',
  usage: 'open <dir>',
  options: {},
  run: (args, cli) => cli.inProject(args.positionals[0] ?? '', (p) => Promise.resolve(p.name)),
};

async function capture(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    [echo, models, create, open],
    argv,
    { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
    temp.make(),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('CLI runner', () => {
  it('matches the longest command path', () => {
    expect(matchCommand([models, echo], ['models', 'list', 'x'])?.command).toBe(echo);
    expect(matchCommand([models, echo], ['models', 'x'])?.command).toBe(models);
    expect(matchCommand([models, echo], ['nothing'])).toBeUndefined();
  });

  it('prints JSON results on stdout only', async () => {
    const r = await capture(['models', 'list', '--kind', 'a', 'p1', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ kind: 'a', rest: ['p1'] });
    expect(r.err).toBe('');
  });

  it('prints --version and --help', async () => {
    expect((await capture(['--version'])).out).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await capture(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('models list [--kind K]');
  });

  it('names the flag behind a contract validation error, with exit code 2 and the usage line', async () => {
    const missing = await capture(['label']);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(
      'radiolabel label: missing required option --name\nUsage: radiolabel label --name N [--color C]',
    );
    const bad = await capture(['label', '--name', 'x', '--color', 'red']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('radiolabel label: --color: colours are #rrggbb (got "red")');
    expect((await capture(['label', '--nope'])).code).toBe(2);
    expect((await capture(['bogus'])).code).toBe(2);
  });

  it('reports service failures on stderr with exit code 1', async () => {
    const r = await capture(['open', '/no/such/project']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'radiolabel open: no RadioLabel project here: /no/such/project/project.radiolabel.sqlite does not exist',
    );
    expect(r.out).toBe('');
  });

  it('errors are Errors', () => {
    expect(new CliUsageError('x')).toBeInstanceOf(Error);
    expect(new CliCallError({ code: 'internal', message: 'y' }).message).toBe('y');
  });
});

describe('progress lines', () => {
  it('prints every job state change, counts at most once a second, and job log lines', () => {
    const lines: string[] = [];
    let now = 0;
    const print = progressLines(
      (l) => lines.push(l),
      () => now,
    );
    const job = (state: 'queued' | 'running' | 'done', done: number): AppEvent => ({
      kind: 'job_progress',
      job: { id: asJobId(1), kind: 'embed', state, done, total: 3, etaMs: null, error: null, warnings: [] },
    });
    print(job('queued', 0));
    print(job('running', 0));
    now = 400;
    print(job('running', 1));
    now = 1500;
    print(job('running', 2));
    print({ kind: 'job_log', message: 'image 3 failed' });
    print(job('done', 3));
    print({ kind: 'project_changed', dir: null });
    expect(lines).toEqual([
      'job 1 embed queued: 0/3',
      'job 1 embed running: 0/3',
      'job 1 embed running: 2/3',
      'image 3 failed',
      'job 1 embed done: 3/3',
    ]);
  });

  it('prints each job warning once, even between throttled counts', () => {
    const lines: string[] = [];
    const print = progressLines(
      (l) => lines.push(l),
      () => 0,
    );
    const job = (done: number, warnings: string[]): AppEvent => ({
      kind: 'job_progress',
      job: {
        id: asJobId(2),
        kind: 'auto_label',
        state: 'running',
        done,
        total: 4,
        etaMs: null,
        error: null,
        warnings,
      },
    });
    const skipped = 'label "person" skipped: the starter model does not know "person"';
    print(job(0, []));
    print(job(1, [skipped]));
    print(job(2, [skipped]));
    print(job(3, [skipped, 'label "car" skipped']));
    expect(lines).toEqual([
      'job 2 auto_label running: 0/4',
      `job 2 warning: ${skipped}`,
      'job 2 warning: label "car" skipped',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { CliUsageError, requireString, type CliCommand } from '../../../src-main/cli/command';
import { matchCommand, runCli } from '../../../src-main/cli/run-cli';
import { AppError } from '../../../src-main/core/errors';

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
const failing: CliCommand = {
  path: ['fail'],
  summary: 'fails',
  usage: 'fail --name N',
  options: { name: { type: 'string' } },
  run: (args) => {
    if (args.values.name === 'missing')
      return Promise.reject(new AppError('not_found', 'no such image: a.png'));
    return Promise.resolve(requireString(args, 'name'));
  },
};

async function capture(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    [echo, models, failing],
    argv,
    { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
    '/tmp/x',
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

  it('reports usage errors with exit code 2 and the usage line', async () => {
    const r = await capture(['fail']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('missing required option --name');
    const unknownFlag = await capture(['fail', '--nope']);
    expect(unknownFlag.code).toBe(2);
    expect((await capture(['bogus'])).code).toBe(2);
  });

  it('reports failures on stderr with exit code 1', async () => {
    const r = await capture(['fail', '--name', 'missing']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('radiolabel fail: no such image: a.png');
    expect(r.out).toBe('');
  });

  it('CliUsageError is an Error', () => {
    expect(new CliUsageError('x')).toBeInstanceOf(Error);
  });
});

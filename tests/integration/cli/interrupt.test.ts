import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../../src-main/cli/commands';
import { runCli } from '../../../src-main/cli/run-cli';
import { Project } from '../../../src-main/core/project';
import { tempDirs } from '../../fixtures/images/temp-dirs';
import { radiolabel } from '../../fixtures/cli/radiolabel';
import { solid } from '../core/inference/synthetic-images';

const temp = tempDirs('cli-interrupt');
afterAll(() => temp.cleanup());

describe('Ctrl-C during a foreground job', () => {
  it('ends with exit code 130 and a resumable job; the same command carries on', async () => {
    const root = temp.make();
    const dataDir = path.join(root, 'data');
    const dir = path.join(root, 'proj');
    const files = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const file = path.join(root, `img-${i}.png`);
        await solid(file, 320, 240, [20 * i, 100, 200 - 20 * i]);
        return file;
      }),
    );
    const project = Project.create(dir);
    await project.importImages(files);
    project.close();

    // Ctrl-C as soon as the job says it is running: the first image is still in the encoder.
    const interrupt = new AbortController();
    let stderr = '';
    let stdout = '';
    const code = await runCli(
      allCommands,
      ['embed', dir],
      {
        stdout: (t) => (stdout += t),
        stderr: (t) => {
          stderr += `${t}\n`;
          if (/^job \d+ embed running/.test(t)) interrupt.abort();
        },
      },
      dataDir,
      interrupt.signal,
    );
    expect(code, stderr).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /radiolabel embed: job 1 \(embed\) was interrupted at \d\/8: run it again to resume/,
    );

    const again = await radiolabel(dataDir, ['embed', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ resumed: true, job: { id: 1, state: 'done', done: 8, total: 8 } });
    expect(again.stderr).toMatch(/^resuming job 1 \(\d\/8 already done\)$/m);
  });
});

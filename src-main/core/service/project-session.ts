import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type ProjectInfo } from '@contract';
import { AppError } from '../errors';
import { Project, touchRecentProject } from '../project';
import { type SettingsStore } from '../settings/settings-store';
import { type EventHub } from './event-hub';

export interface ProjectSessionOptions {
  /** Put projects that are merely opened at the top of the recent list (created ones always are). */
  readonly rememberOpened: boolean;
  /** Look for moved or deleted image files in the background after a project opens. */
  readonly watchMissing: boolean;
}

const SampleLabelsSchema = z.array(z.object({ name: z.string(), color: z.string(), hotkey: z.string() }));

/**
 * The one project the app has open (or none). Opening another closes the previous one first, and every
 * change is announced so the renderer can reset its views.
 */
export class ProjectSession {
  #project: Project | null = null;
  readonly #beforeClose: ((project: Project) => Promise<void>)[] = [];

  constructor(
    private readonly dataDir: string,
    private readonly appRoot: string,
    private readonly settings: SettingsStore,
    private readonly events: EventHub,
    private readonly options: ProjectSessionOptions,
  ) {}

  get current(): Project | null {
    return this.#project;
  }

  /** The open project, or a clear 'no_project' error for calls that need one. */
  require(): Project {
    if (!this.#project) throw new AppError('no_project', 'no project is open: create or open one first');
    return this.#project;
  }

  /** Work on the project (background jobs) that must stop before its database closes. */
  onBeforeClose(hook: (project: Project) => Promise<void>): void {
    this.#beforeClose.push(hook);
  }

  async create(dir: string, name?: string): Promise<ProjectInfo> {
    await this.close();
    return this.#adopt(Project.create(dir, name === undefined ? {} : { name }, this.#projectOptions()), true);
  }

  async open(dir: string): Promise<ProjectInfo> {
    await this.close();
    return this.#adopt(Project.open(dir, this.#projectOptions()), this.options.rememberOpened);
  }

  /** The generated sample project in the app data dir: created and filled on first use, reopened after. */
  async openSample(): Promise<ProjectInfo> {
    const sampleDir = path.join(this.appRoot, 'resources', 'sample');
    await this.close();
    const project = Project.create(
      path.join(this.dataDir, 'sample-project'),
      { name: 'Sample project' },
      this.#projectOptions(),
    );
    this.#adopt(project, true);
    if (project.images.count() === 0) {
      const images = readdirSync(sampleDir)
        .filter((f) => f.endsWith('.png'))
        .sort()
        .map((f) => path.join(sampleDir, f));
      await project.importImages(images);
    }
    if (project.labels.count() === 0) {
      const labelsFile = path.join(sampleDir, 'labels.json');
      const labels = SampleLabelsSchema.parse(JSON.parse(readFileSync(labelsFile, 'utf8')));
      for (const l of labels) project.labels.create({ name: l.name, color: l.color, hotkey: l.hotkey });
    }
    return this.info();
  }

  info(): ProjectInfo {
    return this.require().info();
  }

  async close(): Promise<void> {
    const project = this.#project;
    if (!project) return;
    for (const hook of this.#beforeClose) await hook(project);
    project.close();
    if (this.#project === project) this.#project = null;
    this.events.emit({ kind: 'project_changed', dir: null });
  }

  #projectOptions(): { cacheBudgetBytes: number; maxInputPixels: number } {
    const s = this.settings.get();
    return { cacheBudgetBytes: s.cacheBudgetBytes, maxInputPixels: s.maxInputPixels };
  }

  /**
   * Makes `project` the open one, or closes it and throws: an open that fails (a full disk while the
   * recent list is written, say) leaves no project open behind its error.
   */
  #adopt(project: Project, remember: boolean): ProjectInfo {
    try {
      if (remember) touchRecentProject(this.dataDir, { dir: project.dir, name: project.name });
    } catch (e) {
      project.close();
      throw e;
    }
    this.#project = project;
    this.events.emit({ kind: 'project_changed', dir: project.dir });
    if (this.options.watchMissing) this.#watchMissing(project);
    return this.info();
  }

  #watchMissing(project: Project): void {
    // Files moved or deleted since the last session are flagged in the background, not on the open path.
    void project
      .detectMissing()
      .then(({ missing }) => {
        if (missing.length > 0 && this.#project === project) {
          this.events.emit({ kind: 'images_changed', missing: missing.length });
        }
      })
      .catch(() => undefined);
  }
}

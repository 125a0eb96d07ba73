import { type ServiceHandlers } from '@contract';
import { readRecentProjects } from '../project';
import { InvalidInputError } from '../db/errors';
import { type EventHub } from './event-hub';
import { type GeometryPool } from './geometry-pool';
import { type ProjectSession } from './project-session';
import { transferProgress } from './transfer-progress';

/** projects, images, labels and annotations: the contract on top of the open project. */
export function createProjectHandlers(
  session: ProjectSession,
  events: EventHub,
  dataDir: string,
  geometryPool: GeometryPool,
): Pick<ServiceHandlers, 'projects' | 'images' | 'labels' | 'annotations'> {
  return {
    projects: {
      create: ({ dir, name }) => session.create(dir, name),
      open: ({ dir }) => session.open(dir),
      close: async () => {
        await session.close();
        return null;
      },
      current: () => Promise.resolve(session.current ? session.info() : null),
      recent: () => Promise.resolve(readRecentProjects(dataDir)),
      openSample: () => session.openSample(),
    },
    images: {
      import: async ({ paths }) => {
        const progress = transferProgress(events);
        const { report } = await session.require().importImages(paths, {
          onProgress: (done, file) => progress({ phase: 'import', done, total: 0, detail: file }),
        });
        return report;
      },
      list: (query) => Promise.resolve(session.require().images.list(query)),
      get: ({ imageId }) => Promise.resolve(session.require().images.row(imageId)),
      setStatus: ({ imageId, status }) => {
        const project = session.require();
        project.images.setStatus(imageId, status);
        return Promise.resolve(project.images.row(imageId));
      },
      relink: ({ folder }) => session.require().relinkFolder(folder),
      remove: async ({ imageIds }) => ({ removed: await session.require().removeImages(imageIds) }),
      locate: ({ imageId, ...query }) => Promise.resolve(session.require().images.locate(imageId, query)),
    },
    labels: {
      list: () => Promise.resolve(session.require().labels.list()),
      create: (input) => Promise.resolve(session.require().labels.create(input)),
      ensure: ({ names, color }) => {
        const { labels } = session.require();
        return Promise.resolve(
          names.map(
            (name) => labels.findByName(name) ?? labels.create({ name, ...(color ? { color } : {}) }),
          ),
        );
      },
      update: ({ labelId, ...changes }) => Promise.resolve(session.require().labels.update(labelId, changes)),
      remove: ({ labelId, strategy }) => Promise.resolve(session.require().labels.remove(labelId, strategy)),
      reorder: ({ labelIds }) => Promise.resolve(session.require().labels.reorder(labelIds)),
    },
    annotations: {
      list: ({ imageId }) => Promise.resolve(session.require().annotations.list(imageId)),
      applyPatch: ({ imageId, patch, baseRevision }) =>
        Promise.resolve(session.require().annotations.applyPatch(imageId, patch, baseRevision)),
      convert: ({ imageId, geometry, target, tolerancePx, widthPx, heightPx }) => {
        const image = session.require().images.get(imageId);
        if (widthPx > image.widthPx || heightPx > image.heightPx) {
          throw new InvalidInputError(
            'widthPx/heightPx',
            `the canvas ${widthPx}×${heightPx} is larger than image ${imageId} (${image.widthPx}×${image.heightPx}); convert at the image's size`,
          );
        }
        return geometryPool.convert({ geometry, target, tolerancePx, widthPx, heightPx });
      },
    },
  };
}

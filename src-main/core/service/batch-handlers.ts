import { type ServiceHandlers, asImageId } from '@contract';
import { DuplicateDismissalsRepo } from '../db/duplicate-dismissals-repo';
import { DuplicateFinder } from '../intelligence/duplicate-groups';
import {
  annotationQuery,
  findDuplicates,
  hitsToProposals,
  imagesWithTag,
  projectTags,
  projectGridSource,
  projectPatchIndex,
  ProposalsRepo,
  searchObjects,
  similarImages,
  type EmbeddingSpec,
} from '../intelligence';
import { type InferenceService } from './inference-service';
import { type JobService } from './job-service';
import { type ProjectSession } from './project-session';

/** jobs, review (stored proposals) and search: the dataset-level features on the embedding cache. */
export function createBatchHandlers(
  session: ProjectSession,
  inference: InferenceService,
  jobs: JobService,
): Pick<ServiceHandlers, 'jobs' | 'review' | 'search'> {
  const proposals = () => new ProposalsRepo(session.require());
  const spec = (): EmbeddingSpec => ({ modelId: inference.modelId() });
  const duplicates = new DuplicateFinder();
  const objectHits = (q: { annotationId: number; topK: number; minScore: number; maxPerImage: number }) => {
    const project = session.require();
    const query = annotationQuery(project, spec(), q.annotationId as Parameters<typeof annotationQuery>[2]);
    const hits = searchObjects(
      projectPatchIndex(project, spec()),
      projectGridSource(project, spec()),
      query.vector,
      { topK: q.topK, excludeImageId: query.imageId, minScore: q.minScore, maxPerImage: q.maxPerImage },
    );
    return { query, hits };
  };
  /** What a result list shows of an image: its file name and media address. */
  const named = (imageId: number) => {
    const row = session.require().images.row(asImageId(imageId));
    return { fileName: row.fileName, mediaKey: row.mediaKey };
  };
  return {
    jobs: {
      list: () => Promise.resolve(jobs.runner().list()),
      start: ({ kind, params }) => Promise.resolve(jobs.start(kind, params)),
      cancel: ({ jobId }) => Promise.resolve(jobs.runner().cancel(jobId)),
    },
    review: {
      queue: () => Promise.resolve(proposals().reviewQueue()),
      list: ({ imageId }) =>
        Promise.resolve(
          proposals()
            .list(imageId)
            .map((p) => ({
              id: p.id,
              imageId: p.imageId,
              labelId: p.labelId,
              source: p.source,
              geometry: p.geometry,
              score: p.score,
              areaPx: p.areaPx,
            })),
        ),
      accept: ({ proposalId, labelId, geometry }) => {
        const r = proposals().accept(proposalId, {
          ...(labelId === undefined ? {} : { labelId }),
          ...(geometry === undefined ? {} : { geometry }),
        });
        return Promise.resolve({ annotationIds: [r.annotationId], revision: r.revision });
      },
      acceptAll: ({ imageId }) => Promise.resolve(proposals().acceptAll(imageId)),
      reject: ({ proposalId }) => {
        proposals().reject(proposalId);
        return Promise.resolve(null);
      },
      rejectAll: ({ imageId }) => Promise.resolve({ rejected: proposals().rejectAll(imageId) }),
    },
    search: {
      similarImages: ({ imageId, topK }) =>
        Promise.resolve(
          similarImages(session.require(), spec(), imageId, topK).map((h) => ({
            ...h,
            ...named(h.imageId),
          })),
        ),
      similarObjects: (q) =>
        Promise.resolve(
          objectHits(q).hits.map((h) => ({
            imageId: asImageId(h.imageId),
            ...named(h.imageId),
            score: h.score,
            bbox: h.bbox,
          })),
        ),
      proposeHits: async ({ labelId, ...q }) => {
        session.require().labels.get(labelId); // an unknown label is named here, not by a foreign key
        const { query, hits } = objectHits(q);
        return { proposed: await hitsToProposals(session.require(), spec(), query.vector, hits, labelId) };
      },
      imagesWithTag: async ({ label, minProbability }) => {
        const project = session.require();
        const names = [...new Set([label, ...project.labels.list().map((l) => l.name)])];
        const tags = await projectTags(project, inference.engine(), spec(), names);
        return {
          imageIds: imagesWithTag(tags, label, minProbability),
          skipped: tags.skipped.map((s) => s.reason),
        };
      },
      duplicates: ({ threshold }) =>
        Promise.resolve(findDuplicates(session.require(), spec(), threshold).pairs),
      duplicateGroups: ({ threshold, offset, limit, memberLimit }) => {
        const project = session.require();
        const groups = duplicates.groups(project, spec(), threshold);
        return Promise.resolve({
          totalGroups: groups.length,
          totalImages: groups.reduce((n, g) => n + g.members.length, 0),
          groups: groups.slice(offset, offset + limit).map((g) => ({
            key: g.key,
            size: g.members.length,
            maxScore: g.maxScore,
            members: g.members.slice(0, memberLimit).map((m) => {
              const row = project.images.row(m.imageId);
              return {
                imageId: m.imageId,
                fileName: row.fileName,
                mediaKey: row.mediaKey,
                widthPx: row.widthPx,
                heightPx: row.heightPx,
                annotationCount: row.annotationCount,
                score: m.score,
              };
            }),
          })),
        });
      },
      dismissDuplicates: ({ imageIds }) =>
        Promise.resolve({ dismissed: new DuplicateDismissalsRepo(session.require().db).dismiss(imageIds) }),
    },
  };
}

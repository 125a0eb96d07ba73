import { type ServiceHandlers, asImageId } from '@contract';
import { DuplicateFinder } from '../intelligence/duplicate-groups';
import {
  annotationQuery,
  findDuplicates,
  hitsToProposals,
  imagesWithTag,
  projectTags,
  projectGridSource,
  projectPatchIndex,
  searchObjects,
  similarImages,
  type EmbeddingSpec,
} from '../intelligence';
import { type AnnotationId } from '@contract';
import { type InferenceService } from './inference-service';
import { type JobService } from './job-service';
import { type ProjectSession } from './project-session';

/** jobs, review (stored proposals) and search: the dataset-level features on the embedding cache. */
export function createBatchHandlers(
  session: ProjectSession,
  inference: InferenceService,
  jobs: JobService,
): Pick<ServiceHandlers, 'jobs' | 'review' | 'search'> {
  const proposals = () => session.require().proposals;
  /** The searched embeddings: the request's model and resolution, else the selected model's default. */
  const spec = (input: { modelId?: string | undefined; resolution?: number | undefined }): EmbeddingSpec => ({
    modelId: input.modelId ?? inference.modelId(),
    ...(input.resolution === undefined ? {} : { resolution: input.resolution }),
  });
  const duplicates = new DuplicateFinder();
  const objectHits = (
    q: { annotationId: AnnotationId; topK: number; minScore: number; maxPerImage: number },
    s: EmbeddingSpec,
  ) => {
    const project = session.require();
    const query = annotationQuery(project, s, q.annotationId);
    const hits = searchObjects(projectPatchIndex(project, s), projectGridSource(project, s), query.vector, {
      topK: q.topK,
      excludeImageId: query.imageId,
      minScore: q.minScore,
      maxPerImage: q.maxPerImage,
    });
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
      start: (input) => jobs.start(input),
      run: (input) => jobs.run(input),
      cancel: ({ jobId }) => Promise.resolve(jobs.runner().cancel(jobId)),
      history: ({ limit }) => Promise.resolve(jobs.history(limit)),
    },
    review: {
      queue: () => Promise.resolve(proposals().reviewQueue()),
      summary: () => {
        const repo = proposals();
        return Promise.resolve({ counts: repo.counts(), queue: repo.reviewQueue() });
      },
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
      similarImages: (input) => {
        const project = session.require();
        project.images.get(input.imageId);
        return Promise.resolve(
          similarImages(project, spec(input), input.imageId, input.topK).map((h) => ({
            ...h,
            ...named(h.imageId),
          })),
        );
      },
      similarObjects: (input) =>
        Promise.resolve(
          objectHits(input, spec(input)).hits.map((h) => ({
            imageId: asImageId(h.imageId),
            ...named(h.imageId),
            score: h.score,
            bbox: h.bbox,
            ...(input.heatmaps
              ? {
                  heatmap: {
                    gridW: h.heatmap.gridW,
                    gridH: h.heatmap.gridH,
                    base64: Buffer.from(h.heatmap.data).toString('base64'),
                  },
                }
              : {}),
          })),
        ),
      proposeHits: async (input) => {
        session.require().labels.get(input.labelId); // an unknown label is named here, not by a foreign key
        const s = spec(input);
        const { query, hits } = objectHits(input, s);
        return { proposed: await hitsToProposals(session.require(), s, query.vector, hits, input.labelId) };
      },
      imagesWithTag: async ({ label, minProbability }) => {
        const project = session.require();
        const names = [...new Set([label, ...project.labels.list().map((l) => l.name)])];
        const tags = await projectTags(project, inference.engine(), spec({}), names);
        return {
          imageIds: imagesWithTag(tags, label, minProbability),
          skipped: tags.skipped.map((s) => s.reason),
        };
      },
      duplicates: (input) => Promise.resolve(findDuplicates(session.require(), spec(input), input.threshold)),
      duplicateGroups: (input) => {
        const { offset, limit, memberLimit } = input;
        const project = session.require();
        const groups = duplicates.groups(project, spec(input), input.threshold);
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
        Promise.resolve({ dismissed: session.require().duplicateDismissals.dismiss(imageIds) }),
    },
  };
}

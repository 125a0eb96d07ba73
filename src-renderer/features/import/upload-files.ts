import { type ImportReport } from '@contract';
import { uploadFile } from '../../bridge';

export interface UploadSummary extends ImportReport {
  /** Files the server refused before import (too large, no project…), with the reason. */
  readonly failed: readonly { path: string; reason: string }[];
}

/** Uploads files one after another (the server imports each as it lands), reporting progress. */
export async function uploadFiles(
  files: readonly File[],
  onProgress: (done: number, total: number) => void,
): Promise<UploadSummary> {
  let added = 0;
  let duplicates = 0;
  const identical: { path: string; sameAs: string }[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const failed: { path: string; reason: string }[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    onProgress(i, files.length);
    const r = await uploadFile(file);
    if (!r.ok) {
      failed.push({ path: file.name, reason: r.error.message });
      continue;
    }
    added += r.value.added;
    duplicates += r.value.duplicates;
    identical.push(...r.value.identical);
    skipped.push(...r.value.skipped);
  }
  onProgress(files.length, files.length);
  return { added, duplicates, identical, skipped, failed };
}

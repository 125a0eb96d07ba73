import { type ImageRow, type ImageStatus, type ImageId, type LabelId } from '@contract';
import { api } from '../../bridge';

export const PAGE_ROWS = 200;

export interface ImageFilter {
  readonly status?: ImageStatus;
  readonly nameContains?: string;
  readonly labelId?: LabelId;
  /** A zero-shot tag (a label name); `ids` holds the images it picked. */
  readonly tag?: string;
  readonly ids?: readonly ImageId[];
}

/**
 * Pages of the image list, fetched on demand and cached: a 100k-image project only ever holds the pages
 * that were scrolled past.
 */
export class ImagePager {
  readonly #pages = new Map<number, Promise<readonly ImageRow[]>>();
  #total: number | null = null;

  /** `generation` distinguishes pagers made after the rows changed (an import, a status change). */
  constructor(
    readonly filter: ImageFilter,
    readonly generation = 0,
  ) {}

  get total(): number | null {
    return this.#total;
  }

  /** The filter as the contract takes it (list and locate). */
  #query() {
    return {
      ...(this.filter.status ? { status: this.filter.status } : {}),
      ...(this.filter.nameContains ? { nameContains: this.filter.nameContains } : {}),
      ...(this.filter.labelId ? { labelId: this.filter.labelId } : {}),
      ...(this.filter.ids ? { ids: [...this.filter.ids] } : {}),
    };
  }

  page(index: number): Promise<readonly ImageRow[]> {
    let p = this.#pages.get(index);
    if (!p) {
      p = api()
        .images.list({ offset: index * PAGE_ROWS, limit: PAGE_ROWS, ...this.#query() })
        .then((r) => {
          if (!r.ok) throw new Error(r.error.message);
          this.#total = r.value.total;
          return r.value.items;
        });
      p.catch(() => this.#pages.delete(index));
      this.#pages.set(index, p);
    }
    return p;
  }

  async row(index: number): Promise<ImageRow | undefined> {
    if (index < 0) return undefined;
    const rows = await this.page(Math.floor(index / PAGE_ROWS));
    return rows[index % PAGE_ROWS];
  }

  /**
   * Where an image sits in this filtered list, asked of the backend (it may be on a page never loaded):
   * its index (null when the filter hides it) and the list's length; undefined when the call failed.
   */
  async locate(imageId: ImageId): Promise<{ index: number | null; total: number } | undefined> {
    const r = await api().images.locate({ imageId, ...this.#query() });
    if (!r.ok) return undefined;
    this.#total = r.value.total;
    return r.value;
  }
}

import { type Statement } from 'better-sqlite3';
import {
  AttributeSpecsSchema,
  asLabelId,
  type AttributeSpec,
  type LabelId,
  type Label,
  type LabelRemoval,
} from '@contract';
import { ConflictError, InvalidInputError, NotFoundError, parsedOrThrow } from './errors';
import { type Db, writeTx } from './open-db';

/** Distinct colours handed out in order to labels created without one. */
export const LABEL_PALETTE = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
  '#fabed4',
  '#469990',
  '#dcbeff',
  '#9a6324',
  '#fffac8',
  '#800000',
  '#aaffc3',
  '#808000',
] as const;

const COLOR_RE = /^#[0-9a-fA-F]{6}$/;
const HOTKEY_RE = /^[0-9a-z]$/;
const MAX_NAME_CHARS = 200;

export interface NewLabel {
  readonly name: string;
  readonly color?: string;
  readonly hotkey?: string | null;
  readonly supercategory?: string;
  readonly categoryId?: number | null;
  readonly attributes?: readonly AttributeSpec[];
  /** The text auto-label prompts with; null or absent: the name. */
  readonly prompt?: string | null;
}

export interface LabelChanges {
  readonly name?: string;
  readonly color?: string;
  readonly hotkey?: string | null;
  readonly sort?: number;
  readonly supercategory?: string;
  readonly categoryId?: number | null;
  readonly attributes?: readonly AttributeSpec[];
  /** null (or an empty string) goes back to prompting with the name. */
  readonly prompt?: string | null;
}

interface RawLabel {
  id: number;
  name: string;
  color: string;
  hotkey: string | null;
  sort: number;
  supercategory: string;
  category_id: number | null;
  attributes: string;
  prompt: string | null;
  annotation_count: number;
}

/** Labels: CRUD, colours, hotkeys, order; removal of a used label needs an explicit choice. */
export class LabelsRepo {
  readonly #db: Db;
  readonly #list: Statement;
  readonly #get: Statement;
  readonly #byName: Statement;
  readonly #byHotkey: Statement;
  readonly #insert: Statement;
  readonly #update: Statement;
  readonly #nextSort: Statement;
  readonly #count: Statement;
  readonly #usage: Statement;
  readonly #bumpImagesUsing: Statement;
  readonly #reassign: Statement;
  readonly #deleteAnnotations: Statement;
  readonly #delete: Statement;
  readonly #byCategory: Statement;

  constructor(db: Db) {
    this.#db = db;
    const select = `SELECT l.id, l.name, l.color, l.hotkey, l.sort, l.supercategory, l.category_id, l.attributes, l.prompt,
      (SELECT COUNT(*) FROM annotations a WHERE a.label_id = l.id) AS annotation_count FROM labels l`;
    this.#list = db.prepare(`${select} ORDER BY l.sort, l.id`);
    this.#get = db.prepare(`${select} WHERE l.id = ?`);
    this.#byName = db.prepare('SELECT id FROM labels WHERE name = ? COLLATE NOCASE').pluck();
    this.#byHotkey = db.prepare('SELECT name FROM labels WHERE hotkey = ? AND id != ?').pluck();
    this.#insert = db.prepare(
      `INSERT INTO labels (name, color, hotkey, sort, supercategory, category_id, attributes, prompt)
       VALUES (@name, @color, @hotkey, @sort, @supercategory, @categoryId, @attributes, @prompt)`,
    );
    this.#update = db.prepare(
      `UPDATE labels SET name = @name, color = @color, hotkey = @hotkey, sort = @sort,
         supercategory = @supercategory, category_id = @categoryId, attributes = @attributes, prompt = @prompt
       WHERE id = @id`,
    );
    this.#byCategory = db.prepare('SELECT id FROM labels WHERE category_id = ?').pluck();
    this.#nextSort = db.prepare('SELECT COALESCE(MAX(sort) + 1, 0) FROM labels').pluck();
    this.#count = db.prepare('SELECT COUNT(*) FROM labels').pluck();
    this.#usage = db.prepare('SELECT COUNT(*) FROM annotations WHERE label_id = ?').pluck();
    // Relabelling or deleting annotations is an edit of their images: bump those revisions so that a
    // client still holding the old state gets a conflict instead of silently overwriting.
    this.#bumpImagesUsing = db.prepare(
      'UPDATE images SET revision = revision + 1 WHERE id IN (SELECT image_id FROM annotations WHERE label_id = ?)',
    );
    this.#reassign = db.prepare(
      `UPDATE annotations SET label_id = ?, updated_at = ?,
         revision = (SELECT revision FROM images WHERE images.id = annotations.image_id)
       WHERE label_id = ?`,
    );
    this.#deleteAnnotations = db.prepare('DELETE FROM annotations WHERE label_id = ?');
    this.#delete = db.prepare('DELETE FROM labels WHERE id = ?');
  }

  list(): Label[] {
    return (this.#list.all() as RawLabel[]).map(toLabel);
  }

  count(): number {
    return this.#count.get() as number;
  }

  get(id: LabelId): Label {
    const raw = this.#get.get(id) as RawLabel | undefined;
    if (!raw) throw new NotFoundError(`label ${id} does not exist in this project`, { labelId: id });
    return toLabel(raw);
  }

  exists(id: LabelId): boolean {
    return this.#get.get(id) !== undefined;
  }

  findByName(name: string): Label | undefined {
    const id = this.#byName.get(name.trim()) as number | undefined;
    return id === undefined ? undefined : this.get(asLabelId(id));
  }

  findByCategoryId(categoryId: number): Label | undefined {
    const id = this.#byCategory.get(categoryId) as number | undefined;
    return id === undefined ? undefined : this.get(asLabelId(id));
  }

  create(input: NewLabel): Label {
    return writeTx(this.#db, () => {
      const name = checkName(input.name);
      const sort = this.#nextSort.get() as number;
      const color = input.color === undefined ? paletteColor(sort) : checkColor(input.color);
      const hotkey = checkHotkey(input.hotkey ?? null);
      const categoryId = checkCategoryId(input.categoryId ?? null);
      this.#assertFree(name, hotkey, 0, categoryId);
      const id = Number(
        this.#insert.run({
          name,
          color,
          hotkey,
          sort,
          supercategory: checkSupercategory(input.supercategory ?? ''),
          categoryId,
          attributes: JSON.stringify(checkSpecs(input.attributes ?? [])),
          prompt: checkPrompt(input.prompt ?? null),
        }).lastInsertRowid,
      );
      return this.get(asLabelId(id));
    });
  }

  update(id: LabelId, changes: LabelChanges): Label {
    return writeTx(this.#db, () => {
      const current = this.get(id);
      const name = changes.name === undefined ? current.name : checkName(changes.name);
      const color = changes.color === undefined ? current.color : checkColor(changes.color);
      const hotkey = changes.hotkey === undefined ? current.hotkey : checkHotkey(changes.hotkey);
      const sort = changes.sort === undefined ? current.sort : checkSort(changes.sort);
      const categoryId =
        changes.categoryId === undefined ? current.categoryId : checkCategoryId(changes.categoryId);
      this.#assertFree(name, hotkey, id, categoryId);
      this.#write(id, {
        ...current,
        name,
        color,
        hotkey,
        sort,
        categoryId,
        supercategory:
          changes.supercategory === undefined
            ? current.supercategory
            : checkSupercategory(changes.supercategory),
        attributes: changes.attributes === undefined ? current.attributes : checkSpecs(changes.attributes),
        prompt: changes.prompt === undefined ? current.prompt : checkPrompt(changes.prompt),
      });
      return this.get(id);
    });
  }

  /**
   * Adds attribute specs the label does not declare yet (by name); existing ones are left as they are.
   * Returns the label's specs after the merge.
   */
  declareAttributes(id: LabelId, specs: readonly AttributeSpec[]): AttributeSpec[] {
    return writeTx(this.#db, () => {
      const current = this.get(id);
      const known = new Set(current.attributes.map((s) => s.name));
      const added = specs.filter((s) => !known.has(s.name) && (known.add(s.name), true));
      if (added.length === 0) return current.attributes;
      const attributes = checkSpecs([...current.attributes, ...added]);
      this.#write(id, { ...current, attributes });
      return attributes;
    });
  }

  /** Sets `sort` to the position of each id in `orderedIds`; labels not listed keep their relative order after. */
  reorder(orderedIds: readonly LabelId[]): Label[] {
    return writeTx(this.#db, () => {
      const rest = this.list().filter((l) => !orderedIds.includes(l.id));
      const all = [...orderedIds.map((id) => this.get(id)), ...rest];
      all.forEach((l, i) => this.#write(l.id, { ...l, sort: i }));
      return this.list();
    });
  }

  #write(id: LabelId, l: Omit<Label, 'id' | 'annotationCount'>): void {
    this.#update.run({
      id,
      name: l.name,
      color: l.color,
      hotkey: l.hotkey,
      sort: l.sort,
      supercategory: l.supercategory,
      categoryId: l.categoryId,
      attributes: JSON.stringify(l.attributes),
      prompt: l.prompt,
    });
  }

  remove(id: LabelId, strategy: LabelRemoval): { removedAnnotations: number; reassigned: number } {
    return writeTx(this.#db, () => {
      const label = this.get(id);
      const used = this.#usage.get(id) as number;
      let removedAnnotations = 0;
      let reassigned = 0;
      if (used > 0) {
        switch (strategy.kind) {
          case 'only_if_unused':
            throw new ConflictError(
              `label "${label.name}" is used by ${used} annotation(s): choose to reassign them to another label or to delete them`,
              { labelId: id, annotationCount: used },
            );
          case 'reassign': {
            if (strategy.toLabelId === id) {
              throw new InvalidInputError(
                'toLabelId',
                'cannot reassign annotations to the label being deleted',
              );
            }
            if (!this.exists(strategy.toLabelId)) {
              throw new NotFoundError(`label ${strategy.toLabelId} (reassign target) does not exist`);
            }
            this.#bumpImagesUsing.run(id);
            reassigned = this.#reassign.run(strategy.toLabelId, Date.now(), id).changes;
            break;
          }
          case 'delete_annotations':
            this.#bumpImagesUsing.run(id);
            removedAnnotations = this.#deleteAnnotations.run(id).changes;
            break;
        }
      }
      this.#delete.run(id);
      return { removedAnnotations, reassigned };
    });
  }

  #assertFree(name: string, hotkey: string | null, selfId: number, categoryId: number | null): void {
    if (categoryId !== null) {
      const holder = this.#byCategory.get(categoryId) as number | undefined;
      if (holder !== undefined && holder !== selfId) {
        throw new ConflictError(
          `category id ${categoryId} already belongs to label ${this.get(asLabelId(holder)).name}`,
          {
            field: 'categoryId',
          },
        );
      }
    }
    const sameName = this.#byName.get(name) as number | undefined;
    if (sameName !== undefined && sameName !== selfId) {
      throw new ConflictError(`a label named "${name}" already exists`, { field: 'name' });
    }
    if (hotkey !== null) {
      const holder = this.#byHotkey.get(hotkey, selfId) as string | undefined;
      if (holder !== undefined) {
        throw new ConflictError(`hotkey "${hotkey}" is already used by label "${holder}"`, {
          field: 'hotkey',
        });
      }
    }
  }
}

export function paletteColor(index: number): string {
  return LABEL_PALETTE[index % LABEL_PALETTE.length] ?? LABEL_PALETTE[0];
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new InvalidInputError('name', 'a label name cannot be empty');
  if (trimmed.length > MAX_NAME_CHARS) {
    throw new InvalidInputError('name', `a label name has at most ${MAX_NAME_CHARS} characters`);
  }
  return trimmed;
}

function checkColor(color: string): string {
  if (!COLOR_RE.test(color)) throw new InvalidInputError('color', `colours are #rrggbb, got "${color}"`);
  return color.toLowerCase();
}

function checkHotkey(hotkey: string | null): string | null {
  if (hotkey === null) return null;
  if (!HOTKEY_RE.test(hotkey))
    throw new InvalidInputError('hotkey', `a hotkey is one digit or lowercase letter, got "${hotkey}"`);
  return hotkey;
}

function checkCategoryId(id: number | null): number | null {
  if (id === null) return null;
  if (!Number.isInteger(id) || id < 0 || id > 2 ** 31 - 1) {
    throw new InvalidInputError('categoryId', `a category id is a non-negative integer, got ${id}`);
  }
  return id;
}

function checkSupercategory(s: string): string {
  const trimmed = s.trim();
  if (trimmed.length > MAX_NAME_CHARS) {
    throw new InvalidInputError('supercategory', `a supercategory has at most ${MAX_NAME_CHARS} characters`);
  }
  return trimmed;
}

function checkSpecs(specs: readonly AttributeSpec[]): AttributeSpec[] {
  const parsed = parsedOrThrow(AttributeSpecsSchema.safeParse(specs), 'attributes', 'invalid attribute list');
  for (const [i, spec] of parsed.entries()) {
    if (spec.kind === 'one_of' && !spec.options.includes(spec.default)) {
      throw new InvalidInputError(
        `attributes.${i}.default`,
        `"${spec.default}" is not one of the options of "${spec.name}"`,
      );
    }
  }
  return parsed;
}

function checkPrompt(prompt: string | null): string | null {
  if (prompt === null) return null;
  const trimmed = prompt.trim();
  if (trimmed.length > MAX_NAME_CHARS) {
    throw new InvalidInputError('prompt', `a label prompt has at most ${MAX_NAME_CHARS} characters`);
  }
  return trimmed.length === 0 ? null : trimmed;
}

function checkSort(sort: number): number {
  if (!Number.isInteger(sort)) throw new InvalidInputError('sort', `sort must be an integer, got ${sort}`);
  return sort;
}

function toLabel(raw: RawLabel): Label {
  return {
    id: asLabelId(raw.id),
    name: raw.name,
    color: raw.color,
    hotkey: raw.hotkey,
    sort: raw.sort,
    supercategory: raw.supercategory,
    categoryId: raw.category_id,
    attributes: AttributeSpecsSchema.parse(JSON.parse(raw.attributes)),
    prompt: raw.prompt,
    annotationCount: raw.annotation_count,
  };
}

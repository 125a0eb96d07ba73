/**
 * The project database schema as an ordered list of migrations. Migration i (1-based) brings
 * `PRAGMA user_version` from i-1 to i. Never edit a released migration: append a new one.
 */

/** 'RdLb': marks the SQLite file as a RadioLabel project (PRAGMA application_id). */
export const RADIOLABEL_APPLICATION_ID = 0x52644c62;

const v1 = `
CREATE TABLE project_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE images (
  id        INTEGER PRIMARY KEY,
  path      TEXT NOT NULL,
  name      TEXT NOT NULL,
  sha256    TEXT NOT NULL UNIQUE,
  format    TEXT NOT NULL,
  bytes     INTEGER NOT NULL,
  width     INTEGER NOT NULL CHECK (width > 0),
  height    INTEGER NOT NULL CHECK (height > 0),
  status    TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done', 'review')),
  missing   INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0, 1)),
  revision  INTEGER NOT NULL DEFAULT 0,
  added_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX images_name ON images (name, id);
CREATE INDEX images_status_name ON images (status, name, id);
CREATE INDEX images_status_id ON images (status, id);
CREATE INDEX images_bytes ON images (bytes);

CREATE TABLE labels (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL UNIQUE COLLATE NOCASE,
  color   TEXT NOT NULL,
  hotkey  TEXT UNIQUE,
  sort    INTEGER NOT NULL
) STRICT;

CREATE TABLE annotations (
  id          INTEGER PRIMARY KEY,
  image_id    INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  label_id    INTEGER NOT NULL REFERENCES labels (id),
  kind        TEXT NOT NULL CHECK (kind IN ('box', 'polygon', 'mask', 'point')),
  geometry    TEXT NOT NULL,
  score       REAL,
  source      TEXT NOT NULL CHECK (source IN ('manual', 'click', 'text', 'propagated', 'imported')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  revision    INTEGER NOT NULL
) STRICT;
CREATE INDEX annotations_image ON annotations (image_id);
CREATE INDEX annotations_label_image ON annotations (label_id, image_id);

-- bytes sits before data so that budget sums never touch the blob's overflow pages.
CREATE TABLE embeddings (
  image_id    INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  model_id    TEXT NOT NULL,
  resolution  TEXT NOT NULL,
  dtype       TEXT NOT NULL,
  dims        TEXT NOT NULL,
  bytes       INTEGER NOT NULL,
  last_used   INTEGER NOT NULL,
  data        BLOB NOT NULL,
  PRIMARY KEY (image_id, model_id, resolution)
) STRICT;
CREATE INDEX embeddings_lru ON embeddings (last_used);

CREATE TABLE text_embeddings (
  model_id  TEXT NOT NULL,
  text      TEXT NOT NULL,
  data      BLOB NOT NULL,
  PRIMARY KEY (model_id, text)
) STRICT;

PRAGMA application_id = ${RADIOLABEL_APPLICATION_ID};
`;

/** v2: background jobs with per-item completion records (resume), and proposals awaiting review. */
const v2 = `
CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('embed', 'auto_label', 'propagate', 'export')),
  params       TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  total        INTEGER NOT NULL DEFAULT 0,
  done         INTEGER NOT NULL DEFAULT 0,
  failed       INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  created_at   INTEGER NOT NULL,
  started_at   INTEGER,
  finished_at  INTEGER
) STRICT;
CREATE INDEX jobs_state ON jobs (state, id);

CREATE TABLE job_items (
  job_id       INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  image_id     INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed', 'skipped')),
  error        TEXT,
  finished_at  INTEGER,
  PRIMARY KEY (job_id, image_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX job_items_state ON job_items (job_id, state, image_id);

CREATE TABLE proposals (
  id           INTEGER PRIMARY KEY,
  image_id     INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  label_id     INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
  job_id       INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
  source       TEXT NOT NULL CHECK (source IN ('text', 'propagated')),
  geometry     TEXT NOT NULL,
  score        REAL NOT NULL,
  area         INTEGER NOT NULL,
  fingerprint  TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
  created_at   INTEGER NOT NULL,
  UNIQUE (image_id, label_id, source, fingerprint)
) STRICT;
CREATE INDEX proposals_image_state ON proposals (image_id, state);
`;

/** v3: compact per-image descriptors for object search (a few KB each); kept when the embedding is evicted. */
const v3 = `
CREATE TABLE image_descriptors (
  image_id     INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  model_id     TEXT NOT NULL,
  resolution   TEXT NOT NULL,
  kind         TEXT NOT NULL,
  data         BLOB NOT NULL,
  PRIMARY KEY (image_id, model_id, resolution, kind)
) STRICT, WITHOUT ROWID;
`;

/**
 * v4: the editor's client id of each added annotation, unique per image, so that a patch re-sent after a
 * lost answer (already committed) cannot add the same shape twice.
 */
const v4 = `
ALTER TABLE annotations ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX annotations_client_id ON annotations (image_id, client_id) WHERE client_id IS NOT NULL;
`;

/**
 * v5: each image file's modification time when it was imported (or last verified), so that the media
 * route serves a file only while it still is what was imported: same size and mtime, or else same hash.
 */
const v5 = `
ALTER TABLE images ADD COLUMN mtime_ms INTEGER;
`;

/**
 * v6: a label's text prompt for auto-label (NULL: its name), warnings a job finished with (JSON array,
 * e.g. a label whose prompt the model cannot embed), and sets of images the user marked as not
 * duplicates of each other (two images are dismissed as a pair when they share a set).
 */
const v6 = `
ALTER TABLE labels ADD COLUMN prompt TEXT;
ALTER TABLE jobs ADD COLUMN warnings TEXT;
CREATE TABLE duplicate_dismissals (
  set_id    INTEGER NOT NULL,
  image_id  INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  PRIMARY KEY (set_id, image_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX duplicate_dismissals_image ON duplicate_dismissals (image_id, set_id);
`;

/**
 * v7: the annotation model carries what dataset formats carry.
 * - images: byte-identical files under different names are separate images, so the content hash is no
 *   longer unique; the same file (path and content) is still imported once.
 * - annotations: polylines, rotated boxes and image tags; COCO iscrowd; attribute values (JSON object);
 *   groups (shapes of one object share a group id within their image).
 * - labels: COCO supercategory and original category id (kept for the next export), and the attributes
 *   their annotations carry (JSON array of specs).
 * SQLite cannot drop a UNIQUE or change a CHECK in place: images and annotations are rebuilt (the
 * migration runs with foreign keys off and checks them before it commits).
 */
const v7 = `
CREATE TABLE images_rebuilt (
  id        INTEGER PRIMARY KEY,
  path      TEXT NOT NULL,
  name      TEXT NOT NULL,
  sha256    TEXT NOT NULL,
  format    TEXT NOT NULL,
  bytes     INTEGER NOT NULL,
  width     INTEGER NOT NULL CHECK (width > 0),
  height    INTEGER NOT NULL CHECK (height > 0),
  status    TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done', 'review')),
  missing   INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0, 1)),
  revision  INTEGER NOT NULL DEFAULT 0,
  added_at  INTEGER NOT NULL,
  mtime_ms  INTEGER,
  UNIQUE (path, sha256)
) STRICT;
INSERT INTO images_rebuilt (id, path, name, sha256, format, bytes, width, height, status, missing, revision, added_at, mtime_ms)
  SELECT id, path, name, sha256, format, bytes, width, height, status, missing, revision, added_at, mtime_ms FROM images;
DROP TABLE images;
ALTER TABLE images_rebuilt RENAME TO images;
CREATE INDEX images_name ON images (name, id);
CREATE INDEX images_status_name ON images (status, name, id);
CREATE INDEX images_status_id ON images (status, id);
CREATE INDEX images_bytes ON images (bytes);
CREATE INDEX images_sha256 ON images (sha256);

CREATE TABLE annotations_rebuilt (
  id          INTEGER PRIMARY KEY,
  image_id    INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  label_id    INTEGER NOT NULL REFERENCES labels (id),
  kind        TEXT NOT NULL CHECK (kind IN ('box', 'polygon', 'mask', 'point', 'polyline', 'rotated_box', 'tag')),
  geometry    TEXT NOT NULL,
  score       REAL,
  source      TEXT NOT NULL CHECK (source IN ('manual', 'click', 'text', 'propagated', 'imported')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  revision    INTEGER NOT NULL,
  client_id   TEXT,
  iscrowd     INTEGER NOT NULL DEFAULT 0 CHECK (iscrowd IN (0, 1)),
  attributes  TEXT NOT NULL DEFAULT '{}',
  group_id    INTEGER CHECK (group_id > 0)
) STRICT;
INSERT INTO annotations_rebuilt (id, image_id, label_id, kind, geometry, score, source, created_at, updated_at, revision, client_id)
  SELECT id, image_id, label_id, kind, geometry, score, source, created_at, updated_at, revision, client_id FROM annotations;
DROP TABLE annotations;
ALTER TABLE annotations_rebuilt RENAME TO annotations;
CREATE INDEX annotations_image ON annotations (image_id);
CREATE INDEX annotations_label_image ON annotations (label_id, image_id);
CREATE UNIQUE INDEX annotations_client_id ON annotations (image_id, client_id) WHERE client_id IS NOT NULL;

ALTER TABLE labels ADD COLUMN supercategory TEXT NOT NULL DEFAULT '';
ALTER TABLE labels ADD COLUMN category_id INTEGER CHECK (category_id >= 0);
ALTER TABLE labels ADD COLUMN attributes TEXT NOT NULL DEFAULT '[]';
CREATE UNIQUE INDEX labels_category_id ON labels (category_id) WHERE category_id IS NOT NULL;
`;

/**
 * v8: job leases. A queued or running job is held by one runner (a random id, with its pid and host for
 * people) until its lease expires; the runner's heartbeat renews it. Another process takes a job over only
 * after the lease has run out, so a job a live CLI runs is never computed twice by the app.
 */
const v8 = `
ALTER TABLE jobs ADD COLUMN owner_id TEXT;
ALTER TABLE jobs ADD COLUMN owner_pid INTEGER;
ALTER TABLE jobs ADD COLUMN owner_host TEXT;
ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;
`;

export const MIGRATIONS: readonly string[] = [v1, v2, v3, v4, v5, v6, v7, v8];
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

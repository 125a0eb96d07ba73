/**
 * A reader for the small YAML subset that Ultralytics `data.yaml` files use: a top-level map of scalars,
 * block lists (`- a`), block maps (`0: a`) one level deep, and flow collections (`[a, b]`, `{0: a}`).
 * Anything else is rejected with the line number rather than guessed.
 */
export type YamlScalar = string | number | boolean | null;
export type YamlValue = YamlScalar | YamlValue[] | { [key: string]: YamlValue };

export class YamlError extends Error {
  override readonly name = 'YamlError';
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) {
      return line.slice(0, i);
    }
  }
  return line;
}

function scalar(raw: string, lineNo: number): YamlScalar {
  const s = raw.trim();
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new YamlError(`line ${lineNo}: bad double-quoted string ${s}`);
    }
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2)
      throw new YamlError(`line ${lineNo}: unterminated quoted string ${s}`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (/^(true|True|TRUE)$/.test(s)) return true;
  if (/^(false|False|FALSE)$/.test(s)) return false;
  if (/^[-+]?(\d+|\d*\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
  return s;
}

/** Splits a flow collection's inside on top-level commas. */
function splitFlow(inner: string, lineNo: number): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let depth = 0;
  let cur = '';
  for (const c of inner) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (quote || depth !== 0) throw new YamlError(`line ${lineNo}: unbalanced flow collection`);
  if (cur.trim() !== '') parts.push(cur);
  return parts;
}

/** Index of the `key: value` separator (a colon followed by a space or the end), outside quotes. */
function keySeparator(s: string): number {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ':' && (i + 1 === s.length || s[i + 1] === ' ' || s[i + 1] === '\t')) return i;
  }
  return -1;
}

function keyText(raw: string, lineNo: number): string {
  const k = scalar(raw, lineNo);
  return k === null ? '' : String(k);
}

function value(raw: string, lineNo: number): YamlValue {
  const s = raw.trim();
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new YamlError(`line ${lineNo}: unterminated flow list`);
    return splitFlow(s.slice(1, -1), lineNo).map((p) => value(p, lineNo));
  }
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) throw new YamlError(`line ${lineNo}: unterminated flow map`);
    const out: Record<string, YamlValue> = {};
    for (const part of splitFlow(s.slice(1, -1), lineNo)) {
      const sep = keySeparator(part);
      if (sep < 0) throw new YamlError(`line ${lineNo}: expected "key: value" in ${part.trim()}`);
      out[keyText(part.slice(0, sep), lineNo)] = value(part.slice(sep + 1), lineNo);
    }
    return out;
  }
  return scalar(s, lineNo);
}

export function parseYamlLite(text: string): Record<string, YamlValue> {
  const root: Record<string, YamlValue> = {};
  let openKey: string | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((rawLine, i) => {
    const lineNo = i + 1;
    const line = stripComment(rawLine).replace(/\s+$/, '');
    if (line.trim() === '' || line.trim() === '---') return;
    if (/^\t/.test(line)) throw new YamlError(`line ${lineNo}: tabs are not allowed for indentation in YAML`);
    const indented = /^\s/.test(line);
    const body = line.trim();
    if (!indented) {
      const sep = keySeparator(body);
      if (sep < 0) throw new YamlError(`line ${lineNo}: expected "key: value"`);
      const key = keyText(body.slice(0, sep), lineNo);
      const rest = body.slice(sep + 1).trim();
      root[key] = rest === '' ? null : value(rest, lineNo);
      openKey = rest === '' ? key : null;
      return;
    }
    if (openKey === null) throw new YamlError(`line ${lineNo}: unexpected indentation`);
    const current = root[openKey];
    if (body.startsWith('- ') || body === '-') {
      if (current !== null && !Array.isArray(current)) {
        throw new YamlError(`line ${lineNo}: list item inside a map`);
      }
      const list = current ?? [];
      list.push(value(body.slice(1), lineNo));
      root[openKey] = list;
      return;
    }
    const sep = keySeparator(body);
    if (sep < 0) throw new YamlError(`line ${lineNo}: expected "key: value" or "- item"`);
    if (Array.isArray(current) || (current !== null && typeof current !== 'object')) {
      throw new YamlError(`line ${lineNo}: map entry inside a list`);
    }
    const map = current ?? {};
    map[keyText(body.slice(0, sep), lineNo)] = value(body.slice(sep + 1), lineNo);
    root[openKey] = map;
  });
  return root;
}

/**
 * Class names from a data.yaml document: `names` as a list, or a map whose keys are exactly 0..n−1 (as
 * Ultralytics' check_class_names demands); `nc`, when present, must equal the number of names.
 */
function nameText(v: YamlValue, where: string): string {
  if (v === null || typeof v === 'object')
    throw new YamlError(`${where}: a class name must be a plain value`);
  return String(v);
}

export function yoloNamesFromYaml(doc: Record<string, YamlValue>): string[] {
  const names = doc.names;
  let out: string[];
  if (names === null) {
    out = []; // `names:` with nothing under it
  } else if (Array.isArray(names)) {
    out = names.map((n, i) => nameText(n, `names[${i}]`));
  } else if (typeof names === 'object') {
    const entries = Object.entries(names);
    out = new Array<string>(entries.length);
    for (const [k, v] of entries) {
      const idx = Number(k);
      if (!Number.isInteger(idx) || idx < 0 || idx >= entries.length) {
        throw new YamlError(`names: keys must be 0..${entries.length - 1}, found "${k}"`);
      }
      out[idx] = nameText(v, `names.${k}`);
    }
  } else {
    throw new YamlError('names: expected a list or a map {0: name, …}');
  }
  if (doc.nc !== undefined && doc.nc !== null && doc.nc !== out.length) {
    throw new YamlError(`nc is ${JSON.stringify(doc.nc)} but names has ${out.length} entries`);
  }
  return out;
}

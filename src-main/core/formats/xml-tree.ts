import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';

/** A small element tree (the parts of VOC and CVAT XML the readers use): no namespaces, text joined. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

export const child = (e: XmlElement, name: string): XmlElement | undefined =>
  e.children.find((c) => c.name === name);
export const children = (e: XmlElement, name: string): XmlElement[] =>
  e.children.filter((c) => c.name === name);
/** Trimmed text of a child element, or undefined when absent. */
export const childText = (e: XmlElement, name: string): string | undefined => child(e, name)?.text.trim();

function newElement(name: string, attrs: Record<string, string>): XmlElement {
  return { name, attrs, children: [], text: '' };
}

function xmlError(display: string, e: unknown): Error {
  // saxes messages start with "fileName:line:column:".
  return new Error(`${display}: invalid XML: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * Wires a saxes parser to build elements: `keep(name, depth)` says whether an element outside any kept
 * subtree starts one; `closed` receives each kept subtree's root when it closes.
 */
function buildTrees(
  parser: SaxesParser,
  keep: (name: string) => boolean,
  closed: (root: XmlElement) => void,
): void {
  const stack: (XmlElement | null)[] = [];
  const appendText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('opentag', (tag) => {
    const parent = stack[stack.length - 1] ?? null;
    const el =
      parent !== null || keep(tag.name)
        ? newElement(tag.name, { ...(tag.attributes as Record<string, string>) })
        : null;
    if (el !== null && parent !== null) parent.children.push(el);
    stack.push(el);
  });
  parser.on('text', appendText);
  parser.on('cdata', appendText);
  parser.on('closetag', () => {
    const el = stack.pop() ?? null;
    if (el !== null && (stack.length === 0 || stack[stack.length - 1] === null)) closed(el);
  });
}

/**
 * Streams an XML file and hands out every element named in `emit` (with its subtree) as soon as it
 * closes; elements outside those subtrees are not kept, so memory is one subtree at a time (CVAT's
 * annotations.xml holds one <image> per frame). Parsing is saxes' (strict, well-formedness checked).
 */
export async function* streamXmlElements(
  file: string,
  display: string,
  emit: ReadonlySet<string>,
): AsyncGenerator<XmlElement, void, undefined> {
  const parser = new SaxesParser({ fileName: display });
  let ready: XmlElement[] = [];
  let failure: unknown = null;
  parser.on('error', (e) => {
    failure ??= e;
  });
  buildTrees(
    parser,
    (name) => emit.has(name),
    (el) => ready.push(el),
  );
  const decoder = new StringDecoder('utf8');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    parser.write(decoder.write(chunk as Buffer));
    if (failure !== null) throw xmlError(display, failure);
    if (ready.length > 0) {
      const out = ready;
      ready = [];
      yield* out;
    }
  }
  parser.write(decoder.end());
  parser.close();
  if (failure !== null) throw xmlError(display, failure);
  yield* ready;
}

/** Parses a small XML document whole (a VOC annotation file) into its root element. */
export function parseXml(text: string, display: string): XmlElement {
  const parser = new SaxesParser({ fileName: display });
  let root: XmlElement | null = null;
  buildTrees(
    parser,
    () => root === null,
    (el) => (root ??= el),
  );
  try {
    parser.write(text).close();
  } catch (e) {
    throw xmlError(display, e);
  }
  if (root === null) throw new Error(`${display}: invalid XML: no root element`);
  return root;
}

export const escapeXml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  readMember,
  scanTopLevelMembers,
  streamArrayElements,
} from '../../../../src-main/core/formats/json-stream';
import { tempDirs } from '../../../fixtures/images/temp-dirs';

const temp = tempDirs('json-stream');
afterAll(() => temp.cleanup());

async function write(text: string): Promise<string> {
  const file = path.join(temp.make(), 'f.json');
  await writeFile(file, text);
  return file;
}

async function elementsOf(text: string, key: string, chunkBytes: number): Promise<unknown[]> {
  const file = await write(text);
  const members = await scanTopLevelMembers(file, 'f.json', { chunkBytes });
  const range = members.get(key);
  if (range === undefined) throw new Error(`no member ${key}`);
  const out: unknown[] = [];
  for await (const v of streamArrayElements(file, range, 'f.json', { chunkBytes })) out.push(v);
  return out;
}

/** Strings holding every byte the scanner looks for, escapes, multi-byte UTF-8 and nested values. */
const tricky = [
  { s: 'a,b]}{["\\"', n: [1, [2, [3, {}]]], e: 'ünïcødé 🐈 ,]' },
  'plain',
  -1.5e-7,
  null,
  true,
  [],
  {},
  { '}': '{', ',': [',', ']'] },
  '\\',
  '\\\\"]',
];

describe('streaming a JSON array with native parsing', () => {
  it('gives exactly JSON.parse’s elements at every chunk size, boundaries falling anywhere', async () => {
    const text = JSON.stringify({ head: 'x', items: tricky, tail: { k: [1, 2] } }, null, 1);
    for (const chunkBytes of [1, 2, 3, 5, 7, 16, 64, 1 << 20]) {
      expect(await elementsOf(text, 'items', chunkBytes), `chunk ${chunkBytes}`).toEqual(tricky);
    }
  });

  it('reads an empty list, whitespace around separators, and an element far larger than a chunk', async () => {
    expect(await elementsOf('{"a": [ ] }', 'a', 2)).toEqual([]);
    expect(await elementsOf('{"a":[ 1 ,\n 2\t,3 ]}', 'a', 3)).toEqual([1, 2, 3]);
    const big = { rings: [Array.from({ length: 5000 }, (_, i) => i / 7)] };
    expect(await elementsOf(JSON.stringify({ a: [1, big, 2] }), 'a', 64)).toEqual([1, big, 2]);
  });

  it('locates members in any order, with escaped and non-ASCII keys, and parses small ones whole', async () => {
    const doc = { 'k"ey': 1, annotations: [{ id: 1 }], ké: { a: [1] }, categories: [{ id: 2, name: 'c' }] };
    const file = await write(JSON.stringify(doc, null, 2));
    const members = await scanTopLevelMembers(file, 'f.json', { chunkBytes: 5 });
    expect([...members.keys()]).toEqual(['k"ey', 'annotations', 'ké', 'categories']);
    expect(members.get('annotations')?.first).toBe(0x5b);
    expect(await readMember(file, members.get('ké')!, 'f.json')).toEqual({ a: [1] });
    expect(await readMember(file, members.get('categories')!, 'f.json')).toEqual(doc.categories);
  });

  it('names the file and says what is wrong with broken JSON', async () => {
    const fail = async (text: string, key = 'a') => {
      try {
        await elementsOf(text, key, 4);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(await fail('')).toBe('f.json: the file is empty');
    expect(await fail('[1,2]')).toBe(
      'f.json: expected a JSON object with images, annotations and categories',
    );
    expect(await fail('{"a": [1, 2')).toBe(
      'f.json: invalid JSON: the file ends before the top-level object is closed',
    );
    expect(await fail('{"a": [1,,2]}')).toMatch(
      /^f\.json: invalid JSON: .* \(in the list's elements between bytes 6 and /,
    );
    expect(await fail('{"a": [1, 2,]}')).toMatch(/^f\.json: invalid JSON: /);
    expect(await fail('{"a": [tru]}')).toMatch(/^f\.json: invalid JSON: /);
    expect(await fail('{"a": [1], }')).toBe('f.json: invalid JSON: an empty member before byte 11');
    expect(await fail('{a: [1]}')).toBe('f.json: invalid JSON: expected a quoted key at byte 1');
    expect(await fail('{"a" [1]}')).toBe('f.json: invalid JSON: expected ":" after the key "a" at byte 5');
  });
});

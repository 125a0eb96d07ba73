import { type Instance, type Label } from '@contract';
import { type Proposal } from '../../model';

/** "red, dark blue" → ["red", "dark blue"]: each part competes with the others (and the background). */
export function promptsFromText(text: string): string[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .slice(0, 16);
}

/** Instances become text proposals; a prompt that is a label's name or prompt proposes that label. */
export function proposalsFromInstances(instances: readonly Instance[], labels: readonly Label[]): Proposal[] {
  const byName = new Map([
    ...labels.flatMap((l) => (l.prompt ? [[l.prompt.toLowerCase(), l.id] as const] : [])),
    ...labels.map((l) => [l.name.toLowerCase(), l.id] as const),
  ]);
  return instances.map((inst, i) => ({
    key: `text-${i}-${inst.label}`,
    origin: 'text' as const,
    geometry: { kind: 'mask' as const, rle: inst.rle },
    labelId: byName.get(inst.label.toLowerCase()) ?? null,
    score: inst.score,
  }));
}

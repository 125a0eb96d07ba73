/** Python's string.punctuation, stripped the way the model's canonicalisation does. */
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/**
 * The words of `prompts` a closed vocabulary does not have (lowercased, punctuation stripped, like the
 * model's tokenizer), each once: the prompt bar names them before asking the model.
 */
export function unknownWords(prompts: readonly string[], vocabulary: readonly string[]): string[] {
  const known = new Set(vocabulary.map((w) => w.toLowerCase()));
  const out: string[] = [];
  for (const p of prompts)
    for (const w of p.replace(/_/g, ' ').replace(PUNCTUATION, '').toLowerCase().split(/\s+/))
      if (w && !known.has(w) && !out.includes(w)) out.push(w);
  return out;
}

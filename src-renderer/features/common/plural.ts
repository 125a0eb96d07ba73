/** "1 proposal", "2 proposals", "0 images"; irregular plurals are passed in ("1 entry", "3 entries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

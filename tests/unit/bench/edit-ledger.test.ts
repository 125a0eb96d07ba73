import { describe, expect, it } from 'vitest';
import { EditLedger } from '../../../bench/soak/edit-ledger';

const box = (x: number) => ({ kind: 'box', x, y: 1, widthPx: 2, heightPx: 3 });
const at = (x: number) => ({ kind: 'present' as const, imageId: 1, labelId: 2, geometry: box(x) });
const row = (clientId: string, x: number) => ({ clientId, imageId: 1, labelId: 2, geometry: box(x) });

describe("the soak's edit ledger", () => {
  it('counts every acknowledged edit present when each annotation is in its last acknowledged state', () => {
    const ledger = new EditLedger();
    ledger.acknowledged('a', at(1), 10);
    ledger.acknowledged('a', at(5));
    ledger.acknowledged('b', at(2), 11);
    ledger.acknowledged('b', { kind: 'absent' });
    expect(ledger.editable(1)).toEqual([{ clientId: 'a', id: 10 }]);
    expect(ledger.check([row('a', 5)])).toEqual({
      acknowledged: 4,
      present: 4,
      unanswered: 0,
      mismatches: [],
    });
  });

  it('finds a lost edit, a lost delete and a lost add', () => {
    const ledger = new EditLedger();
    ledger.acknowledged('a', at(1), 10);
    ledger.acknowledged('a', at(5));
    ledger.acknowledged('b', at(2), 11);
    ledger.acknowledged('b', { kind: 'absent' });
    ledger.acknowledged('c', at(3), 12);
    const check = ledger.check([row('a', 1), row('b', 2)]);
    expect(check).toMatchObject({ acknowledged: 5, present: 0 });
    expect(check.mismatches).toHaveLength(3);
    expect(check.mismatches[2]).toBe(
      'c: expected on image 1, label 2, {"kind":"box","x":3,"y":1,"widthPx":2,"heightPx":3}, found absent',
    );
  });

  it('accepts either outcome of an edit that was never answered, and edits that annotation no more', () => {
    const ledger = new EditLedger();
    ledger.acknowledged('a', at(1), 10);
    ledger.unanswered('a', { kind: 'absent' });
    ledger.unanswered('n', at(7));
    expect(ledger.editable(1)).toEqual([]);
    expect(ledger.check([row('a', 1)])).toMatchObject({ present: 1, unanswered: 2, mismatches: [] });
    expect(ledger.check([row('n', 7)])).toMatchObject({ present: 1, mismatches: [] });
    expect(ledger.check([row('a', 9)]).mismatches).toHaveLength(1);
  });
});

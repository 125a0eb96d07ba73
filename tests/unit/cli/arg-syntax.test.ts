import { describe, expect, it } from 'vitest';
import {
  commaList,
  parseBox,
  parseClick,
  parseLabelPrompt,
  parseSplit,
} from '../../../src-main/cli/arg-syntax';

describe('the command line notations', () => {
  it('reads clicks as x,y with an optional sign', () => {
    expect(parseClick('3,4')).toEqual({ x: 3, y: 4, positive: true });
    expect(parseClick(' 3.5 , 4 , - ')).toEqual({ x: 3.5, y: 4, positive: false });
    expect(() => parseClick('3;4')).toThrow('--click must be x,y or x,y,+ or x,y,- (got "3;4")');
    expect(() => parseClick('1.2.3,4')).toThrow('--click has a bad number: "1.2.3,4"');
  });

  it('reads a box as four numbers (sizes are the contract’s to check)', () => {
    expect(parseBox('1, 2,3,4')).toEqual([1, 2, 3, 4]);
    expect(parseBox('1,2,0,-4')).toEqual([1, 2, 0, -4]);
    expect(() => parseBox('1,2,3')).toThrow('--box must be x,y,w,h (four numbers), got "1,2,3"');
  });

  it('reads train=…,val=… splits and rejects other keys', () => {
    expect(parseSplit('train=0.8,val=0.2')).toEqual({ train: 0.8, val: 0.2 });
    expect(parseSplit('val=1')).toEqual({ train: 0, val: 1 });
    expect(() => parseSplit('train=abc')).toThrow('--split: expected "train=<fraction>,val=<fraction>"');
    expect(() => parseSplit('test=0.5')).toThrow('--split');
  });

  it('reads <label>=<text> prompts and comma lists', () => {
    expect(parseLabelPrompt(' apple = red fruit ')).toEqual({ label: 'apple', text: 'red fruit' });
    expect(() => parseLabelPrompt('apple')).toThrow('--prompt "apple" must look like <label>=<text>');
    expect(() => parseLabelPrompt('=red')).toThrow('must look like');
    expect(commaList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
  });
});

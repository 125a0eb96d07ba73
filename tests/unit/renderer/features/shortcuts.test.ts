import { describe, expect, it } from 'vitest';
import { actionForKey, eventKey, toolKeyMap } from '../../../../src-renderer/features/shortcuts/shortcuts';

const key = (
  k: string,
  mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {},
) => eventKey({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('shortcuts', () => {
  it('names key events the way bindings are written', () => {
    expect(key('z', { ctrlKey: true })).toBe('mod+z');
    expect(key('Z', { metaKey: true, shiftKey: true })).toBe('mod+shift+z');
    expect(key('?', { shiftKey: true })).toBe('?');
    expect(key('ArrowRight', { shiftKey: true })).toBe('shift+arrowright');
  });

  it('lets user bindings win over the defaults', () => {
    expect(actionForKey('d', {})).toBe('image.next');
    expect(actionForKey('d', { 'image.next': 'l' })).toBeUndefined();
    expect(actionForKey('l', { 'image.next': 'l' })).toBe('image.next');
  });

  it('maps tool keys for the controller, rebindings included', () => {
    expect(toolKeyMap({})).toEqual({
      v: 'select',
      b: 'box',
      o: 'rotated-box',
      p: 'polygon',
      l: 'polyline',
      k: 'point',
      r: 'brush',
      e: 'eraser',
      s: 'click-segment',
    });
    expect(toolKeyMap({ 'tool.box': 'x' })).toMatchObject({ x: 'box' });
    expect(toolKeyMap({ 'tool.box': 'x' }).b).toBeUndefined();
  });
});

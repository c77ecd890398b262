import { describe, expect, it } from 'vitest';
import { clampFrameRate, defaultFrameRate, frameAfterKey, frameAfterWheel, nextCineFrame } from './frameNavigation';

describe('frame navigation', () => {
  it('arrows move one frame, Page keys a tenth of the stack, Home/End to the ends, clamped', () => {
    expect(frameAfterKey('ArrowDown', 3, 15)).toBe(4);
    expect(frameAfterKey('ArrowUp', 3, 15)).toBe(2);
    expect(frameAfterKey('ArrowRight', 14, 15)).toBe(14);
    expect(frameAfterKey('PageDown', 3, 100)).toBe(13);
    expect(frameAfterKey('PageUp', 3, 100)).toBe(0);
    expect(frameAfterKey('Home', 9, 15)).toBe(0);
    expect(frameAfterKey('End', 0, 15)).toBe(14);
    expect(frameAfterKey('a', 3, 15)).toBeUndefined();
  });

  it('wheel down is the next frame; cine wraps', () => {
    expect(frameAfterWheel(100, 0, 15)).toBe(1);
    expect(frameAfterWheel(-3, 0, 15)).toBe(0);
    expect(nextCineFrame(14, 15)).toBe(0);
  });

  it('frame rate: the file recommendation, its frame time, else 10; always 1..60', () => {
    expect(defaultFrameRate(25)).toBe(25);
    expect(defaultFrameRate(undefined, 40)).toBe(25);
    expect(defaultFrameRate()).toBe(10);
    expect(clampFrameRate(500)).toBe(60);
    expect(clampFrameRate(0)).toBe(1);
  });
});

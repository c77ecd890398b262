/**
 * Arrow keys inside a composite widget (the ARIA tabs and radio-group patterns): one
 * Tab stop for the whole group (the selected item has tabIndex 0, the others -1), and
 * the arrow keys, Home and End move focus to another enabled item and select it, as
 * native radio buttons do. Put `onKeyDown={rovingKeyDown}` on the group element; its
 * items are the children with the given role.
 */
import type { KeyboardEvent } from 'react';

const STEP: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/** The enabled item `key` moves to from `current` (wrapping around), or undefined for other keys. */
export function rovingTarget(key: string, current: number, count: number): number | undefined {
  if (count === 0) return undefined;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  if (!(key in STEP)) return undefined;
  return (Math.max(current, 0) + STEP[key] + count) % count;
}

export function rovingKeyDown(e: KeyboardEvent<HTMLElement>): void {
  const role = e.currentTarget.getAttribute('role') === 'tablist' ? 'tab' : 'radio';
  const items = [...e.currentTarget.querySelectorAll<HTMLButtonElement>(`[role="${role}"]`)].filter((b) => !b.disabled);
  const next = rovingTarget(e.key, items.indexOf(document.activeElement as HTMLButtonElement), items.length);
  if (next === undefined) return;
  e.preventDefault();
  items[next].focus();
  items[next].click();
}

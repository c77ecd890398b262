/**
 * axe-core for the e2e specs (issue 20): the WCAG 2.0 A/AA and 2.1 AA rules on the whole page, the
 * serious and critical violations listed (rule, impact, element, why) and every violation counted by
 * impact in the log, so a spec can require none of the first and report the rest.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa'];

export interface StateAudit {
  state: string;
  serious: string[];
  counts: Record<string, number>;
}

/** Runs axe on the whole page; returns the serious and critical violations (rule: target) and counts by impact. */
export async function axe(page: Page, state: string): Promise<StateAudit> {
  // no transitions or animations half-way (a fading colour would be measured mid-fade)
  await page.addStyleTag({
    content: '*, *::before, *::after { transition: none !important; animation: none !important; }',
  });
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const counts: Record<string, number> = {};
  const serious: string[] = [];
  for (const v of result.violations) {
    const impact = v.impact ?? 'unknown';
    counts[impact] = (counts[impact] ?? 0) + v.nodes.length;
    if (impact === 'serious' || impact === 'critical')
      for (const n of v.nodes) serious.push(`${v.id} (${impact}): ${n.target.join(' ')} — ${n.failureSummary ?? ''}`);
  }
  console.log(`axe ${state}: ${JSON.stringify(counts)}${serious.length ? '\n  ' + serious.join('\n  ') : ''}`);
  return { state, serious, counts };
}

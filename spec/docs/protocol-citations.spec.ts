/**
 * Every "docs/protocol.md §N" the code cites names a section that exists, so
 * no citation points to a file or section a reader cannot open.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('every docs/protocol.md section the code cites exists', () => {
  // Sections are "## N." and "### N.M" headings; §13's points are "N." list items under it.
  const headings = new Set<string>();
  let section = '';
  for (const line of readFileSync(join(root, 'docs', 'protocol.md'), 'utf8').split('\n')) {
    const heading = /^#{2,3} (\d+(?:\.\d+)?)[. ]/.exec(line)?.[1];
    if (heading !== undefined) {
      section = heading;
      headings.add(heading);
    }
    const item = /^(\d+)\. /.exec(line)?.[1];
    if (item !== undefined && !section.includes('.')) headings.add(`${section}.${item}`);
  }
  const cited = new Map<string, string>();
  for (const file of sourceFiles(join(root, 'lib'))) {
    const text = readFileSync(file, 'utf8');
    // "docs/protocol.md §4.5, §10" cites both sections.
    for (const match of text.matchAll(/docs\/protocol\.md (§\d+(?:\.\d+)?(?:(?:,| and| or) §\d+(?:\.\d+)?)*)/g)) {
      for (const section of match[1]!.matchAll(/§(\d+(?:\.\d+)?)/g)) cited.set(section[1]!, file);
    }
  }
  expect(cited.size).toBeGreaterThan(20);
  const missing = [...cited].filter(([section]) => !headings.has(section)).map(([section, file]) => `§${section} in ${file}`);
  expect(missing).toEqual([]);
});

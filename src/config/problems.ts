// Configuration problems: collected while loading, printed one a line, thrown all together.
import type { ConfigProblem } from './types.js';

// Formats a problem as `file:line: [section] option: message`, leaving out the parts it lacks.
export function formatProblem(p: ConfigProblem): string {
  const place = p.file === undefined ? '' : p.line === undefined ? `${p.file}: ` : `${p.file}:${p.line}: `;
  const section = p.section === undefined ? '' : `[${p.section}] `;
  const option = p.option === undefined ? '' : `${p.option}: `;
  return `${place}${section}${option}${p.message}`;
}

// Puts problems in reading order: files as first met, lines ascending within a file. Checks run
// in several passes (syntax, keys, options), so they find problems out of order. Problems about a
// whole file (no line) come first in it; the sort is stable.
export function inReadingOrder(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const files = [...new Set(problems.map((p) => p.file))];
  const rank = (p: ConfigProblem) => files.indexOf(p.file);
  return [...problems].sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0));
}

// Every problem of a configuration that did not load; the message holds them all, one a line.
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const ordered = inReadingOrder(problems);
    super(ordered.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = ordered;
  }
}

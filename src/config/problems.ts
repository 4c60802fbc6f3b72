// Configuration problems: collected while loading, printed one a line, thrown all together.
import type { ConfigProblem } from './types.js';

// Formats a problem as `file:line: [section] option: message`, leaving out the parts it lacks.
export function formatProblem(p: ConfigProblem): string {
  const place = p.file === undefined ? '' : p.line === undefined ? `${p.file}: ` : `${p.file}:${p.line}: `;
  const section = p.section === undefined ? '' : `[${p.section}] `;
  const option = p.option === undefined ? '' : `${p.option}: `;
  return `${place}${section}${option}${p.message}`;
}

// Every problem of a configuration that did not load; the message holds them all, one a line.
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

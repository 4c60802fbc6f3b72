// Agent names and target patterns (SPEC 9): names are dot-separated segments; in a pattern `*`
// matches one segment, `**` (last only) one or more, and `ALL` every agent.

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const MAX_NAME = 255;

export const TARGET_ALL = 'ALL';

// Why a name is not a valid agent (or signal) name, or null when it is. Segments are also valid
// NATS subject tokens, so a name can sit in a subject.
export function agentNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > MAX_NAME) return `name must be 1 to ${MAX_NAME} characters`;
  if (!name.split('.').every((segment) => SEGMENT.test(segment))) {
    return 'name must be dot-separated segments of letters, digits, - and _';
  }
  return null;
}

// Why a pattern is not a valid target, or null when it is.
export function targetPatternProblem(pattern: string): string | null {
  if (pattern === TARGET_ALL) return null;
  if (pattern.length === 0 || pattern.length > MAX_NAME) return `target must be 1 to ${MAX_NAME} characters`;
  const segments = pattern.split('.');
  for (const [index, segment] of segments.entries()) {
    if (segment === '*' || SEGMENT.test(segment)) continue;
    if (segment === '**' && index === segments.length - 1) continue;
    return segment === '**' ? '** may only be the last segment' : `bad segment '${segment}' in target`;
  }
  return null;
}

// Whether a request aimed at `pattern` is aimed at the agent `name`. An invalid pattern aims at no one.
export function matchesTarget(pattern: string, name: string): boolean {
  if (pattern === TARGET_ALL) return true;
  if (targetPatternProblem(pattern) !== null) return false;
  const want = pattern.split('.');
  const have = name.split('.');
  for (const [index, segment] of want.entries()) {
    if (segment === '**') return have.length > index;
    const actual = have[index];
    if (actual === undefined) return false;
    if (segment !== '*' && segment !== actual) return false;
  }
  return have.length === want.length;
}

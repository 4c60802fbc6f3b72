// Cluster authorization: may this key use that cluster?
import type { KeyEntry } from '../config/index.js';

export function isClusterAllowed(entry: KeyEntry, cluster: string): boolean {
  return entry.clusters === '*' || entry.clusters.has(cluster);
}

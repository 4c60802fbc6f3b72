// `uscmdrelay key new | list | revoke` (SPEC 7.3): manage auth.conf's hashed keys.
import type { CommandModule } from 'yargs';
import { addKey, KeyToolError, listKeys, revokeKey, type KeyListing } from '../keys/index.js';
import { exits } from './exits.js';
import { withConfigDir, type ConfigDirOption, type GlobalOptions } from './options.js';

// A refusal (duplicate label, bad value, unreadable file): one line on stderr, and the key tool's failure status.
function runKeyTool(action: () => void): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof KeyToolError) && !(error as NodeJS.ErrnoException).code) throw error;
    process.stderr.write(`uscmdrelay: ${(error as Error).message}\n`);
    process.exitCode = exits.KEY_TOOL_REFUSED;
  }
}

interface NewFlags extends ConfigDirOption {
  label: string;
  clusters: string;
  'allow-from'?: string | undefined;
  description?: string | undefined;
}

const newCommand: CommandModule<GlobalOptions, NewFlags> = {
  command: 'new <label>',
  describe: 'make a key, print it once, store only its SHA-256 in auth.conf',
  builder: (y) =>
    withConfigDir(y)
      .positional('label', { type: 'string', demandOption: true, describe: 'the section name: what logs show instead of the key' })
      .option('clusters', { type: 'string', demandOption: true, describe: 'auth_clusters: cluster names (space-separated), or "*"' })
      .option('allow-from', { type: 'string', describe: 'allow_from: source addresses / CIDR blocks allowed' })
      .option('description', { type: 'string', describe: 'one line for humans' }),
  handler: (argv) =>
    runKeyTool(() => {
      const made = addKey({
        label: String(argv.label),
        clusters: String(argv.clusters),
        allowFrom: argv['allow-from'] === undefined ? undefined : String(argv['allow-from']),
        description: argv.description === undefined ? undefined : String(argv.description),
        configDir: argv['config-dir'] || undefined,
      });
      // The key on stdout alone, so `uscmdrelay key new ci … > ci.key` captures just it.
      process.stdout.write(`${made.key}\n`);
      process.stderr.write(`uscmdrelay: key ${made.label} added to ${made.file}; this is the only time it is shown. Send SIGHUP to the daemon to load it.\n`);
    }),
};

interface ListFlags extends ConfigDirOption {
  json: boolean;
}

function printTable(keys: KeyListing[]): void {
  const rows = [['LABEL', 'FORM', 'CLUSTERS', 'ALLOW_FROM', 'DESCRIPTION'], ...keys.map((k) => [k.label, k.form, k.clusters, k.allowFrom || '-', k.description])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd()}\n`);
}

const listKeysCommand: CommandModule<GlobalOptions, ListFlags> = {
  command: 'list',
  describe: 'list the keys of auth.conf (labels, never keys)',
  builder: (y) => withConfigDir(y).option('json', { type: 'boolean', default: false, describe: 'one JSON object per key' }),
  handler: (argv) =>
    runKeyTool(() => {
      const keys = listKeys(argv['config-dir'] || undefined);
      // JSON uses the names auth.conf uses (allow_from), so output and file read alike.
      if (argv.json) for (const { allowFrom, ...key } of keys) process.stdout.write(`${JSON.stringify({ ...key, allow_from: allowFrom })}\n`);
      else printTable(keys);
    }),
};

interface RevokeFlags extends ConfigDirOption {
  label: string;
}

const revokeCommand: CommandModule<GlobalOptions, RevokeFlags> = {
  command: 'revoke <label>',
  describe: 'remove a key from auth.conf (by label; sha256:… for an original-form key)',
  builder: (y) => withConfigDir(y).positional('label', { type: 'string', demandOption: true }),
  handler: (argv) =>
    runKeyTool(() => {
      for (const file of revokeKey(String(argv.label), argv['config-dir'] || undefined)) {
        process.stderr.write(`uscmdrelay: key ${argv.label} removed from ${file}. Send SIGHUP to the daemon to apply it.\n`);
      }
    }),
};

export const keyCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'key <action>',
  describe: 'manage keys in auth.conf: new, list, revoke',
  // No env parsing below: USCMDRELAY_KEY (the client's key) is not a flag of these commands.
  builder: (y) => y.env(false).command(newCommand).command(listKeysCommand).command(revokeCommand).demandCommand(1, 'key: say new, list or revoke'),
  handler: () => {},
};

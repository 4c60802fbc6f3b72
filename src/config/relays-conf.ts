// relays.conf (SPEC 3.4): `[cluster]` sections of `name = command line`, and `[cluster::name]`
// sections with the options of SPEC 5.2. Maps throughout: `__proto__` is just another name.
import { COMMAND_OPTION_NAMES } from './command-options.js';
import { buildCommandSpec, type CommandContext } from './command-spec.js';
import type { IniDocument, IniOption, IniSection } from './ini-types.js';
import type { CommandSpec, ConfigProblem } from './types.js';

const SEPARATOR = '::';

export interface ClustersResult {
  clusters: Map<string, Map<string, CommandSpec>>;
  problems: ConfigProblem[];
}

interface Definition {
  section: IniSection;
  option: IniOption | undefined; // the plain line; undefined for an extended section
  inherited: boolean; // a plain line that came from [DEFAULT]
}

// Where a definition was written, for "defined twice" messages.
function placeOf(definition: Definition): string {
  const where = definition.option ?? definition.section;
  return `[${definition.section.name}] at ${where.file}:${where.line}`;
}

// Gathers every (cluster, name) with where it is defined, reporting names defined twice.
function collectDefinitions(document: IniDocument, problems: ConfigProblem[]): Map<string, Map<string, Definition>> {
  const definitions = new Map<string, Map<string, Definition>>();
  const clusterOf = (name: string): Map<string, Definition> => {
    let cluster = definitions.get(name);
    if (cluster === undefined) definitions.set(name, (cluster = new Map<string, Definition>()));
    return cluster;
  };

  for (const section of document.sections.values()) {
    if (section.name.includes(SEPARATOR)) continue;
    const cluster = clusterOf(section.name);
    for (const option of document.defaults.values()) cluster.set(option.name, { section, option, inherited: true });
    for (const option of section.options.values()) cluster.set(option.name, { section, option, inherited: false });
  }

  for (const section of document.sections.values()) {
    const at = section.name.indexOf(SEPARATOR);
    if (at === -1) continue;
    const clusterName = section.name.slice(0, at);
    const name = section.name.slice(at + SEPARATOR.length);
    if (clusterName === '' || name === '') {
      problems.push({
        file: section.file,
        line: section.line,
        section: section.name,
        message: 'an extended section is named [cluster::name], with neither part empty',
      });
      continue;
    }
    const cluster = clusterOf(clusterName);
    const earlier = cluster.get(name);
    // A command a cluster inherits from [DEFAULT] gives way to its own [cluster::name] section.
    if (earlier !== undefined && !earlier.inherited) {
      problems.push({
        file: section.file,
        line: section.line,
        section: section.name,
        message: `the command "${name}" of cluster "${clusterName}" is also defined in ${placeOf(earlier)}`,
      });
      continue;
    }
    cluster.set(name, { section, option: undefined, inherited: false });
  }
  return definitions;
}

// The options an extended section is read with: its own, over the [DEFAULT] ones that are options.
function extendedOptions(document: IniDocument, section: IniSection, problems: ConfigProblem[]): Map<string, IniOption> {
  const options = new Map<string, IniOption>();
  // Inherited keys that are not options are commands meant for the plain [cluster] sections.
  for (const option of document.defaults.values()) if (COMMAND_OPTION_NAMES.has(option.name)) options.set(option.name, option);
  for (const option of section.options.values()) {
    if (COMMAND_OPTION_NAMES.has(option.name)) {
      options.set(option.name, option);
    } else {
      problems.push({
        file: option.file,
        line: option.line,
        section: section.name,
        option: option.name,
        message: `unknown option (known: ${[...COMMAND_OPTION_NAMES].join(', ')})`,
      });
    }
  }
  return options;
}

// Turns a merged relays.conf into cluster -> name -> CommandSpec, with every problem found.
export function buildClusters(document: IniDocument, context: CommandContext): ClustersResult {
  const problems: ConfigProblem[] = [];
  const clusters = new Map<string, Map<string, CommandSpec>>();
  for (const [clusterName, definitions] of collectDefinitions(document, problems)) {
    const commands = new Map<string, CommandSpec>();
    for (const [name, definition] of definitions) {
      const { section, option } = definition;
      const options = option === undefined ? extendedOptions(document, section, problems) : new Map([['command', option]]);
      const where = option ?? section;
      const spec = buildCommandSpec(
        { cluster: clusterName, name, section: section.name, file: where.file, line: where.line, options },
        context,
        problems,
      );
      if (spec !== null) commands.set(name, spec);
    }
    clusters.set(clusterName, commands);
  }
  return { clusters, problems };
}

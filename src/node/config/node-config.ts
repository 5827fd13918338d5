import { ConfigError } from '../../core/errors';
import { InterfaceMode, parseInterfaceMode } from '../../core/interface-mode';
import { ConfigParamReader, type ConfigParams, type ConfigValue } from '../../registry/config-params';
import { parseConfigObj, type ConfigSection } from './configobj-parser';
import { splitInterfaceKeys } from './interface-keys';
import { METRICS_OFF, readMetricsSection, type MetricsSettings } from './metrics-section';
import { NO_PLUGINS, readPluginsSection, type PluginsSettings } from './plugins-section';
import { readReticulumSection, type ReticulumSettings } from './reticulum-section';

/** Python RNS's default log level (4 = info). */
export const DEFAULT_LOG_LEVEL = 4;

/** The highest Python RNS log level (8 = extreme). */
export const MAX_LOG_LEVEL = 8;

export { changedReticulumKeys, RETICULUM_NODE_KEYS, type ReticulumSettings } from './reticulum-section';

/** The top-level sections the node reads. */
const KNOWN_SECTIONS = ['reticulum', 'logging', 'metrics', 'plugins', 'interfaces'];

const MODE_SPELLINGS =
  'full, gateway/gw, access_point/accesspoint/ap, pointtopoint/ptp, roaming, boundary or internal';

/** One `[[subsection]]` of `[interfaces]`, checked and ready for the registry. */
export interface InterfaceSection {
  /** The section name (also the interface name in logs, status and runtime-config keys). */
  readonly name: string;
  /** The `type` value, matched exactly against the registered factories (`BackboneInterface`). */
  readonly typeName: string;
  /** The 1-based line of the `[[name]]` marker. */
  readonly line: number;
  /** Whether `enabled` or `interface_enabled` is a true boolean (Python's rule to start it). */
  readonly enabled: boolean;
  /** From `interface_mode`, else `mode`; {@link InterfaceMode.Full} when neither is set. */
  readonly mode: InterfaceMode;
  /** The plugin's keys: every key the node does not own (see `NODE_INTERFACE_KEYS`). */
  readonly params: ConfigParams;
  /**
   * The node's keys besides `type`, `enabled`/`interface_enabled` and `mode`/`interface_mode`
   * (read above): transport settings, access code, and Python keys with no effect here.
   */
  readonly nodeParams: ConfigParams;
  /** The line of every key of the section (including the consumed ones), for error messages. */
  readonly keyLines: ReadonlyMap<string, number>;
}

/** The `[logging]` section. */
export interface LoggingConfig {
  /** Python RNS's log level, 0 (critical) to 8 (extreme); {@link DEFAULT_LOG_LEVEL} if unset. */
  readonly level: number;
}

/**
 * A config file turned into what the node needs. Problems confined to one section do not
 * reject the file: they are listed in `errors` and that section is left out, so the rest of
 * the node can still start (as the issue asks: one bad interface is reported and skipped).
 */
export interface NodeConfig {
  /** The file it came from (as given to the loader), for messages. */
  readonly file: string;
  /** The `[reticulum]` keys as written (the ones rns-net does not use are reported in `notices`). */
  readonly reticulum: ConfigParams;
  /** `[reticulum]` interpreted: the forwarding mode and what every interface inherits. */
  readonly reticulumSettings: ReticulumSettings;
  /** The `[logging]` settings. */
  readonly logging: LoggingConfig;
  /** The `[metrics]` settings (the Prometheus endpoint; off without the section). */
  readonly metrics: MetricsSettings;
  /** The `[plugins]` settings (npm packages of interface plugins; none without the section). */
  readonly plugins: PluginsSettings;
  /** The valid interface sections in file order, enabled or not (check `enabled` before starting). */
  readonly interfaces: readonly InterfaceSection[];
  /** Things an operator should know that are not errors: skipped interfaces, ignored keys and sections. */
  readonly notices: readonly string[];
  /** Section-level problems, each naming the file, line, section and key; those sections are skipped. */
  readonly errors: readonly ConfigError[];
  /** The parsed file, with a line for every key and section. */
  readonly tree: ConfigSection;
}

/**
 * Parses config text and builds the {@link NodeConfig}. Throws a {@link ConfigError} (naming
 * the file and line) only when the text is not valid ConfigObj at all; section-level problems
 * go to `errors`.
 */
export function parseNodeConfig(text: string, file: string): NodeConfig {
  return buildNodeConfig(parseConfigObj(text, file), file);
}

/**
 * Interprets a parsed config tree with Python RNS's rules.
 *
 * - `[logging] loglevel`: an integer 0..8; anything else is an error and the default (4) is used.
 * - `[metrics]`: the Prometheus endpoint, read by {@link readMetricsSection}.
 * - `[plugins]`: `modules`, the npm packages of interface plugins, read by {@link readPluginsSection}.
 * - `[reticulum]`: kept as written and read by {@link readReticulumSection} (the forwarding mode,
 *   announce rate and ingress control defaults); keys rns-net does not use get a notice.
 * - `[interfaces]`: each `[[name]]` subsection is an interface. It starts only if `enabled` or
 *   `interface_enabled` is a true boolean (yes/no/true/false/on/off/1/0); without either it is
 *   kept with `enabled: false` and a "Skipping disabled interface" notice. A non-boolean value
 *   there, a missing or empty `type`, or an unknown `mode`/`interface_mode` spelling is an error
 *   for that section, which is then left out. `interface_mode` wins over `mode`. A plain key
 *   directly under `[interfaces]` is an error (Python fails on it); deeper subsections inside an
 *   interface (Python's RNodeMultiInterface sub-interfaces) are ignored with a notice.
 * - Any other top-level section, and keys outside any section, are kept in `tree` and ignored
 *   with a notice (so a typo such as `[interface]` is visible, but Python-only sections such
 *   as `[hooks]` do not stop the node).
 */
export function buildNodeConfig(tree: ConfigSection, file: string): NodeConfig {
  const notices: string[] = [];
  const errors: ConfigError[] = [];
  const interfaces: InterfaceSection[] = [];
  let reticulum: ConfigParams = Object.freeze(nullRecord());
  let reticulumSettings = readReticulumSection(
    reticulum,
    { file, line: undefined, lines: new Map() },
    [],
  ).settings;
  let logging: LoggingConfig = { level: DEFAULT_LOG_LEVEL };
  let metrics: MetricsSettings = METRICS_OFF;
  let plugins: PluginsSettings = NO_PLUGINS;

  for (const [key, entry] of tree.values) {
    notices.push(`${file}:${entry.line}: key '${key}' outside any section is ignored`);
  }
  for (const section of tree.sections.values()) {
    switch (section.name) {
      case 'reticulum':
        reticulum = valuesOf(section);
        reticulumSettings = readReticulum(section, reticulum, file, notices, errors);
        break;
      case 'logging':
        logging = readLogging(section, file, notices, errors);
        break;
      case 'metrics':
        metrics = readSettingsSection(section, file, notices, errors, readMetricsSection);
        break;
      case 'plugins':
        plugins = readSettingsSection(section, file, notices, errors, readPluginsSection);
        break;
      case 'interfaces':
        readInterfaces(section, file, notices, errors, interfaces);
        break;
      default: {
        // Python RNS matches section names case-sensitively too; point at the likely typo.
        const known = KNOWN_SECTIONS.find((k) => k === section.name.toLowerCase());
        const hint = known !== undefined ? ` (names are case-sensitive: did you mean [${known}]?)` : '';
        notices.push(
          `${file}:${section.line}: section [${section.name}] is not used by rns-net; ignored${hint}`,
        );
      }
    }
  }
  if (!tree.sections.has('interfaces'))
    notices.push(`${file}: no [interfaces] section; no interface is configured`);

  return Object.freeze({
    file,
    reticulum,
    reticulumSettings,
    logging: Object.freeze(logging),
    metrics,
    plugins,
    interfaces: Object.freeze(interfaces),
    notices: Object.freeze(notices),
    errors: Object.freeze(errors),
    tree,
  });
}

/**
 * Adds the file and the line of the offending key (else the section marker) to an error a
 * plugin raised about this section, such as a {@link ConfigParamReader} error from `parseConfig`.
 */
export function locateInterfaceError(
  file: string,
  section: InterfaceSection,
  error: ConfigError,
): ConfigError {
  const line = (error.key !== undefined ? section.keyLines.get(error.key) : undefined) ?? section.line;
  return error.at(file, line);
}

function readReticulum(
  section: ConfigSection,
  params: ConfigParams,
  file: string,
  notices: string[],
  errors: ConfigError[],
): ReticulumSettings {
  const lines = new Map<string, number>();
  for (const [key, entry] of section.values) lines.set(key, entry.line);
  const { settings, unread } = readReticulumSection(params, { file, line: section.line, lines }, errors);
  if (unread.length > 0) {
    notices.push(`${file}:${section.line}: [reticulum] keys not used by rns-net: ${unread.join(', ')}`);
  }
  noticeSubsections(section, file, notices);
  return settings;
}

function readLogging(
  section: ConfigSection,
  file: string,
  notices: string[],
  errors: ConfigError[],
): LoggingConfig {
  let level = DEFAULT_LOG_LEVEL;
  for (const [key, entry] of section.values) {
    if (key !== 'loglevel') {
      notices.push(`${file}:${entry.line}: [logging] '${key}' is not used by rns-net; ignored`);
      continue;
    }
    const where = { file, line: entry.line, section: 'logging', key };
    const raw = entry.value;
    if (typeof raw !== 'string' || !/^[+-]?\d+$/.test(raw.trim())) {
      errors.push(new ConfigError(`expected an integer 0..${MAX_LOG_LEVEL}, got ${show(raw)}`, where));
      continue;
    }
    const value = Number(raw.trim());
    if (value < 0 || value > MAX_LOG_LEVEL) {
      errors.push(
        new ConfigError(`must be 0..${MAX_LOG_LEVEL} (Python RNS log levels), got '${raw}'`, where),
      );
      continue;
    }
    level = value;
  }
  noticeSubsections(section, file, notices);
  return { level };
}

/** A `[section]` reader that reports its problems by file, line and key. */
type SectionReader<T> = (
  params: ConfigParams,
  where: { readonly file: string; readonly line: number; readonly lines: ReadonlyMap<string, number> },
  errors: ConfigError[],
  notices: string[],
) => T;

/** Reads a section of node settings with `read`, then notices its subsections. */
function readSettingsSection<T>(
  section: ConfigSection,
  file: string,
  notices: string[],
  errors: ConfigError[],
  read: SectionReader<T>,
): T {
  const lines = new Map<string, number>();
  for (const [key, entry] of section.values) lines.set(key, entry.line);
  const settings = read(valuesOf(section), { file, line: section.line, lines }, errors, notices);
  noticeSubsections(section, file, notices);
  return settings;
}

function readInterfaces(
  section: ConfigSection,
  file: string,
  notices: string[],
  errors: ConfigError[],
  out: InterfaceSection[],
): void {
  for (const [key, entry] of section.values) {
    errors.push(
      new ConfigError(
        `a plain key directly under [interfaces]; each interface needs its own [[name]] subsection`,
        {
          file,
          line: entry.line,
          section: 'interfaces',
          key,
        },
      ),
    );
  }
  for (const sub of section.sections.values()) {
    const parsed = readInterface(sub, file, notices);
    if (Array.isArray(parsed)) errors.push(...parsed);
    else out.push(parsed);
  }
}

/** One interface section, or the errors that keep it from being used. */
function readInterface(
  section: ConfigSection,
  file: string,
  notices: string[],
): InterfaceSection | ConfigError[] {
  const all = valuesOf(section);
  const keyLines = new Map<string, number>();
  for (const [key, entry] of section.values) keyLines.set(key, entry.line);
  const reader = new ConfigParamReader(section.name, all);
  const errors: ConfigError[] = [];
  const attempt = <T>(key: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      errors.push(e.at(file, keyLines.get(key) ?? section.line));
      return undefined;
    }
  };

  const typeName = attempt('type', () => {
    const value = reader.string('type');
    if (value === undefined || value.trim() === '') {
      throw reader.error('type', `missing interface type (for example: type = BackboneInterface)`);
    }
    return value.trim();
  });

  const interfaceEnabled = attempt('interface_enabled', () => reader.boolean('interface_enabled'));
  const enabledKey = attempt('enabled', () => reader.boolean('enabled'));
  const enabled = interfaceEnabled === true || enabledKey === true;

  const modeKey = reader.firstPresent('interface_mode', 'mode');
  const mode = attempt(modeKey ?? 'mode', () => {
    if (modeKey === undefined) return InterfaceMode.Full;
    const spelling = reader.string(modeKey) as string;
    const parsed = parseInterfaceMode(spelling);
    if (parsed === undefined)
      throw reader.error(modeKey, `unknown interface mode '${spelling}'; use ${MODE_SPELLINGS}`);
    return parsed;
  });
  if (modeKey === 'interface_mode' && reader.has('mode')) {
    notices.push(
      `${file}:${keyLines.get('mode')}: [${section.name}] 'mode' is ignored because 'interface_mode' is set`,
    );
  }

  for (const sub of section.sections.values()) {
    notices.push(
      `${file}:${sub.line}: [${section.name}] subsection [${sub.name}] is not supported by rns-net; ignored`,
    );
  }
  if (errors.length > 0 || typeName === undefined || mode === undefined) return errors;

  if (!enabled) {
    const why =
      interfaceEnabled === undefined && enabledKey === undefined
        ? 'neither enabled nor interface_enabled is set; add enabled = yes to start it'
        : 'enabled = no';
    notices.push(`${file}:${section.line}: Skipping disabled interface "${section.name}" (${why})`);
  }

  const { node, plugin } = splitInterfaceKeys(all);
  return Object.freeze({
    name: section.name,
    typeName,
    line: section.line,
    enabled,
    mode,
    params: plugin,
    nodeParams: node,
    keyLines,
  });
}

function noticeSubsections(section: ConfigSection, file: string, notices: string[]): void {
  for (const sub of section.sections.values()) {
    notices.push(
      `${file}:${sub.line}: subsection [${sub.name}] of [${section.name}] is not used by rns-net; ignored`,
    );
  }
}

/** The keys of a section as params. Null prototype: a key such as `__proto__` stays a key. */
function valuesOf(section: ConfigSection): Record<string, ConfigValue> {
  const params = nullRecord();
  for (const [key, entry] of section.values) params[key] = entry.value;
  return Object.freeze(params);
}

function nullRecord(): Record<string, ConfigValue> {
  return Object.create(null) as Record<string, ConfigValue>;
}

function show(value: ConfigValue): string {
  return typeof value === 'string' ? `'${value}'` : `a list (${value.join(', ')})`;
}

// Shared by the property and the Python cross-check tests: random config trees ("shapes") that
// the writer can express, and conversions between shapes and parsed sections.
import fc from 'fast-check';
import { ConfigError } from '../../../../src/core/errors';
import type { ConfigValue } from '../../../../src/registry/config-params';
import type { ConfigEntry, ConfigSection } from '../../../../src/node/config/configobj-parser';
import { writeConfigObj } from '../../../../src/node/config/configobj-writer';

/** A section tree without line numbers: what a round trip must preserve. */
export interface Shape {
  values: Array<[string, ConfigValue]>;
  sections: Array<[string, Shape]>;
}

export function shapeOf(section: ConfigSection): Shape {
  return {
    values: [...section.values].map(([k, e]) => [k, e.value]),
    sections: [...section.sections].map(([k, s]) => [k, shapeOf(s)]),
  };
}

export function toSection(name: string, depth: number, shape: Shape): ConfigSection {
  return {
    name,
    line: 0,
    depth,
    values: new Map<string, ConfigEntry>(shape.values.map(([k, value]) => [k, { value, line: 0 }])),
    sections: new Map(shape.sections.map(([k, s]) => [k, toSection(k, depth + 1, s)])),
  };
}

/** Whether the writer can express a value (it refuses, with a ConfigError, what the format cannot). */
function writable(value: ConfigValue): boolean {
  try {
    writeConfigObj(toSection('', 0, { values: [['k', value]], sections: [] }));
    return true;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return false;
  }
}

// Characters that exercise every quoting and comment rule, plus ordinary text.
const VALUE_CHARS = ['a', 'b', 'Z', '0', ' ', '\t', '#', ',', '"', "'", '=', '[', ']', '%', '(', 'é', '\n'];
const NAME_CHARS = ['a', 'b', 'Z', '0', '_', ' ', '#', ',', '=', '[', ']', '"', "'", '.', '-'];

const nameArb = fc
  .string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 8 })
  .filter((n) => n.trim() !== '' && !(n.includes('"') && n.includes("'")));
const singleArb = fc.string({ unit: fc.constantFrom(...VALUE_CHARS), maxLength: 12 });
const valueArb: fc.Arbitrary<ConfigValue> = fc
  .oneof(singleArb, fc.array(singleArb, { maxLength: 4 }))
  .filter((v) => writable(v));

export function shapeArb(depth: number): fc.Arbitrary<Shape> {
  const values = fc.uniqueArray(fc.tuple(nameArb, valueArb), { selector: ([k]) => k, maxLength: 4 });
  const sections =
    depth >= 3
      ? fc.constant([] as Array<[string, Shape]>)
      : fc.uniqueArray(fc.tuple(nameArb, shapeArb(depth + 1)), { selector: ([k]) => k, maxLength: 3 });
  return fc
    .record({ values, sections })
    .filter(({ values: vs, sections: ss }) => !vs.some(([k]) => ss.some(([s]) => s === k)));
}

/** A test body: synchronous, or a promise the runner awaits. */
type TestBody = () => void | Promise<void>;

/** The BDD functions a test runner puts on the global object (mocha does, with its `bdd` UI). */
export interface Bdd {
  /** Declares a group of tests. */
  describe(title: string, body: () => void): void;
  /** Declares one test. */
  it(title: string, body: TestBody): void;
  /** Runs before every test of the group. */
  beforeEach(body: TestBody): void;
  /** Runs after every test of the group. */
  afterEach(body: TestBody): void;
}

/**
 * The runner's BDD functions, read from the global object when a suite is declared, so the
 * suites here run under any runner that provides them and import no runner themselves.
 *
 * @throws Error naming what is missing when called outside such a runner.
 */
export function bdd(): Bdd {
  const scope = globalThis as Partial<Record<keyof Bdd, unknown>>;
  const missing = (['describe', 'it', 'beforeEach', 'afterEach'] as const).filter(
    (name) => typeof scope[name] !== 'function',
  );
  if (missing.length > 0) {
    throw new Error(
      `rns-net/testing: the compliance suite is declared inside a test runner that defines ` +
        `describe, it, beforeEach and afterEach globally (mocha does); missing: ${missing.join(', ')}`,
    );
  }
  return scope as Bdd;
}

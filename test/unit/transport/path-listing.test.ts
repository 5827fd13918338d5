import { expect } from 'chai';
import { PathInfo } from '../../../src/transport';
import { TestDestination } from './support/packets';
import { Harness, TestInterface } from './support/transport-harness';

describe('transport engine: path listing', () => {
  let h: Harness;
  let uplink: TestInterface;
  let peerA: TestInterface;
  let peerB: TestInterface;
  const destinations: TestDestination[] = [];

  beforeEach(async () => {
    h = new Harness();
    uplink = h.iface(1, { name: 'Uplink' }, false);
    // Two peers spawned by the listener of id 2.
    peerA = h.host.add(10_000, {}, true);
    peerB = h.host.add(10_001, {}, true);
    Object.assign(peerA, { parentId: 2 });
    Object.assign(peerB, { parentId: 2 });
    destinations.length = 0;
    for (let i = 0; i < 300; i++) {
      const dest = new TestDestination();
      destinations.push(dest);
      const via = [uplink, peerA, peerB][i % 3];
      h.receive(via, dest.announce({ hops: i % 5 }));
      if (i % 100 === 99) await h.run(50);
    }
    await h.run(0);
    expect(h.engine.view.sizes().paths).to.equal(300);
  });

  afterEach(() => h.dispose());

  /** Every page of a listing. */
  function listAll(request: Parameters<typeof h.engine.view.pathPage>[0]): {
    paths: PathInfo[];
    pages: number;
  } {
    const paths: PathInfo[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = h.engine.view.pathPage({ ...request, cursor });
      if (!page.ok) throw new Error(page.error.message);
      pages++;
      paths.push(...page.value.paths);
      cursor = page.value.cursor ?? undefined;
    } while (cursor !== undefined);
    return { paths, pages };
  }

  it('pages through the whole table, each path once', () => {
    const { paths, pages } = listAll({ limit: 64 });
    expect(pages).to.equal(5);
    expect(new Set(paths.map((p) => p.destination)).size).to.equal(300);
  });

  it("filters by interface (a listener's id takes its peers), hops and destination prefix", () => {
    expect(listAll({ interfaceId: 1 }).paths).to.have.length(100);
    const viaListener = listAll({ interfaceId: 2 }).paths;
    expect(viaListener).to.have.length(200);
    expect(viaListener.every((p) => p.parentId === 2)).to.equal(true);
    expect(listAll({ interfaceId: 10_000 }).paths).to.have.length(100);
    expect(listAll({ maxHops: 2 }).paths.every((p) => p.hops <= 2)).to.equal(true);
    expect(listAll({ maxHops: 2 }).paths, 'received at 0 or 1 hops, one more here').to.have.length(120);
    const target = destinations[7].hash.toString('hex');
    for (const prefix of [target, target.slice(0, 9), `<${target.toUpperCase()}>`]) {
      const found = listAll({ destination: prefix }).paths;
      expect(
        found.map((p) => p.destination),
        prefix,
      ).to.include(target);
      expect(
        found.every((p) => p.destination.startsWith(target.slice(0, 9))),
        prefix,
      ).to.equal(true);
    }
    expect(listAll({ destination: target }).paths).to.have.length(1);
    expect(listAll({ destination: '' }).paths).to.have.length(300);
  });

  it('refuses bad filters and cursors as invalid_value', () => {
    for (const destination of ['xyz', 'a'.repeat(33)]) {
      const page = h.engine.view.pathPage({ destination });
      expect(page.ok).to.equal(false);
      if (!page.ok) expect(page.error.code).to.equal('invalid_value');
    }
    const first = h.engine.view.pathPage({ limit: 10 });
    if (!first.ok || first.value.cursor === null) throw new Error('expected a cursor');
    const cursor = first.value.cursor;
    const otherFilter = h.engine.view.pathPage({ cursor, limit: 10, maxHops: 1 });
    expect(otherFilter.ok).to.equal(false);
    expect(h.engine.view.pathPage({ cursor, limit: 10 }).ok).to.equal(true);
    expect(h.engine.view.pathPage({ cursor, limit: 10 }).ok, 'a cursor is good once').to.equal(false);
    expect(h.engine.view.pathPage({ limit: 1001 }).ok).to.equal(false);
  });

  it('a page of a rarely matching filter looks at a bounded number of paths', () => {
    const page = h.engine.view.pathPage({ destination: 'ffffffffffff', limit: 1 });
    expect(page.ok).to.equal(true);
    // 300 paths fit in one page's scan: the listing ends at once.
    if (page.ok) expect(page.value.cursor).to.equal(null);
  });

  it('drops a path by hash', () => {
    const target = destinations[3].hash.toString('hex');
    expect(h.engine.view.dropPath(target)).to.equal(true);
    expect(h.engine.view.dropPath(target)).to.equal(false);
    expect(h.engine.view.dropPath('nothex')).to.equal(false);
    expect(h.engine.view.sizes().paths).to.equal(299);
  });
});

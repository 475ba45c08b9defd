// The shipped Grafana dashboard has what Grafana's importer needs, and every metric its panels
// query is one /metrics documents (the Prometheus test in test/monitoring runs the queries).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const dashboardPath = join(packageDir, 'grafana', 'thaw-dashboard.json');

interface Panel {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly title?: unknown;
  readonly datasource?: { type?: unknown; uid?: unknown };
  readonly gridPos?: { x?: unknown; y?: unknown; w?: unknown; h?: unknown };
  readonly targets?: ReadonlyArray<{ refId?: unknown; expr?: unknown; datasource?: { uid?: unknown } }>;
  readonly panels?: readonly Panel[];
}

const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as {
  schemaVersion?: unknown;
  uid?: unknown;
  title?: unknown;
  panels?: readonly Panel[];
  templating?: { list?: ReadonlyArray<{ name?: unknown; type?: unknown }> };
};

/** Every panel, rows' collapsed children included. */
function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

describe('the Grafana dashboard', () => {
  const panels = allPanels(dashboard.panels ?? []);
  const queryPanels = panels.filter((panel) => panel.type !== 'row');

  it('has the fields the importer needs: a schema version, uid, title and panels with unique ids', () => {
    expect(dashboard.schemaVersion).toEqual(expect.any(Number));
    expect(dashboard.schemaVersion as number).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.title).toEqual(expect.any(String));
    expect(queryPanels.length).toBeGreaterThanOrEqual(8);
    const ids = panels.map((panel) => panel.id);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every panel a Prometheus data source, a place on the 24-column grid and targets with unique refIds', () => {
    const variables = new Set(
      (dashboard.templating?.list ?? []).map((variable) => `\${${String(variable.name)}}`),
    );
    for (const panel of queryPanels) {
      const where = `panel ${String(panel.id)} "${String(panel.title)}"`;
      expect(panel.title, where).toEqual(expect.any(String));
      expect(panel.type, where).toEqual(expect.any(String));
      expect(panel.datasource?.type, where).toBe('prometheus');
      expect(
        variables.has(String(panel.datasource?.uid)),
        `${where} uses a defined data source variable`,
      ).toBe(true);
      const { x, y, w, h } = panel.gridPos ?? {};
      expect(
        [x, y, w, h].every((value) => Number.isInteger(value)),
        where,
      ).toBe(true);
      expect((x as number) + (w as number), where).toBeLessThanOrEqual(24);
      const targets = panel.targets ?? [];
      expect(targets.length, where).toBeGreaterThan(0);
      const refIds = targets.map((target) => target.refId);
      expect(new Set(refIds).size, where).toBe(refIds.length);
      for (const target of targets) {
        expect(target.refId, where).toMatch(/^[A-Z]$/);
        expect(target.expr, where).toEqual(expect.any(String));
        expect((target.expr as string).trim(), where).not.toBe('');
      }
    }
  });

  it('queries only variables it defines, and only metrics the README documents', () => {
    const defined = new Set((dashboard.templating?.list ?? []).map((variable) => String(variable.name)));
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const documented = new Set(
      [...readme.matchAll(/^\| `([a-z_:]+)(?:\{[^`]*\})?`/gm)].map((match) => match[1]),
    );
    const promqlWords = new Set([
      'by',
      'without',
      'on',
      'ignoring',
      'offset',
      'unless',
      'and',
      'or',
      'le',
      'vector',
    ]);
    for (const panel of queryPanels) {
      for (const target of panel.targets ?? []) {
        const expr = target.expr as string;
        for (const [, variable] of expr.matchAll(/\$(\w+)/g)) {
          if (!variable!.startsWith('__')) expect(defined, `${expr} uses $${variable}`).toContain(variable);
        }
        // Metric names: identifiers followed by a selector or a range, outside label matchers.
        const withoutLabels = expr.replace(/\{[^}]*\}/g, '{}');
        for (const match of withoutLabels.matchAll(/([a-z_:][a-z0-9_:]*)\{\}/g)) {
          const name = match[1] ?? '';
          if (promqlWords.has(name)) continue;
          const family = name.replace(/_(bucket|sum|count)$/, '');
          expect(
            documented.has(name) || documented.has(family),
            `${name} (in "${String(panel.title)}") is in the README`,
          ).toBe(true);
        }
      }
    }
  });
});

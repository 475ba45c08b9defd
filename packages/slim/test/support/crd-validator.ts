import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/** Where the Knative CRDs are: `THAW_KNATIVE_CRDS_DIR`, else the copies in the fixtures. */
export const crdsDir =
  process.env['THAW_KNATIVE_CRDS_DIR'] ?? resolve(import.meta.dirname, '..', 'fixtures', 'knative-crds');

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[];
  };
}

// The API server prunes fields a structural schema does not declare; a manifest relying on a
// pruned field is broken, so the tests treat an undeclared field as an error.
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema))
    out[key] = key === 'properties' ? mapValues(value, closeObjects) : closeObjects(value);
  if (
    out['properties'] !== undefined &&
    out['additionalProperties'] === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out['additionalProperties'] = false;
  }
  return out;
}

function mapValues(value: unknown, fn: (v: unknown) => unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}

/** Validators for every `apiVersion` + `kind` the CRDs define. */
export function crdValidators(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();
  for (const file of readdirSync(crdsDir).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(crdsDir, file), 'utf8')) as Crd;
    for (const version of crd.spec.versions) {
      // Every object has these at its root whether or not the CRD's schema spells them out.
      const root = version.schema.openAPIV3Schema as { properties?: Record<string, unknown> };
      root.properties = {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        ...root.properties,
      };
      validators.set(
        `${crd.spec.group}/${version.name} ${crd.spec.names.kind}`,
        ajv.compile(closeObjects(version.schema.openAPIV3Schema) as Record<string, unknown>),
      );
    }
  }
  return validators;
}

/** Validates a manifest against its CRD; returns the errors (empty when valid). */
export function validateManifest(
  validators: Map<string, ValidateFunction>,
  manifest: { apiVersion?: string; kind?: string },
): string[] {
  const validate = validators.get(`${manifest.apiVersion ?? ''} ${manifest.kind ?? ''}`);
  if (validate === undefined) return [`no CRD for ${manifest.apiVersion ?? '?'} ${manifest.kind ?? '?'}`];
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/** What the generated tests over /openapi.json share: sample bodies from schemas, and a snapshot of everything stored. */

export type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minItems?: number;
  format?: string;
};

/**
 * The smallest value the schema accepts, as far as a generic walk can tell; a property named in
 * `known` gets that value instead (ids and addresses seeded by the test), so a request reaches
 * the lookup rather than stopping at validation.
 */
export function sample(schema: Schema | undefined, components: Record<string, Schema>, known: Record<string, unknown> = {}, name?: string): unknown {
  if (!schema) return undefined;
  if (name !== undefined && known[name] !== undefined) return known[name];
  if (schema.$ref) return sample(components[schema.$ref.split('/').pop()!], components, known, name);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema.allOf?.[0];
  if (variant) return sample(variant, components, known, name);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' || schema.properties) {
    return Object.fromEntries((schema.required ?? []).map((k) => [k, sample(schema.properties?.[k], components, known, k)]));
  }
  if (type === 'array') return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items, components, known));
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return true;
  if (schema.format === 'email') return 'someone@example.com';
  return 'x';
}

/** Everything stored in a test app's SQLite, as one string: a refused request must leave it exactly as it was. */
export function snapshotDb(deps: { db: unknown }): string {
  const client = (deps.db as any).$client;
  const tables = (client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name != '__drizzle_migrations' order by name").all() as Array<{ name: string }>).map((r) => r.name);
  return JSON.stringify(tables.map((name) => [name, client.prepare(`select * from "${name}"`).all()]));
}

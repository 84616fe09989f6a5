/** One object of a rendered overlay, as plain JSON (from YAML). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // The rest depends on the kind: the checks read it as they need, the schema and type checks say what it must be.
  [field: string]: unknown;
}

/** A problem found, naming the object and the field: `StatefulSet/worker: spec.template…: …`. */
export interface Problem {
  object: string;
  rule: string;
  message: string;
}

export const nameOf = (m: Manifest): string => `${m.kind}/${m.metadata.name}`;

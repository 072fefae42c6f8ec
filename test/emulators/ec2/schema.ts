// Reads the EC2 service model that @aws-sdk/client-ec2 ships (its static schemas, exported from the
// package as `<Name>$`) so the emulator derives every wire name from the same traits the SDK uses:
// `xmlName` (response element names, list item names) and `ec2QueryName` (request parameter names).
// Nothing here is hand-written per shape.
//
// Static schema format (see @smithy/core/schema NormalizedSchema, which the SDK uses to read it):
//   number                              simple type: 0 string, 1 number, 2 boolean, 4..7 timestamp,
//                                       15 document, 17 big integer, 19 big decimal, 21/42 blob;
//                                       64|t = list of t, 128|t = map of string to t
//   [0, ns, name, traits, target]       a simple type with traits (e.g. sensitive strings)
//   [1, ns, name, traits, member]       list
//   [2, ns, name, traits, key, value]   map
//   [3|-3|4, ns, name, traits, names, members]  structure | error | union
//   [9, ns, name, traits, input, output]        operation
//   [target, traits]                    a member: a target reference plus member traits
//   () => schema                        a lazy reference
// Traits are an object ({ xmlName, ec2QueryName, ... }) or a bit mask of HTTP binding traits
// that the EC2 query protocol does not use.
import * as ec2 from "@aws-sdk/client-ec2";

export type ShapeKind =
  | "string"
  | "number"
  | "boolean"
  | "timestamp"
  | "blob"
  | "document"
  | "bigint"
  | "bigdecimal"
  | "list"
  | "map"
  | "struct"
  | "unit";

export interface Traits {
  xmlName?: string;
  ec2QueryName?: string;
  xmlFlattened?: boolean;
}

export interface MemberRef {
  /** The member's name in the SDK's (and the CLI's) JSON: PascalCase. */
  name: string;
  /** Traits on the member itself (where EC2 puts xmlName/ec2QueryName). */
  traits: Traits;
  shape(): Shape;
}

export interface Shape {
  kind: ShapeKind;
  name: string;
  /** The target shape's own traits. */
  traits: Traits;
  /** struct: its members in model order. */
  members?: MemberRef[];
  /** list: the item member; map: the value member. */
  member?: MemberRef;
  /** map: the key member. */
  key?: MemberRef;
}

export interface Operation {
  name: string;
  input: Shape;
  output: Shape;
}

const SIMPLE: Record<number, ShapeKind> = {
  0: "string",
  1: "number",
  2: "boolean",
  4: "timestamp",
  5: "timestamp",
  6: "timestamp",
  7: "timestamp",
  15: "document",
  17: "bigint",
  19: "bigdecimal",
  21: "blob",
  42: "blob",
};

function deref(ref: unknown): unknown {
  return typeof ref === "function" ? (ref as () => unknown)() : ref;
}

function readTraits(raw: unknown): Traits {
  if (raw === null || typeof raw !== "object") return {};
  const t = raw as Record<string, unknown>;
  const out: Traits = {};
  if (typeof t.xmlName === "string") out.xmlName = t.xmlName;
  if (typeof t.ec2QueryName === "string") out.ec2QueryName = t.ec2QueryName;
  if (t.xmlFlattened !== undefined && t.xmlFlattened !== 0 && t.xmlFlattened !== false)
    out.xmlFlattened = true;
  return out;
}

function isMember(raw: unknown): raw is [unknown, unknown] {
  return Array.isArray(raw) && raw.length === 2;
}

const cache = new Map<unknown, Shape>();

function memberRef(name: string, raw: unknown): MemberRef {
  const [target, traits] = isMember(raw) ? raw : [raw, 0];
  return { name, traits: readTraits(traits), shape: () => resolveShape(target) };
}

/** Resolves any schema reference of the SDK's static schema format to a Shape. */
export function resolveShape(ref: unknown): Shape {
  const sc = deref(ref);
  const cached = cache.get(sc);
  if (cached) return cached;
  const shape = build(sc);
  cache.set(sc, shape);
  return shape;
}

function build(sc: unknown): Shape {
  if (sc === "unit") return { kind: "unit", name: "unit", traits: {} };
  if (typeof sc === "number") {
    if (sc >= 128)
      return {
        kind: "map",
        name: `map<${sc & 0x3f}>`,
        traits: {},
        member: memberRef("value", sc & 0x3f),
        key: memberRef("key", 0),
      };
    if (sc >= 64)
      return { kind: "list", name: `list<${sc & 0x3f}>`, traits: {}, member: memberRef("member", sc & 0x3f) };
    const kind = SIMPLE[sc];
    if (!kind) throw new Error(`ec2 emulator: unknown simple schema ${sc}`);
    return { kind, name: kind, traits: {} };
  }
  if (!Array.isArray(sc) || sc.length < 5) throw new Error(`ec2 emulator: unrecognised schema ${String(sc)}`);
  const tag: unknown = sc[0];
  const name = String(sc[2]);
  const traits = readTraits(sc[3]);
  switch (tag) {
    case 0:
      return { ...resolveShape(sc[4]), name, traits: { ...resolveShape(sc[4]).traits, ...traits } };
    case 1:
      return { kind: "list", name, traits, member: memberRef("member", sc[4]) };
    case 2:
      return { kind: "map", name, traits, key: memberRef("key", sc[4]), member: memberRef("value", sc[5]) };
    case 3:
    case -3:
    case 4: {
      const names = sc[4] as unknown[];
      const members = sc[5] as unknown[];
      return {
        kind: "struct",
        name,
        traits,
        members: names.map((n, i) => memberRef(String(n), members[i])),
      };
    }
    default:
      throw new Error(`ec2 emulator: unsupported schema kind ${String(tag)} for ${name}`);
  }
}

/** The operation schema `<action>$` exported by @aws-sdk/client-ec2, or undefined for an unknown action. */
export function getOperation(action: string): Operation | undefined {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(action)) return undefined;
  const op: unknown = (ec2 as Record<string, unknown>)[`${action}$`];
  if (!Array.isArray(op) || op[0] !== 9 || op.length < 6) return undefined;
  return { name: action, input: resolveShape(op[4]), output: resolveShape(op[5]) };
}

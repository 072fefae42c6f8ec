// EC2 Query protocol on the wire, driven by the SDK's own model (./schema.ts):
// - decodeQuery: form parameters (`Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1`) -> the operation's
//   input in the SDK's JSON shape ({ Filters: [{ Name: "vpc-id", Values: ["vpc-1"] }] }).
// - encodeMembers: JSON in the SDK's / the CLI's shape -> the XML elements EC2 answers with
//   (`<securityGroupInfo><item>...</item></securityGroupInfo>`).
// The naming rules are the ones the SDK applies when it serialises a request and parses a response
// (@aws-sdk/core QueryShapeSerializer with EC2 settings and XmlShapeDeserializer).
import type { MemberRef, Shape } from "./schema.js";

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function element(tag: string, inner: string): string {
  return inner === "" ? `<${tag}/>` : `<${tag}>${inner}</${tag}>`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The element name of a struct member: the member's xmlName, else its name. */
function memberTag(m: MemberRef): string {
  return m.traits.xmlName ?? m.name;
}

/** The element name of a list item: the item member's xmlName (merged with its target's), else "member". */
function itemTag(m: MemberRef): string {
  return m.traits.xmlName ?? m.shape().traits.xmlName ?? "member";
}

/**
 * EC2 writes timestamps as ISO 8601 (`2020-02-12T18:00:16.000Z`). Fixtures from the AWS CLI carry
 * Python's rendering (`2020-02-12 18:00:16+00:00`); both become the same instant.
 */
function timestampText(value: unknown): string {
  const date =
    typeof value === "number"
      ? new Date(value * 1000)
      : value instanceof Date
        ? value
        : new Date(String(value).replace(/^(\d{4}-\d{2}-\d{2}) /, "$1T"));
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

function scalarText(shape: Shape, value: unknown): string {
  switch (shape.kind) {
    case "timestamp":
      return timestampText(value);
    case "document":
      return typeof value === "string" ? value : JSON.stringify(value);
    default:
      if (typeof value === "object" && value !== null) return JSON.stringify(value);
      return String(value);
  }
}

/** One value as the XML element `tag` (or, for a flattened list, as repeated `tag` elements). */
export function encodeValue(shape: Shape, value: unknown, tag: string): string {
  if (value === null || value === undefined) return "";
  switch (shape.kind) {
    case "unit":
      return "";
    case "struct":
      return isRecord(value) ? element(tag, encodeMembers(shape, value)) : "";
    case "list": {
      if (!Array.isArray(value) || !shape.member) return "";
      const member = shape.member;
      const itemShape = member.shape();
      if (shape.traits.xmlFlattened || member.traits.xmlFlattened) {
        return value.map((v) => encodeValue(itemShape, v, tag)).join("");
      }
      const name = itemTag(member);
      return element(tag, value.map((v) => encodeValue(itemShape, v, name)).join(""));
    }
    case "map": {
      if (!isRecord(value) || !shape.member || !shape.key) return "";
      const keyName = shape.key.traits.xmlName ?? "key";
      const valueName = shape.member.traits.xmlName ?? "value";
      const valueShape = shape.member.shape();
      const entries = Object.entries(value).map(
        ([k, v]) =>
          `<entry>${element(keyName, escapeXml(k))}${encodeValue(valueShape, v, valueName)}</entry>`,
      );
      return element(tag, entries.join(""));
    }
    default:
      return element(tag, escapeXml(scalarText(shape, value)));
  }
}

/** The members of a structure value as a sequence of XML elements, in model order; unknown keys are dropped. */
export function encodeMembers(shape: Shape, value: Record<string, unknown>): string {
  let out = "";
  for (const m of shape.members ?? []) {
    const v = value[m.name];
    if (v !== undefined && v !== null) out += encodeValue(m.shape(), v, memberTag(m));
  }
  return out;
}

/** The request parameter name of a struct member (EC2: ec2QueryName, else the capitalised xmlName or name). */
function queryKey(m: MemberRef): string {
  const traits = { ...m.shape().traits, ...m.traits };
  if (traits.ec2QueryName) return traits.ec2QueryName;
  const key = traits.xmlName ?? m.name;
  return key.charAt(0).toUpperCase() + key.slice(1);
}

function present(params: Map<string, string>, key: string): boolean {
  if (params.has(key)) return true;
  const prefix = `${key}.`;
  for (const k of params.keys()) if (k.startsWith(prefix)) return true;
  return false;
}

/** Decodes EC2 Query parameters into the operation input (SDK JSON shape); undefined when absent. */
export function decodeQuery(shape: Shape, params: Map<string, string>, prefix = ""): unknown {
  const join = (k: string): string => (prefix === "" ? k : `${prefix}.${k}`);
  switch (shape.kind) {
    case "struct": {
      const out: Record<string, unknown> = {};
      for (const m of shape.members ?? []) {
        const v = decodeQuery(m.shape(), params, join(queryKey(m)));
        if (v !== undefined) out[m.name] = v;
      }
      return prefix === "" || Object.keys(out).length > 0 ? out : undefined;
    }
    case "list": {
      // EC2 lists are flattened on the wire: Key.1, Key.2, ...
      if (!shape.member) return undefined;
      const itemShape = shape.member.shape();
      const items: unknown[] = [];
      for (let i = 1; present(params, join(String(i))); i++) {
        items.push(decodeQuery(itemShape, params, join(String(i))));
      }
      return items.length > 0 ? items : undefined;
    }
    case "map":
    case "unit":
      return undefined;
    default: {
      const raw = params.get(prefix);
      if (raw === undefined) return undefined;
      if (shape.kind === "number") return Number(raw);
      if (shape.kind === "boolean") return raw === "true";
      return raw;
    }
  }
}

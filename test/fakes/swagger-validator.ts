/**
 * Validates HTTP requests (and the fake's own responses) against KFP 2.17.0's swagger 2.0 file.
 * Like the real server (protojson), objects with declared properties reject unknown fields.
 */
import * as fs from "fs";
import * as path from "path";

export const SWAGGER_PATH =
  process.env.KFP_SWAGGER ?? path.resolve(__dirname, "../../../shared/kfp/2.17.0/kfp_api_single_file.swagger.json");

export interface SwaggerSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  properties?: Record<string, SwaggerSchema>;
  additionalProperties?: SwaggerSchema | boolean;
  items?: SwaggerSchema;
}
export interface SwaggerParameter {
  name: string;
  in: "query" | "path" | "body" | "formData" | "header";
  required?: boolean;
  type?: string;
  schema?: SwaggerSchema;
}
export interface SwaggerOperation {
  operationId?: string;
  consumes?: string[];
  parameters?: SwaggerParameter[];
  responses: Record<string, { schema?: SwaggerSchema }>;
}
export interface Swagger {
  paths: Record<string, Record<string, SwaggerOperation>>;
  definitions: Record<string, SwaggerSchema>;
}

export function loadSwagger(file = SWAGGER_PATH): Swagger {
  if (!fs.existsSync(file)) {
    throw new Error(
      `KFP swagger not found at ${file}; it lives in ../shared/kfp/2.17.0 beside the repo (or set KFP_SWAGGER)`,
    );
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as Swagger;
}

export interface MatchedOperation {
  template: string;
  operation: SwaggerOperation;
  pathParams: Record<string, string>;
}

function templateRegex(template: string): { regex: RegExp; names: string[]; literalLength: number } {
  const names: string[] = [];
  let literalLength = 0;
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (m) {
        names.push(m[1]);
        return "([^/]+?)";
      }
      literalLength += part.length;
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return { regex: new RegExp(`^${source}$`), names, literalLength };
}

/** The operation for method + concrete path; the most literal template wins (`{id}:archive` over `{id}`). */
export function matchOperation(swagger: Swagger, method: string, pathname: string): MatchedOperation | undefined {
  let best: (MatchedOperation & { literalLength: number }) | undefined;
  for (const [template, ops] of Object.entries(swagger.paths)) {
    const operation = ops[method.toLowerCase()];
    if (!operation) continue;
    const { regex, names, literalLength } = templateRegex(template);
    const m = regex.exec(pathname);
    if (!m) continue;
    if (best && best.literalLength >= literalLength) continue;
    const pathParams = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    best = { template, operation, pathParams, literalLength };
  }
  return best && { template: best.template, operation: best.operation, pathParams: best.pathParams };
}

export function validateValue(swagger: Swagger, schema: SwaggerSchema, value: unknown, at: string): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace("#/definitions/", "");
    const def = swagger.definitions[name];
    if (!def) return [`${at}: schema ${schema.$ref} missing from swagger`];
    return validateValue(swagger, def, value, at);
  }
  const type = schema.type ?? (schema.properties ? "object" : undefined);
  if (type === undefined) return []; // `{}`: any JSON value (protobuf Value)
  switch (type) {
    case "string":
      if (typeof value !== "string") return [`${at}: expected string, got ${JSON.stringify(value)}`];
      if (schema.enum && !schema.enum.includes(value)) return [`${at}: "${value}" not one of ${schema.enum.join("|")}`];
      return [];
    case "integer":
      return (typeof value === "number" && Number.isInteger(value)) ||
        (typeof value === "string" && /^-?\d+$/.test(value))
        ? []
        : [`${at}: expected integer, got ${JSON.stringify(value)}`];
    case "number":
      return typeof value === "number" ? [] : [`${at}: expected number, got ${JSON.stringify(value)}`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: expected boolean, got ${JSON.stringify(value)}`];
    case "array":
      if (!Array.isArray(value)) return [`${at}: expected array, got ${JSON.stringify(value)}`];
      return value.flatMap((v, i) => validateValue(swagger, schema.items ?? {}, v, `${at}[${i}]`));
    case "object":
      return validateObject(swagger, schema, value, at);
    default:
      return [`${at}: unsupported schema type ${type}`];
  }
}

function validateObject(swagger: Swagger, schema: SwaggerSchema, value: unknown, at: string): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [`${at}: expected object, got ${JSON.stringify(value)}`];
  }
  // `{type: object}` alone is a protobuf Struct: any object.
  if (!schema.properties && schema.additionalProperties === undefined) return [];
  const errors: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const prop = schema.properties?.[key];
    if (prop) errors.push(...validateValue(swagger, prop, v, `${at}.${key}`));
    else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      errors.push(...validateValue(swagger, schema.additionalProperties, v, `${at}.${key}`));
    } else if (schema.additionalProperties !== true) errors.push(`${at}: unknown field "${key}"`);
  }
  return errors;
}

export interface RequestToValidate {
  method: string;
  pathname: string;
  query: URLSearchParams;
  contentType?: string;
  /** Parsed JSON body, or undefined when none was sent. */
  json?: unknown;
  /** Multipart fields: name → whether it carried a filename (a file). */
  formFields?: Record<string, { isFile: boolean }>;
}

/** All problems with a request, as the real server would reject it; empty when valid. */
export function validateRequest(
  swagger: Swagger,
  req: RequestToValidate,
): { errors: string[]; match?: MatchedOperation } {
  const match = matchOperation(swagger, req.method, req.pathname);
  if (!match) return { errors: [`no operation ${req.method} ${req.pathname} in the swagger`] };
  const params = match.operation.parameters ?? [];
  const errors: string[] = [];
  const queryParams = new Map(params.filter((p) => p.in === "query").map((p) => [p.name, p]));
  for (const [key, value] of req.query) {
    const p = queryParams.get(key);
    if (!p) errors.push(`query: unknown parameter "${key}" for ${req.method} ${match.template}`);
    else if (p.type === "integer" && !/^-?\d+$/.test(value))
      errors.push(`query ${key}: expected integer, got "${value}"`);
    else if (p.type === "boolean" && !/^(true|false)$/.test(value))
      errors.push(`query ${key}: expected boolean, got "${value}"`);
    else if (key === "filter") errors.push(...validateFilter(swagger, value));
  }
  for (const p of params) {
    if (p.required && p.in === "query" && !req.query.has(p.name)) errors.push(`query: missing required "${p.name}"`);
  }
  const body = params.find((p) => p.in === "body");
  const form = params.filter((p) => p.in === "formData");
  if (body) {
    if (!req.contentType?.startsWith("application/json"))
      errors.push(`body: content-type must be application/json, got ${req.contentType}`);
    if (req.json === undefined) errors.push("body: missing JSON body");
    else errors.push(...validateValue(swagger, body.schema ?? {}, req.json, "body"));
  } else if (form.length > 0) {
    if (!req.contentType?.startsWith("multipart/form-data"))
      errors.push(`form: content-type must be multipart/form-data, got ${req.contentType}`);
    const fields = req.formFields ?? {};
    for (const p of form) {
      if (p.required && !fields[p.name]) errors.push(`form: missing required field "${p.name}"`);
      if (p.type === "file" && fields[p.name] && !fields[p.name].isFile)
        errors.push(`form: field "${p.name}" must be a file`);
    }
    for (const name of Object.keys(fields)) {
      if (!form.some((p) => p.name === name)) errors.push(`form: unknown field "${name}"`);
    }
  } else if (req.json !== undefined || req.formFields) {
    errors.push(`body: ${req.method} ${match.template} takes no body`);
  }
  return { errors, match };
}

function validateFilter(swagger: Swagger, raw: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [`query filter: not JSON: ${raw}`];
  }
  return validateValue(swagger, { $ref: "#/definitions/v2beta1Filter" }, parsed, "filter");
}

/** Validates a response body against the operation's declared schema for that status. */
export function validateResponse(swagger: Swagger, op: SwaggerOperation, status: number, body: unknown): string[] {
  const declared = op.responses[String(status)] ?? op.responses.default;
  if (!declared?.schema) return [];
  return validateValue(swagger, declared.schema, body, `response ${status}`);
}

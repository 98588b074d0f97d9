import { request } from 'undici'

/** The subset of JSON Schema (as @fastify/swagger writes it, OpenAPI 3.0) the fuzzer reads. */
export interface JsonSchema {
  type?: string
  format?: string
  enum?: unknown[]
  anyOf?: JsonSchema[]
  allOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  nullable?: boolean
}

/** A parameter of an operation: where it goes, its name and schema. */
export interface Param {
  name: string
  in: 'path' | 'query' | 'header'
  required: boolean
  schema: JsonSchema
}

/** One operation of the OpenAPI document, as the fuzzer needs it. */
export interface FuzzOperation {
  /** `METHOD /path/{param}`, as in the document. */
  key: string
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  params: Param[]
  /** The `application/json` request body schema, when the operation documents one. */
  body?: JsonSchema
  /** Whether it needs the CRM's JWT (`security`). */
  secured: boolean
  /** Every status the document says it answers. */
  statuses: Set<number>
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Param[]
        requestBody?: { content?: Record<string, { schema: JsonSchema }> }
        security?: unknown[]
        responses?: Record<string, unknown>
      }
    >
  >
}

/** Reads the gateway's OpenAPI document (`/docs/json` on `origin`) into fuzzable operations. */
export async function loadOperations(origin: string): Promise<FuzzOperation[]> {
  const res = await request(`${origin}/docs/json`)
  if (res.statusCode !== 200) throw new Error(`/docs/json answered ${res.statusCode}`)
  const doc = (await res.body.json()) as OpenApiDocument
  const operations: FuzzOperation[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase() as FuzzOperation['method'],
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
        secured: (op.security ?? []).length > 0,
        statuses: new Set(Object.keys(op.responses ?? {}).map(Number)),
      })
    }
  }
  return operations
}

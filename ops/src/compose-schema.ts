// Validates a docker-compose.yml against the Compose Specification's JSON schema
// (ops/schema/compose-spec.json, draft 2019-09) with ajv, after YAML merge keys are resolved as
// Docker Compose resolves them.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import Ajv2019Module from 'ajv/dist/2019.js'
import type { ErrorObject } from 'ajv'
import { COMPOSE_SCHEMA_FILE } from './repo-paths.js'

// ajv is CommonJS; under NodeNext its default export is the module object.
const Ajv2019 = Ajv2019Module.default

/** The compose-spec's own formats, as Docker Compose interprets them. */
const FORMATS: Readonly<Record<string, RegExp>> = {
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  expose: /^\d{1,5}(-\d{1,5})?(\/(tcp|udp|sctp))?$/,
  ports: /^((\[?[0-9A-Fa-f.:]+\]?:)?(\d{1,5}(-\d{1,5})?)?:)?\d{1,5}(-\d{1,5})?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^([0-9A-Fa-f.:]+)\/\d{1,3}$/
}

export interface ComposeFile {
  name?: string
  services: Record<string, ComposeService>
  volumes?: Record<string, unknown>
  [key: string]: unknown
}

export interface ComposeService {
  image?: string
  build?: unknown
  command?: string[] | string
  environment?: Record<string, string> | string[]
  volumes?: Array<string | { type: string, source?: string, target: string, read_only?: boolean }>
  ports?: Array<string | number>
  depends_on?: string[] | Record<string, { condition: string }>
  healthcheck?: Record<string, unknown>
  [key: string]: unknown
}

export function readComposeFile (path: string): ComposeFile {
  // merge: Docker Compose honours YAML 1.1 merge keys (`<<: *anchor`); YAML 1.2 parsers do not by default.
  return parse(readFileSync(path, 'utf8'), { merge: true }) as ComposeFile
}

/** Schema violations of `compose`, each as "path: message"; empty when it is valid. */
export function composeSchemaErrors (compose: unknown): string[] {
  const schema = JSON.parse(readFileSync(COMPOSE_SCHEMA_FILE, 'utf8')) as Record<string, unknown>
  // The file names its dialect "http://json-schema.org/draft/2019-09/schema#", which ajv does not
  // know by that spelling; Ajv2019 already is that dialect, so the reference can go.
  delete schema.$schema
  // The top-level project `name` joined the specification after this 2021 snapshot; Docker
  // Compose v2 reads it. Added here, and only this, rather than accepting unknown keys.
  const properties = schema.properties as Record<string, unknown>
  properties.name ??= { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' }
  const ajv = new Ajv2019({ strict: false, allErrors: true })
  for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern)
  const validate = ajv.compile(withoutDraft4Ids(schema) as Record<string, unknown>)
  if (validate(compose)) return []
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`)
}

// The 2021 schema still labels subschemas with draft-04 `id` strings ("#/properties/services"),
// which ajv rejects; they are labels only (nothing refers to them), so they are dropped. An `id`
// whose value is an object is a property named "id" and stays.
function withoutDraft4Ids (node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids)
  if (node === null || typeof node !== 'object') return node
  return Object.fromEntries(Object.entries(node)
    .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
    .map(([key, value]) => [key, withoutDraft4Ids(value)]))
}

/** The `environment` of a service as a map, whichever of the two forms the file uses. */
export function serviceEnvironment (service: ComposeService): Map<string, string> {
  const env = service.environment
  if (env === undefined) return new Map()
  if (Array.isArray(env)) return new Map(env.map((entry) => [entry.split('=')[0]!, entry.slice(entry.indexOf('=') + 1)]))
  return new Map(Object.entries(env).map(([k, v]) => [k, String(v)]))
}

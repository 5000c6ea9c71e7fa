// Command-line and environment options, declared once: each option has a flag, an env var, a
// type, a default and a description. Parsing reports every problem at once so a user fixes
// their configuration in one go; the parsed result is frozen.

export type OptionKind = 'integer' | 'bytes' | 'string' | 'boolean'

export interface OptionSpec {
  readonly flag: string
  readonly env: string
  readonly kind: OptionKind
  readonly description: string
  /** Default value; undefined means the option is unset unless given. */
  readonly default?: number | string | boolean
  readonly min?: number
  readonly max?: number
}

export type OptionValues = Readonly<Record<string, number | string | boolean | undefined>>

export interface ParsedCommandLine {
  readonly values: OptionValues
  readonly positionals: readonly string[]
  readonly help: boolean
  readonly problems: readonly string[]
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3
}

/** Parses `argv` (without node and script) against `specs`, with env vars as fallbacks. */
export function parseCommandLine (specs: readonly OptionSpec[], argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCommandLine {
  const byFlag = new Map(specs.map((s) => [s.flag, s]))
  const raw = new Map<string, { text: string, source: string }>()
  const positionals: string[] = []
  const problems: string[] = []
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') { help = true; continue }
    if (arg === '--') { positionals.push(...argv.slice(i + 1)); break }
    if (!arg.startsWith('--')) { positionals.push(arg); continue }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    const negated = name.startsWith('no-') && byFlag.get(name.slice(3))?.kind === 'boolean'
    const spec = byFlag.get(negated ? name.slice(3) : name)
    if (spec === undefined) { problems.push(`unknown option --${name}`); continue }
    if (spec.kind === 'boolean' && eq === -1) { raw.set(spec.flag, { text: negated ? 'false' : 'true', source: `--${name}` }); continue }
    // Otherwise --no-access-log=true would turn the access log on.
    if (negated) { problems.push(`--${name} takes no value`); continue }
    const text = eq === -1 ? argv[++i] : arg.slice(eq + 1)
    if (text === undefined) { problems.push(`--${name} needs a value`); continue }
    raw.set(spec.flag, { text, source: `--${name}` })
  }
  const values: Record<string, number | string | boolean | undefined> = {}
  for (const spec of specs) {
    const given = raw.get(spec.flag) ?? (env[spec.env] !== undefined && env[spec.env] !== '' ? { text: env[spec.env]!, source: spec.env } : undefined)
    if (given === undefined) { values[spec.flag] = spec.default; continue }
    const result = convert(spec, given.text)
    if (typeof result === 'object') problems.push(`${given.source}=${JSON.stringify(given.text)}: ${result.problem}`)
    else values[spec.flag] = result
  }
  return Object.freeze({ values: Object.freeze(values), positionals, help, problems })
}

function convert (spec: OptionSpec, text: string): number | string | boolean | { problem: string } {
  switch (spec.kind) {
    case 'string':
      return text
    case 'boolean': {
      const lower = text.toLowerCase()
      if (['1', 'true', 'yes', 'on'].includes(lower)) return true
      if (['0', 'false', 'no', 'off'].includes(lower)) return false
      return { problem: 'expected true or false' }
    }
    case 'integer':
    case 'bytes': {
      const value = spec.kind === 'integer' ? parseInteger(text) : parseBytes(text)
      if (value === undefined) return { problem: spec.kind === 'integer' ? 'expected a whole number' : 'expected a size such as 65536, 64KiB or 64MiB' }
      if (spec.min !== undefined && value < spec.min) return { problem: `must be at least ${spec.min}` }
      if (spec.max !== undefined && value > spec.max) return { problem: `must be at most ${spec.max}` }
      return value
    }
  }
}

function parseInteger (text: string): number | undefined {
  if (!/^\d{1,15}$/.test(text.trim())) return undefined
  return Number(text.trim())
}

export function parseBytes (text: string): number | undefined {
  const match = /^(\d{1,15}(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  if (match === null) return undefined
  const unit = SIZE_UNITS[match[2]!.toLowerCase()]
  if (unit === undefined) return undefined
  const value = Math.floor(Number(match[1]) * unit)
  return Number.isSafeInteger(value) ? value : undefined
}

/** `--help` text: one line per option with its env var and default. */
export function formatHelp (usage: string, specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => {
    const left = `  --${s.flag}${s.kind === 'boolean' ? '' : ' <' + s.kind + '>'}`
    const dflt = s.default === undefined ? '' : ` (default ${String(s.default)})`
    return `${left.padEnd(34)} ${s.description}${dflt}\n${''.padEnd(35)}env ${s.env}`
  })
  return `${usage}\n\nOptions:\n${rows.join('\n')}\n  --help                             show this help\n`
}

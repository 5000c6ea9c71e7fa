// The benchmark's command line, parsed once into a frozen BenchOptions. `--quick` is a preset
// that explicit flags still override.
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { byteSize, positiveNumber, wholeNumber } from './option-values.js'

export const PATTERNS = ['uniform', 'hot', 'sequential'] as const
export type Pattern = typeof PATTERNS[number]
export const SYSTEMS = ['ours', 'ours-nocache', 'ours-cluster', 'nginx', 'node', 'node-cluster'] as const
export type SystemName = typeof SYSTEMS[number]
export const TOOLS = ['autocannon', 'wrk'] as const
export type ToolName = typeof TOOLS[number]

/** bench/ (this file is bench/dist/src/options.js). */
export const BENCH_DIR = fileURLToPath(new URL('../../', import.meta.url))

export interface BenchOptions {
  /** Data file size in bytes; default 1 GiB (`--size 1G`), quick 256 MiB. */
  readonly sizeBytes: number
  /** Seed of the generated data and of the request lists; default 1. */
  readonly seed: number
  /** Where data files are generated and reused; default bench/.data. */
  readonly dataDir: string
  /** Where result JSON and SVG go; default bench/results. */
  readonly resultsDir: string
  /** Open connections per run; default 100, 1000, 10000. */
  readonly connections: readonly number[]
  /** Measured seconds per run, after warm-up; default 6, quick 3. */
  readonly durationSeconds: number
  /** Least warm-up seconds per run (JIT, caches); default 2, quick 1. */
  readonly minWarmupSeconds: number
  /** Most seconds to wait for every connection to get its first answer; default 20, quick 15. */
  readonly maxWarmupSeconds: number
  readonly patterns: readonly Pattern[]
  readonly systems: readonly SystemName[]
  readonly tools: readonly ToolName[]
  /** Processes of the node-cluster baseline and nginx workers; default the core count. */
  readonly clusterProcesses: number
  /** Zipf exponent of the hot pattern; default 1.1. */
  readonly zipfExponent: number
  /** Length of each pre-generated request path list; default 2^20, quick 2^18. */
  readonly pathListLength: number
  /** Measure index build, cold reads and restart time; `--skip-index` turns it off. */
  readonly indexMeasures: boolean
  /** Drop the data file from the page cache for the cold measures; `--no-cold` turns it off. */
  readonly cold: boolean
  /** Interleaved rounds of cold index build and cold disk read; default 3. */
  readonly coldRounds: number
  /** Times each cell runs, the order rotating each time; the median run by req/s is kept. Default 1. */
  readonly repeat: number
  /** apt-get install nginx / wrk when missing; `--no-install` turns it off. */
  readonly install: boolean
  readonly quick: boolean
  /** Print the Markdown section of the results at the end. */
  readonly markdown: boolean
}

export type ParsedOptions = { readonly kind: 'ok', readonly options: BenchOptions } | { readonly kind: 'help' } | { readonly kind: 'invalid', readonly problems: readonly string[] }

export const USAGE = `Usage: pnpm bench [options]
  --quick                 256M file, 100 and 1000 connections, uniform + hot, 3 s runs,
                          ours, ours-nocache, nginx, node; autocannon only (< 2 min)
  --size <bytes>          data file size, e.g. 256M, 1G (default 1G)
  --seed <int>            data and request-list seed (default 1)
  --data-dir <dir>        where data files are made and reused (default bench/.data)
  --results-dir <dir>     where JSON/SVG results go (default bench/results)
  --connections <list>    e.g. 100,1000,10000
  --duration <s>          measured seconds per run, after warm-up (default 6)
  --warmup <s>            least warm-up seconds per run (default 2)
  --max-warmup <s>        most seconds to wait for every connection's first answer (default 20)
  --patterns <list>       uniform,hot,sequential
  --systems <list>        ours,ours-nocache,ours-cluster,nginx,node,node-cluster
  --tools <list>          autocannon,wrk
  --processes <n>         ours-cluster and node-cluster processes, nginx workers (default: cores)
  --skip-index            skip index build / cold read / restart measures
  --no-cold               do not drop the data file from the page cache
  --cold-rounds <n>       interleaved rounds of cold index build and cold dd read (default 3)
  --repeat <n>            run each cell n times, the system order rotating each time, and keep
                          each system's median run by req/s (default 1)
  --no-install            do not apt-get install missing nginx / wrk
  --markdown              print the README section at the end`

function list<T extends string> (text: string, allowed: readonly T[], name: string, problems: string[]): T[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '')
  for (const item of items) if (!allowed.includes(item as T)) problems.push(`--${name}: unknown ${JSON.stringify(item)} (allowed: ${allowed.join(', ')})`)
  return items as T[]
}

export function parseOptions (argv: readonly string[]): ParsedOptions {
  const flags = new Set<string>()
  const values = new Map<string, string>()
  const problems: string[] = []
  const booleans = new Set(['quick', 'skip-index', 'no-cold', 'no-install', 'markdown', 'help'])
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    // pnpm may pass the separator through: `pnpm bench -- --quick`.
    if (arg === '--') continue
    const body = arg.replace(/^--?/, '')
    const eq = body.indexOf('=')
    const name = eq >= 0 ? body.slice(0, eq) : body
    if (!arg.startsWith('-')) problems.push(`unexpected argument ${JSON.stringify(arg)}`)
    else if (booleans.has(name) || name === 'h') flags.add(name === 'h' ? 'help' : name)
    else if (eq >= 0) values.set(name, body.slice(eq + 1))
    else if (i + 1 < argv.length) values.set(name, argv[++i]!)
    else problems.push(`--${name} needs a value`)
  }
  if (flags.has('help')) return { kind: 'help' }
  const known = new Set(['size', 'seed', 'data-dir', 'results-dir', 'connections', 'duration', 'warmup', 'max-warmup', 'patterns', 'systems', 'tools', 'processes', 'zipf', 'paths', 'cold-rounds', 'repeat'])
  for (const name of values.keys()) if (!known.has(name)) problems.push(`unknown option --${name}`)
  const quick = flags.has('quick')
  const sizeText = values.get('size') ?? (quick ? '256M' : '1G')
  const sizeBytes = byteSize(sizeText, 'size', 1024, problems)
  const seed = Number(values.get('seed') ?? '1')
  if (!Number.isInteger(seed)) problems.push('--seed must be an integer')
  const connections = (values.get('connections') ?? (quick ? '100,1000' : '100,1000,10000')).split(',').map(Number)
  if (connections.some((c) => !Number.isInteger(c) || c < 1)) problems.push('--connections must be a list of positive integers')
  const cwd = process.env.INIT_CWD ?? process.cwd()
  const options: BenchOptions = {
    sizeBytes,
    seed,
    dataDir: resolve(cwd, values.get('data-dir') ?? resolve(BENCH_DIR, '.data')),
    resultsDir: resolve(cwd, values.get('results-dir') ?? resolve(BENCH_DIR, 'results')),
    connections,
    durationSeconds: positiveNumber(values.get('duration'), 'duration', problems) ?? (quick ? 3 : 6),
    minWarmupSeconds: positiveNumber(values.get('warmup'), 'warmup', problems) ?? (quick ? 1 : 2),
    maxWarmupSeconds: positiveNumber(values.get('max-warmup'), 'max-warmup', problems) ?? (quick ? 15 : 20),
    patterns: list(values.get('patterns') ?? (quick ? 'uniform,hot' : PATTERNS.join(',')), PATTERNS, 'patterns', problems),
    systems: list(values.get('systems') ?? (quick ? 'ours,ours-nocache,nginx,node' : SYSTEMS.join(',')), SYSTEMS, 'systems', problems),
    tools: list(values.get('tools') ?? (quick ? 'autocannon' : TOOLS.join(',')), TOOLS, 'tools', problems),
    clusterProcesses: positiveNumber(values.get('processes'), 'processes', problems) ?? availableParallelism(),
    zipfExponent: positiveNumber(values.get('zipf'), 'zipf', problems) ?? 1.1,
    pathListLength: positiveNumber(values.get('paths'), 'paths', problems) ?? (quick ? 2 ** 18 : 2 ** 20),
    indexMeasures: !flags.has('skip-index'),
    cold: !flags.has('no-cold'),
    coldRounds: wholeNumber(values.get('cold-rounds'), 'cold-rounds', 3, 1, problems),
    repeat: wholeNumber(values.get('repeat'), 'repeat', 1, 1, problems),
    install: !flags.has('no-install'),
    quick,
    markdown: flags.has('markdown')
  }
  if (problems.length > 0) return { kind: 'invalid', problems }
  return { kind: 'ok', options: Object.freeze(options) }
}

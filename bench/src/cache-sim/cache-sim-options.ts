// The cache simulation's command line, parsed once into frozen CacheSimOptions.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BENCH_DIR, PATTERNS, type Pattern } from '../options.js'
import { byteSize, positiveNumber, wholeNumber } from '../option-values.js'

export interface CacheSimOptions {
  /** Size of the bench data file whose line count and mean line length are simulated; default 1 GiB. */
  readonly sizeBytes: number
  /** Seed of that data file and of the request lists; default 1. */
  readonly seed: number
  readonly dataDir: string
  /** Cache budget in bytes; default the server's own default. */
  readonly cacheBytes: number | undefined
  readonly pattern: Pattern
  readonly zipfExponent: number
  /** Requests per cell; default 2^20, the length of the bench's request lists. */
  readonly requestsPerCell: number
  readonly cells: number
}

export type ParsedCacheSimOptions = { readonly kind: 'ok', readonly options: CacheSimOptions } | { readonly kind: 'help' } | { readonly kind: 'invalid', readonly problems: readonly string[] }

export const CACHE_SIM_USAGE = `Usage: pnpm --filter bench cache-sim [options]
Replays the bench's request lists through the server's own line cache and admission policy, with
no server, and prints the hit ratio of each cell of requests next to the best a cache of that
many lines could do.
  --size <bytes>        bench data file whose line count and mean length are used (default 1G;
                        generated in --data-dir when missing, as pnpm bench does)
  --seed <int>          data and request seed (default 1)
  --data-dir <dir>      where data files are made and reused (default bench/.data)
  --cache <bytes>       cache budget, e.g. 64M, 256M (default: the server's default)
  --pattern <name>      ${PATTERNS.join(', ')} (default hot)
  --zipf <s>            exponent of the hot pattern (default 1.1, as pnpm bench)
  --paths <n>           requests per cell (default 1048576, as pnpm bench)
  --cells <n>           cells played one after another through the same cache (default 5)`

const FLAGS = {
  size: { type: 'string' },
  seed: { type: 'string' },
  'data-dir': { type: 'string' },
  cache: { type: 'string' },
  pattern: { type: 'string' },
  zipf: { type: 'string' },
  paths: { type: 'string' },
  cells: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

export function parseCacheSimOptions (argv: readonly string[]): ParsedCacheSimOptions {
  let values
  try {
    values = parseArgs({ args: argv.filter((arg) => arg !== '--'), options: FLAGS, strict: true, allowPositionals: false }).values
  } catch (err) {
    return { kind: 'invalid', problems: [(err as Error).message] }
  }
  if (values.help === true) return { kind: 'help' }
  const problems: string[] = []
  const sizeBytes = byteSize(values.size ?? '1G', 'size', 1024, problems)
  const cacheBytes = values.cache === undefined ? undefined : byteSize(values.cache, 'cache', 0, problems)
  const pattern = (values.pattern ?? 'hot') as Pattern
  if (!PATTERNS.includes(pattern)) problems.push(`--pattern: unknown ${JSON.stringify(values.pattern)} (allowed: ${PATTERNS.join(', ')})`)
  const options: CacheSimOptions = {
    sizeBytes,
    seed: wholeNumber(values.seed, 'seed', 1, 1, problems),
    dataDir: resolve(process.env.INIT_CWD ?? process.cwd(), values['data-dir'] ?? resolve(BENCH_DIR, '.data')),
    cacheBytes,
    pattern,
    zipfExponent: positiveNumber(values.zipf, 'zipf', problems) ?? 1.1,
    requestsPerCell: wholeNumber(values.paths, 'paths', 2 ** 20, 1, problems),
    cells: wholeNumber(values.cells, 'cells', 5, 1, problems)
  }
  if (problems.length > 0) return { kind: 'invalid', problems }
  return { kind: 'ok', options: Object.freeze(options) }
}

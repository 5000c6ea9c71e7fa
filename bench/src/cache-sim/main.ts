// `pnpm --filter bench cache-sim [options]`: the hit ratio the server's cache reaches on the
// bench's request patterns after millions of requests, and the best any cache of as many lines
// could do. Prints one line per cell; exits 2 on a bad command line.
import { ensureDataFile } from '../data-file.js'
import { loadHotLines } from '../ladder/gateway-stack.js'
import { CACHE_SIM_USAGE, parseCacheSimOptions } from './cache-sim-options.js'
import { simulateCache } from './simulate.js'

const MiB = 1024 * 1024

async function main (argv: readonly string[]): Promise<number> {
  const parsed = parseCacheSimOptions(argv)
  if (parsed.kind === 'help') { process.stdout.write(CACHE_SIM_USAGE + '\n'); return 0 }
  if (parsed.kind === 'invalid') { process.stderr.write(`cache-sim: ${parsed.problems.join('\n  ')}\n${CACHE_SIM_USAGE}\n`); return 2 }
  const options = parsed.options
  const data = ensureDataFile(options.dataDir, options.sizeBytes, options.seed)
  const gateway = await loadHotLines()
  const serverDefault = (flag: string): number => Number(gateway.SERVE_OPTIONS.find((o) => o.flag === flag)?.default)
  const cacheBytes = options.cacheBytes ?? serverDefault('cache-bytes')
  // The file's bytes are its lines plus one newline each (the last may lack it; one byte is noise).
  const lineBytes = Math.max(0, Math.round((data.bytes - data.lines) / Math.max(1, data.lines)))
  const patternLabel = options.pattern === 'hot' ? `hot (Zipf ${options.zipfExponent})` : options.pattern
  process.stdout.write(`cache-sim: ${data.lines} lines of ${lineBytes} bytes (the mean of ${data.path}), ${patternLabel}, ` +
    `cache ${(cacheBytes / MiB).toFixed(1)} MiB, ${options.cells} cells of ${options.requestsPerCell} requests\n`)
  const cells = simulateCache({
    lines: data.lines,
    lineBytes,
    cacheBytes,
    cacheMaxLineBytes: serverDefault('cache-max-line-bytes'),
    pattern: options.pattern,
    zipfExponent: options.zipfExponent,
    requestsPerCell: options.requestsPerCell,
    cells: options.cells,
    seed: options.seed
  }, gateway)
  cells.forEach((cell, i) => {
    process.stdout.write(`cell ${i + 1}: ${percent(cell.hitRatio)} hits with ${cell.entries} lines cached (${percent(cell.admittedShare)} of misses let in); ` +
      `the ${cell.entries} most popular lines draw ${percent(cell.popularLinesShare)} of requests\n`)
  })
  return 0
}

function percent (ratio: number): string {
  return `${(100 * ratio).toFixed(1)}%`
}

process.exitCode = await main(process.argv.slice(2))

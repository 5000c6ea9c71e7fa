// `pnpm bench [--quick] [options]`: runs the benchmark, prints the tables, and writes
// bench/results/<timestamp>.json, latest.json and latest.svg.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseOptions, USAGE } from './options.js'
import { rerunWithFdLimit } from './fd-limit.js'
import { fdLimits } from './proc-stats.js'
import { runBench } from './harness.js'
import { writeResults } from './results.js'
import { formatCacheSummary, formatGeneratorSummary, formatIndexSummary, formatTables } from './report/table.js'
import { renderSvg } from './report/svg.js'
import { renderMarkdown } from './report/markdown.js'

async function main (argv: readonly string[]): Promise<number> {
  const parsed = parseOptions(argv)
  if (parsed.kind === 'help') { process.stdout.write(USAGE + '\n'); return 0 }
  if (parsed.kind === 'invalid') { process.stderr.write(`bench: ${parsed.problems.join('\n  ')}\n${USAGE}\n`); return 2 }
  const options = parsed.options
  // Each connection is a descriptor in the generator and in the server; leave room for the rest.
  const neededFds = Math.max(...options.connections) + 4096
  const rerun = await rerunWithFdLimit(neededFds)
  if (rerun !== undefined) return rerun
  const log = (text: string): void => { process.stderr.write(`bench: ${text}\n`) }
  const fds = fdLimits()
  if (fds.soft < neededFds) log(`warning: open-file limit ${fds.soft} (hard ${fds.hard}) is below the ${neededFds} the largest run needs; it may fail with EMFILE`)
  const command = ['pnpm bench', ...argv.filter((a) => a !== '--')].join(' ')
  const results = await runBench(options, command, log)
  const path = writeResults(options.resultsDir, results)
  writeFileSync(join(options.resultsDir, 'latest.svg'), renderSvg(results))
  process.stdout.write(`\n${formatTables(results)}\n\n${formatIndexSummary(results)}\n`)
  for (const summary of [formatCacheSummary(results), formatGeneratorSummary(results)]) {
    if (summary !== undefined) process.stdout.write(`${summary}\n`)
  }
  for (const note of results.notes) process.stdout.write(`note: ${note}\n`)
  process.stdout.write(`\nwrote ${path}, latest.json and latest.svg in ${results.wallSeconds.toFixed(0)} s\n`)
  if (options.markdown) process.stdout.write(`\n${renderMarkdown(results)}`)
  return results.runs.some((r) => r.failure !== undefined) ? 1 : 0
}

process.exitCode = await main(process.argv.slice(2))

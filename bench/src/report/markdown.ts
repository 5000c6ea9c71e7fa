// The README's performance section, made from a results JSON: the command, the machine, one
// table per pattern × connections, and the start-up measures.
import type { BenchResults, RunRecord } from '../results.js'
import { cells, fmtInt, fmtMiB, fmtMs, fmtRatio } from './format.js'
import { cellTitle, fmtWarmup, formatCacheSummary, formatGeneratorSummary, formatIndexSummary } from './table.js'

function row (run: RunRecord): string {
  if (run.failure !== undefined) return `| ${run.label} | failed | | | | | | | |`
  return `| ${run.label} | ${fmtInt(run.requestsPerSec)} | ${fmtMs(run.latencyMs.p50)} | ${fmtMs(run.latencyMs.p99)} | ${fmtInt(run.errors.total)} | ${fmtMiB(run.rssBytes)} | ${fmtWarmup(run)} | ${fmtRatio(run.ratioToNginx)} | ${fmtRatio(run.ratioToNode)} |`
}

export function renderMarkdown (results: BenchResults): string {
  const m = results.machine
  const lines = [
    '## Performance',
    '',
    `Measured with \`${results.command}\` on ${results.startedAt.slice(0, 10)}: ${m.cores} cores (${m.cpuModel}), ` +
      `Node ${m.node}, a ${(results.data.bytes / 2 ** 20).toFixed(0)} MiB file of ${fmtInt(results.data.lines)} lines held in page cache. ` +
      'The load generator runs on the same machine and takes part of the cores (see `generatorCores` in the JSON); ' +
      'single runs swing by ±30%, so compare the ratios, which come from back-to-back runs. ' +
      '"vs node" compares with the node:http + readSync baseline with the same number of processes. ' +
      'autocannon opens the connections in batches and measures once every connection has had an answer ' +
      '(warm-up s; * = it gave up waiting, with the connections answered by then); wrk opens them inside its window, so its 1,000+ rows include the connection burst.',
    ''
  ]
  for (const cell of cells(results.runs)) {
    lines.push(`**${cellTitle(cell)}**`, '', '| system | req/s | p50 ms | p99 ms | errors | RSS MiB | warm-up s | vs nginx | vs node |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    for (const run of cell.runs) lines.push(row(run))
    lines.push('')
  }
  lines.push('Start-up:', '', ...formatIndexSummary(results).split('\n').map((l) => `- ${l}`), '')
  const notes = [formatCacheSummary(results, 'measured'), formatGeneratorSummary(results), ...results.notes].filter((n): n is string => n !== undefined)
  if (notes.length > 0) lines.push('Notes:', '', ...notes.map((n) => `- ${n}`), '')
  lines.push(`Full results: \`bench/results/latest.json\`; plot: \`bench/results/latest.svg\`. Reproduce with \`${results.command}\`.`, '')
  return lines.join('\n')
}

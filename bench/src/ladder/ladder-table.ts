// The ladder's printed table: one row per rung with its medians, the main-thread cost it adds
// over the rung below, and its ratios; then what each rung adds.
import { fmtInt, fmtRatio } from '../report/format.js'
import { renderTable } from '../report/table.js'
import type { LadderResults, RungSummary } from './ladder-results.js'

const COLUMNS = ['rung', 'req/s', 'main µs/req', '+µs vs below', 'main cores', 'proc cores', 'vs http-const', 'vs ours', 'errors'] as const

function row (rung: RungSummary): string[] {
  const errors = rung.rounds.reduce((sum, r) => sum + r.errors, 0)
  const m = rung.median
  if (m === null) return [rung.name, 'failed', '', '', '', '', '', '', (rung.rounds[0]?.failure ?? '').slice(0, 60)]
  const added = rung.addedMainThreadUsPerRequest
  return [
    rung.name,
    fmtInt(m.requestsPerSec),
    m.mainThreadUsPerRequest.toFixed(1),
    added === null ? '–' : `${added >= 0 ? '+' : ''}${added.toFixed(1)}`,
    m.mainThreadCores.toFixed(2),
    m.processCores.toFixed(2),
    fmtRatio(rung.ratioToHttpConst),
    fmtRatio(rung.ratioToOurs),
    fmtInt(errors)
  ]
}

export function formatLadder (results: LadderResults): string {
  const { wrk, data } = results
  const rounds = Math.max(0, ...results.rungs.map((r) => r.rounds.length))
  const title = `cost ladder: wrk -t${wrk.threads} -c${wrk.connections}, ${wrk.durationSeconds} s measured after ${wrk.warmupSeconds} s warm-up, ` +
    `random lines of a ${(data.bytes / 2 ** 20).toFixed(0)} MiB file (${fmtInt(data.lines)} lines); median of ${rounds} round${rounds === 1 ? '' : 's'}` +
    (results.options.pin === true ? '; server pinned to CPU 0, wrk to CPU 1' : '')
  const table = renderTable(COLUMNS, results.rungs.map(row))
  const legend = results.rungs.map((r) => `  ${r.name}: ${r.description}`).join('\n')
  const columns = 'main µs/req = main-thread CPU per request; +µs vs below = that minus the rung it builds on; ' +
    'main / proc cores = CPU of the main thread / of the whole server process (all threads) over the window; errors = summed over rounds'
  return `${title}\n${table}\n\n${legend}\n\n${columns}`
}

// The shard list of lb/generate-shards.mjs: parsed, checked (every problem at once) and turned
// into HAProxy backends ordered by first line. No I/O.

import { ADDRESS } from './haproxy-config.mjs'

const RANGE = /^(\d{1,15})-(\d{1,15})$/

/**
 * Turns the shard list into backends ordered by first line; throws listing every problem.
 * @returns {{ name: string, servers: string[], lines: [number, number] }[]}
 */
export function shardBackends (shards) {
  const problems = []
  if (!Array.isArray(shards) || shards.length === 0) throw new Error('the shard list must be a non-empty JSON array')
  const parsed = []
  shards.forEach((shard, i) => {
    const where = `shard ${i + 1}`
    const match = RANGE.exec(String(shard?.lines ?? ''))
    if (match === null) { problems.push(`${where}: "lines" must look like "1-5000000", got ${JSON.stringify(shard?.lines)}`); return }
    const from = Number(match[1])
    const to = Number(match[2])
    if (from < 1 || to < from) problems.push(`${where}: range ${shard.lines} must satisfy 1 <= A <= B`)
    if (!Array.isArray(shard.servers) || shard.servers.length === 0) problems.push(`${where}: "servers" must be a non-empty array of "host:port"`)
    for (const server of Array.isArray(shard.servers) ? shard.servers : []) {
      if (!ADDRESS.test(String(server))) problems.push(`${where}: server must be host:port, got ${JSON.stringify(server)}`)
    }
    parsed.push({ from, to, servers: Array.isArray(shard.servers) ? shard.servers.map(String) : [] })
  })
  parsed.sort((a, b) => a.from - b.from)
  let expected = 1
  for (const s of parsed) {
    if (s.from > expected) problems.push(`lines ${expected}-${s.from - 1} belong to no shard`)
    if (s.from < expected) problems.push(`range ${s.from}-${s.to} overlaps the range before it (which ends at ${expected - 1})`)
    expected = Math.max(expected, s.to + 1)
  }
  if (problems.length > 0) throw new Error(`invalid shard list:\n  - ${problems.join('\n  - ')}`)
  return parsed.map((s) => ({ name: `shard_${s.from}_${s.to}`, servers: s.servers, lines: [s.from, s.to] }))
}

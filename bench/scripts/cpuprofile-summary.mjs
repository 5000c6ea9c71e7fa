#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof) per request: self time by package or node
// module, then by function, in µs per request. Usage:
//   node bench/scripts/cpuprofile-summary.mjs <file.cpuprofile> <requests served> [top functions]
// Take the profile of the server's main thread: with --cpu-prof every thread writes a file,
// and the main thread's is the largest. Samples are wall time, so "(idle)" is the time the
// main thread waited in the event loop.
import { readFileSync } from 'node:fs'

const [file, requestsText, topText = '30'] = process.argv.slice(2)
const requests = Number(requestsText)
if (file === undefined || !(requests > 0)) {
  console.error('usage: cpuprofile-summary.mjs <file.cpuprofile> <requests> [top]')
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, 'utf8'))

const timeByNode = new Map()
for (let i = 0; i < profile.samples.length; i++) {
  timeByNode.set(profile.samples[i], (timeByNode.get(profile.samples[i]) ?? 0) + profile.timeDeltas[i])
}

// Package name for dependencies (pnpm's store path), the workspace package for ours, the
// module for node's own code, V8's pseudo-frames such as (garbage collector) as they are.
function groupOf (functionName, url) {
  const store = /node_modules\/\.pnpm\/([^/]+)\//.exec(url)
  if (store !== null) return store[1].replace(/_patch_hash=[0-9a-f]+_?/, ' (patched)')
  const workspace = /\/packages\/([^/]+)\//.exec(url)
  if (workspace !== null) return workspace[1]
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)'
  return url.replace(/^node:/, '').split('/').slice(0, 2).join('/')
}

const byGroup = new Map()
const byFunction = new Map()
for (const node of profile.nodes) {
  const micros = timeByNode.get(node.id) ?? 0
  if (micros === 0) continue
  const { functionName, url, lineNumber } = node.callFrame
  const group = groupOf(functionName, url)
  byGroup.set(group, (byGroup.get(group) ?? 0) + micros)
  const key = `${functionName || '(anonymous)'}  ${group}:${lineNumber + 1}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros)
}

const perRequest = (micros) => (micros / requests).toFixed(2).padStart(7)
const total = [...byGroup.values()].reduce((a, b) => a + b, 0)
const idle = byGroup.get('(idle)') ?? 0
console.log(`${perRequest(total)} µs per request in all, ${perRequest(total - idle).trim()} busy`)
console.log('\nby package or module:')
for (const [group, micros] of [...byGroup].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${perRequest(micros)}  ${group}`)
console.log('\nby function:')
for (const [key, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topText))) console.log(`${perRequest(micros)}  ${key}`)

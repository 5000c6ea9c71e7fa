// Hand-written SVG of the results: per access pattern, req/s (linear) and p99 (log) against
// connections (log) with one line per system. No dependencies; opens in any browser.
import type { BenchResults, RunRecord } from '../results.js'
import { fmtInt } from './format.js'

const PANEL_W = 440
const PANEL_H = 260
const M = { left: 64, right: 34, top: 34, bottom: 40 }
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2']

function esc (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function niceMax (value: number): number {
  if (value <= 0) return 1
  const magnitude = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude
  return 10 * magnitude
}

interface Axis { readonly toX: (c: number) => number, readonly ticks: readonly number[] }

function xAxis (connections: readonly number[]): Axis {
  const lo = Math.log10(Math.min(...connections))
  const hi = Math.log10(Math.max(...connections))
  const span = Math.max(hi - lo, 1e-9)
  const width = PANEL_W - M.left - M.right
  return { toX: (c) => M.left + (connections.length === 1 ? width / 2 : (Math.log10(c) - lo) / span * width), ticks: connections }
}

function panel (title: string, runs: readonly RunRecord[], systems: readonly string[], metric: 'rps' | 'p99', ox: number, oy: number): string {
  const ok = runs.filter((r) => r.failure === undefined)
  const connections = [...new Set(ok.map((r) => r.connections))].sort((a, b) => a - b)
  if (connections.length === 0) return ''
  const x = xAxis(connections)
  const plotH = PANEL_H - M.top - M.bottom
  const value = (r: RunRecord): number => metric === 'rps' ? r.requestsPerSec : Math.max(r.latencyMs.p99, 0.01)
  const values = ok.map(value)
  let toY: (v: number) => number
  let yTicks: Array<{ v: number, label: string }>
  if (metric === 'rps') {
    const max = niceMax(Math.max(...values))
    toY = (v) => M.top + plotH - v / max * plotH
    yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ v: f * max, label: fmtInt(f * max) }))
  } else {
    const lo = Math.floor(Math.log10(Math.min(...values)))
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values))))
    toY = (v) => M.top + plotH - (Math.log10(v) - lo) / (hi - lo) * plotH
    yTicks = []
    for (let e = lo; e <= hi; e++) yTicks.push({ v: 10 ** e, label: 10 ** e >= 1000 ? `${10 ** (e - 3)} s` : `${10 ** e} ms` })
  }
  const out: string[] = [`<g transform="translate(${ox},${oy})">`, `<text x="${M.left}" y="20" font-weight="bold">${esc(title)}</text>`]
  for (const t of yTicks) {
    const y = toY(t.v).toFixed(1)
    out.push(`<line x1="${M.left}" x2="${PANEL_W - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`, `<text x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(t.label)}</text>`)
  }
  for (const c of x.ticks) out.push(`<text x="${x.toX(c).toFixed(1)}" y="${PANEL_H - M.bottom + 16}" text-anchor="middle">${fmtInt(c)}</text>`)
  out.push(`<text x="${(M.left + PANEL_W - M.right) / 2}" y="${PANEL_H - 6}" text-anchor="middle" fill="#555">connections</text>`)
  systems.forEach((system, i) => {
    const points = ok.filter((r) => r.label === system).sort((a, b) => a.connections - b.connections)
      .map((r) => `${x.toX(r.connections).toFixed(1)},${toY(value(r)).toFixed(1)}`)
    if (points.length === 0) return
    const color = COLORS[i % COLORS.length]!
    out.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`)
    for (const p of points) { const [px, py] = p.split(','); out.push(`<circle cx="${px}" cy="${py}" r="3" fill="${color}"/>`) }
  })
  out.push('</g>')
  return out.join('\n')
}

export function renderSvg (results: BenchResults): string {
  const tool = results.runs.some((r) => r.tool === 'autocannon') ? 'autocannon' : 'wrk'
  const runs = results.runs.filter((r) => r.tool === tool)
  const patterns = [...new Set(runs.map((r) => r.pattern))]
  const systems = [...new Set(runs.map((r) => r.label))]
  const legendH = 24 + 18 * Math.ceil(systems.length / 3)
  const width = PANEL_W * 2
  const height = 40 + legendH + PANEL_H * Math.max(1, patterns.length)
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="16" y="24" font-size="15" font-weight="bold">${esc(`req/s and p99 vs connections (${tool}, ${(results.data.bytes / 2 ** 20).toFixed(0)} MiB file, ${results.machine.cores} cores, ${results.startedAt.slice(0, 16)})`)}</text>`
  ]
  systems.forEach((system, i) => {
    const lx = 16 + (i % 3) * 280
    const ly = 48 + Math.floor(i / 3) * 18
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="14" height="4" fill="${COLORS[i % COLORS.length]!}"/>`, `<text x="${lx + 20}" y="${ly - 3}">${esc(system)}</text>`)
  })
  patterns.forEach((pattern, row) => {
    const cellRuns = runs.filter((r) => r.pattern === pattern)
    const oy = 40 + legendH + row * PANEL_H
    parts.push(panel(`${pattern}: req/s`, cellRuns, systems, 'rps', 0, oy), panel(`${pattern}: p99 latency (log)`, cellRuns, systems, 'p99', PANEL_W, oy))
  })
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

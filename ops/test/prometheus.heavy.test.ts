// Two real servers on loopback, the Debian Prometheus binary scraping them every second, some
// traffic (200, 400, 413), then every dashboard query and alert rule evaluated through the API.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { generateDataFile, startServer, type ServerProcess } from '@line-server/testkit'
import { panelExpressions, readDashboard, substituteVariables } from '../src/dashboard.js'
import { loopbackPrometheusConfig, readPrometheusConfig } from '../src/prometheus-config.js'
import { startPrometheus, type PrometheusProcess } from '../src/prometheus-process.js'
import { DASHBOARD_FILE, PROMETHEUS_CONFIG, PROMETHEUS_RULES_DIR } from '../src/repo-paths.js'
import { ensurePackages } from '../src/system-packages.js'
import { sleep, until } from '../src/wait.js'

interface Context { dir: string, lines: number, servers: ServerProcess[], prometheus?: PrometheusProcess, loopbackConfig: string }
const ctx: Context = { dir: '', lines: 0, servers: [], loopbackConfig: '' }
const RULES_GLOB = join(PROMETHEUS_RULES_DIR, '*.yml')

test.before(async () => {
  await ensurePackages('prometheus')
  ctx.dir = mkdtempSync(join(tmpdir(), 'ops-prometheus-test-'))
  const file = join(ctx.dir, 'data.txt')
  ctx.lines = generateDataFile(file, 1024 * 1024, { seed: 11 }).lines
  // One after the other: the second loads the index the first built.
  for (let i = 0; i < 2; i++) ctx.servers.push(await startServer(file, { args: ['--threads', '1', '--index-threads', '1'] }))
  ctx.loopbackConfig = join(ctx.dir, 'prometheus.yml')
  writeFileSync(ctx.loopbackConfig, loopbackPrometheusConfig(readPrometheusConfig(PROMETHEUS_CONFIG), {
    targets: { 'line-server': ctx.servers.map((s) => `127.0.0.1:${s.port}`) },
    ruleFiles: [RULES_GLOB]
  }))
  ctx.prometheus = await startPrometheus(ctx.loopbackConfig)
  await until(async () => scalar(await ctx.prometheus!.query('count(up{job="line-server"} == 1)')) === 2, 'both replicas scraped')
  // Two rounds a couple of scrapes apart, so every rate sees an increase.
  for (let round = 0; round < 2; round++) {
    await Promise.all(ctx.servers.map(async (s) => { await driveTraffic(s.url, ctx.lines) }))
    await sleep(2500)
  }
  const served = 2 * 2 * 300
  await until(async () => scalar(await ctx.prometheus!.query('sum(line_server_lines_served_total)')) >= served, 'traffic scraped')
  await sleep(2000)
})

test.after.always(async () => {
  await ctx.prometheus?.stop()
  await Promise.all(ctx.servers.map(async (s) => await s.stop()))
  if (ctx.dir !== '') rmSync(ctx.dir, { recursive: true, force: true })
})

test.serial('promtool accepts prometheus.yml, the alert rules and the loopback variant', (t) => {
  for (const args of [['check', 'config', PROMETHEUS_CONFIG], ['check', 'config', ctx.loopbackConfig], ['check', 'rules', join(PROMETHEUS_RULES_DIR, 'line-server.yml')]]) {
    const result = spawnSync('promtool', args, { encoding: 'utf8' })
    t.is(result.status, 0, `promtool ${args.join(' ')}:\n${result.stdout}${result.stderr}`)
  }
})

test.serial('promtool check metrics finds no errors in the server\'s /metrics', async (t) => {
  const metrics = await (await fetch(`${ctx.servers[0]!.url}/metrics`)).text()
  const result = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' })
  // promtool exits 1 when it cannot parse the exposition, 3 when it only has lint warnings.
  t.true(result.status === 0 || result.status === 3, `promtool exited ${result.status}: ${result.stderr}`)
  const warnings = `${result.stdout}${result.stderr}`.trim()
  t.log(warnings === '' ? 'promtool check metrics: no lint warnings' : `promtool check metrics lint warnings (not failures):\n${warnings}`)
  t.true(metrics.includes('line_server_http_request_duration_seconds_bucket'))
})

test.serial('every dashboard query parses and returns data from the two scraped replicas', async (t) => {
  const expressions = panelExpressions(readDashboard(DASHBOARD_FILE))
  const problems: string[] = []
  for (const { panel, refId, expr } of expressions) {
    const query = substituteVariables(expr)
    try {
      const data = await ctx.prometheus!.query(query)
      if (data.result.length === 0) problems.push(`${panel} ${refId}: no data for ${query}`)
      const perInstance = /\bby \(instance\)/.test(query) && !/\bby \(instance, /.test(query)
      if (perInstance && data.result.length !== 2) problems.push(`${panel} ${refId}: ${data.result.length} series, expected one per replica, for ${query}`)
    } catch (err) {
      problems.push(`${panel} ${refId}: ${(err as Error).message} for ${query}`)
    }
  }
  t.log(`${expressions.length} expressions evaluated`)
  t.deepEqual(problems, [])
})

test.serial('every alert rule evaluates without error', async (t) => {
  const rules = parse(readFileSync(join(PROMETHEUS_RULES_DIR, 'line-server.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string, expr: string }> }> }
  const all = rules.groups.flatMap((g) => g.rules)
  for (const rule of all) await t.notThrowsAsync(ctx.prometheus!.query(rule.expr), rule.alert)
  // Prometheus loaded the same file and has evaluated each rule at least once by now.
  await until(async () => {
    const answer = await (await fetch(`${ctx.prometheus!.url}/api/v1/rules`)).json() as { data: { groups: Array<{ rules: Array<{ name: string, health: string, lastError?: string }> }> } }
    const loaded = answer.data.groups.flatMap((g) => g.rules)
    return loaded.length === all.length && loaded.every((r) => r.health === 'ok')
  }, 'rules loaded and healthy')
  t.pass()
})

async function driveTraffic (url: string, lines: number): Promise<void> {
  const paths = [
    ...Array.from({ length: 150 }, (_, i) => `/lines/${i + 1}`),
    ...Array.from({ length: 150 }, (_, i) => `/lines/${i + 1}`), // cache hits
    ...Array.from({ length: 10 }, () => '/lines/abc'),
    ...Array.from({ length: 10 }, () => '/lines/0'),
    ...Array.from({ length: 10 }, () => `/lines/${lines + 1}`)
  ]
  for (let i = 0; i < paths.length; i += 16) {
    await Promise.all(paths.slice(i, i + 16).map(async (p) => { await (await fetch(url + p)).arrayBuffer() }))
  }
}

function scalar (data: { result: ReadonlyArray<{ value?: [number, string] }> }): number {
  return Number(data.result[0]?.value?.[1] ?? Number.NaN)
}

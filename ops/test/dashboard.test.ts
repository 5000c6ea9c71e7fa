// The Grafana dashboard and its provisioning, read as files: structure, units, thresholds, the
// replica selector, and metric names checked against the gateway's metrics.ts.
import test from 'ava'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { dataPanels, panelExpressions, readDashboard, substituteVariables } from '../src/dashboard.js'
import { readComposeFile } from '../src/compose-schema.js'
import { COMPOSE_FILE, DASHBOARD_FILE, GRAFANA_DATASOURCE_FILE, GRAFANA_PROVIDER_FILE, METRICS_SOURCE } from '../src/repo-paths.js'

const dashboard = readDashboard(DASHBOARD_FILE)
const panels = dataPanels(dashboard)
const expressions = panelExpressions(dashboard)

test('every panel has the prometheus datasource, targets with a refId and an expression, a unit and thresholds', (t) => {
  t.true(panels.length >= 15)
  for (const panel of panels) {
    const name = panel.title ?? `panel ${panel.id}`
    // eslint-disable-next-line no-template-curly-in-string -- a Grafana variable, literally
    t.deepEqual(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, name)
    t.true((panel.targets ?? []).length > 0, `${name} has no targets`)
    for (const target of panel.targets ?? []) {
      t.regex(target.refId ?? '', /^[A-Z]$/, `${name}: refId`)
      t.true((target.expr ?? '').length > 0, `${name}: empty expression`)
      t.deepEqual(target.datasource, panel.datasource, `${name}: target datasource`)
    }
    t.truthy(panel.fieldConfig?.defaults?.unit, `${name} has no unit`)
    const steps = panel.fieldConfig?.defaults?.thresholds?.steps ?? []
    t.true(steps.length > 0 && steps[0]!.value === null, `${name}: thresholds must start with a base step`)
  }
})

test('panel ids are unique and no two panels overlap', (t) => {
  const ids = (dashboard.panels ?? []).map((p) => p.id)
  t.is(new Set(ids).size, ids.length)
  const boxes = (dashboard.panels ?? []).map((p) => ({ title: p.title, ...p.gridPos! }))
  for (const [i, a] of boxes.entries()) {
    t.true(a.x >= 0 && a.x + a.w <= 24, `${a.title} is outside the 24-column grid`)
    for (const b of boxes.slice(i + 1)) {
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
      t.false(overlap, `${a.title} overlaps ${b.title}`)
    }
  }
})

test('the replica selector lists instances and every expression filters by it', (t) => {
  const variables = dashboard.templating?.list ?? []
  const instance = variables.find((v) => v.name === 'instance')
  t.like(instance, { type: 'query', includeAll: true, multi: true, allValue: '.*' })
  t.regex(JSON.stringify(instance?.query), /label_values\(line_server_\w+, *instance\)/)
  t.like(variables.find((v) => v.name === 'datasource'), { type: 'datasource', query: 'prometheus' })
  for (const { panel, expr } of expressions) {
    // The error share divides by all requests; only the vector(0) fallback may omit the filter.
    const selectors = expr.replace(/vector\(0\)/g, '').match(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}]*\}/g) ?? []
    t.true(selectors.length > 0, `${panel}: no selector`)
    for (const selector of selectors) t.true(selector.includes('instance=~"$instance"'), `${panel}: ${selector} ignores the replica selector`)
  }
})

test('shows what an operator looks at first', (t) => {
  const all = expressions.map((e) => e.expr).join('\n')
  for (const needle of [
    'sum by (status) (rate(line_server_http_request_duration_seconds_count',
    'histogram_quantile(0.5,', 'histogram_quantile(0.95,', 'histogram_quantile(0.99,',
    'line_server_cache_hits_total', 'line_server_cache_misses_total',
    'line_server_engine_queue_depth', 'line_server_engine_batched_lines_total', 'line_server_engine_batches_total',
    'line_server_http_requests_in_flight', 'status=~"400|413|503"',
    'nodejs_eventloop_lag_p99_seconds', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes',
    'line_server_index_lines', 'line_server_index_data_bytes', 'line_server_ready'
  ]) t.true(all.includes(needle), `no panel uses ${needle}`)
})

test('every line_server metric the dashboard uses is defined in the gateway', (t) => {
  const source = readFileSync(METRICS_SOURCE, 'utf8')
  const defined = new Set([...source.matchAll(/'(line_server_[a-z_]+)'/g)].map((m) => m[1]!))
  t.true(defined.size > 10)
  const used = new Set(expressions.flatMap((e) => [...e.expr.matchAll(/\bline_server_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''))))
  for (const name of used) t.true(defined.has(name), `${name} is not defined in packages/gateway/src/metrics.ts`)
})

test('template variables are substituted the way the query test evaluates them', (t) => {
  t.is(substituteVariables('rate(x{instance=~"$instance"}[$__rate_interval])'), 'rate(x{instance=~".*"}[1m])')
  // eslint-disable-next-line no-template-curly-in-string -- a Grafana variable, literally
  t.is(substituteVariables('x{instance=~"${instance}"}'), 'x{instance=~".*"}')
  t.is(substituteVariables('x{a="$unknown"}'), 'x{a="$unknown"}')
  for (const { panel, expr } of expressions) t.false(substituteVariables(expr).includes('$'), `${panel}: ${expr} keeps a variable`)
})

test('grafana provisioning loads this dashboard and the compose prometheus as its datasource', (t) => {
  const datasources = parse(readFileSync(GRAFANA_DATASOURCE_FILE, 'utf8')) as { apiVersion: number, datasources: Array<Record<string, unknown>> }
  t.is(datasources.apiVersion, 1)
  const variable = dashboard.templating?.list?.find((v) => v.name === 'datasource') as { current?: { value?: string } } | undefined
  t.like(datasources.datasources[0], { type: 'prometheus', uid: variable?.current?.value, url: 'http://prometheus:9090', isDefault: true })

  const providers = parse(readFileSync(GRAFANA_PROVIDER_FILE, 'utf8')) as { apiVersion: number, providers: Array<{ type: string, options: { path: string } }> }
  t.is(providers.apiVersion, 1)
  const compose = readComposeFile(COMPOSE_FILE)
  const mounts = (compose.services.grafana?.volumes ?? []).map(String)
  t.true(mounts.includes(`./grafana/dashboards:${providers.providers[0]!.options.path}:ro`), 'compose must mount grafana/dashboards where the provider looks')
  t.true(mounts.includes('./grafana/provisioning:/etc/grafana/provisioning:ro'))
  t.is(dashboard.uid, 'line-server')
})

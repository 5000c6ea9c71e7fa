// prometheus/prometheus.yml and the loopback variant the heavy test derives from it.
import test from 'ava'
import { parse } from 'yaml'
import { loopbackPrometheusConfig, readPrometheusConfig, scrapeTargets } from '../src/prometheus-config.js'
import { PROMETHEUS_CONFIG } from '../src/repo-paths.js'

const composeConfig = readPrometheusConfig(PROMETHEUS_CONFIG)

test('the compose config scrapes the line servers and the balancer and loads the alert rules', (t) => {
  t.deepEqual([...scrapeTargets(composeConfig).keys()], ['line-server', 'haproxy'])
  t.deepEqual(composeConfig.rule_files, ['rules/*.yml'])
  t.like(composeConfig.global, { scrape_interval: '5s' })
})

test('the loopback variant keeps the jobs it is given targets for, with a short interval', (t) => {
  const text = loopbackPrometheusConfig(composeConfig, {
    targets: { 'line-server': ['127.0.0.1:9001', '127.0.0.1:9002'] },
    ruleFiles: ['/repo/prometheus/rules/*.yml']
  })
  const config = parse(text) as typeof composeConfig
  t.deepEqual([...scrapeTargets(config)], [['line-server', ['127.0.0.1:9001', '127.0.0.1:9002']]])
  t.like(config.global, { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' })
  t.deepEqual(config.rule_files, ['/repo/prometheus/rules/*.yml'])
  t.is(config.scrape_configs?.[0]?.metrics_path, '/metrics')
})

test('the loopback variant leaves the compose config untouched', (t) => {
  const before = structuredClone(composeConfig)
  loopbackPrometheusConfig(composeConfig, { targets: { haproxy: ['127.0.0.1:1'] }, intervalSeconds: 2 })
  t.deepEqual(composeConfig, before)
})

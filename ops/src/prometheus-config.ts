// The loopback variant of prometheus/prometheus.yml for tests: same jobs, paths and rules, with
// each job's targets replaced by loopback addresses and a short scrape interval. Jobs given no
// targets are dropped (the test runs no HAProxy exporter, for example).
import { readFileSync } from 'node:fs'
import { parse, stringify } from 'yaml'

interface ScrapeConfig { job_name: string, static_configs?: Array<{ targets: string[], labels?: Record<string, string> }>, [key: string]: unknown }
interface PrometheusConfig { global?: Record<string, unknown>, rule_files?: string[], scrape_configs?: ScrapeConfig[], [key: string]: unknown }

export interface LoopbackOptions {
  /** job_name → `127.0.0.1:<port>` targets. */
  readonly targets: Readonly<Record<string, readonly string[]>>
  /** Scrape and evaluation interval in seconds; default 1. */
  readonly intervalSeconds?: number
  /** Absolute rule-file globs; the compose config's relative ones would resolve next to the temp file. */
  readonly ruleFiles?: readonly string[]
}

export function readPrometheusConfig (path: string): PrometheusConfig {
  return parse(readFileSync(path, 'utf8')) as PrometheusConfig
}

/** Job names and their static targets, in file order. */
export function scrapeTargets (config: PrometheusConfig): Map<string, string[]> {
  return new Map((config.scrape_configs ?? []).map((job) => [job.job_name, (job.static_configs ?? []).flatMap((s) => s.targets)]))
}

export function loopbackPrometheusConfig (composeConfig: PrometheusConfig, options: LoopbackOptions): string {
  const seconds = options.intervalSeconds ?? 1
  const config: PrometheusConfig = structuredClone(composeConfig)
  config.global = { ...config.global, scrape_interval: `${seconds}s`, scrape_timeout: `${seconds}s`, evaluation_interval: `${seconds}s` }
  config.rule_files = [...(options.ruleFiles ?? [])]
  config.scrape_configs = (config.scrape_configs ?? [])
    .filter((job) => (options.targets[job.job_name] ?? []).length > 0)
    .map((job) => ({ ...job, static_configs: [{ targets: [...options.targets[job.job_name]!] }] }))
  return `# Loopback test variant of prometheus/prometheus.yml (ops/src/prometheus-config.ts).\n${stringify(config)}`
}

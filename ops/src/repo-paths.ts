// Absolute paths of the repository's operations files, so tests read the files an operator uses.
import { join } from 'node:path'
import { REPO_ROOT } from '@line-server/testkit'

export { REPO_ROOT }
export const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml')
export const DOCKERFILE = join(REPO_ROOT, 'Dockerfile')
export const DOCKERIGNORE = join(REPO_ROOT, '.dockerignore')
export const BUILD_SCRIPT = join(REPO_ROOT, 'build.sh')
export const WORKSPACE_FILE = join(REPO_ROOT, 'pnpm-workspace.yaml')
export const PROMETHEUS_CONFIG = join(REPO_ROOT, 'prometheus', 'prometheus.yml')
export const PROMETHEUS_RULES_DIR = join(REPO_ROOT, 'prometheus', 'rules')
export const DASHBOARD_FILE = join(REPO_ROOT, 'grafana', 'dashboards', 'line-server.json')
export const GRAFANA_DATASOURCE_FILE = join(REPO_ROOT, 'grafana', 'provisioning', 'datasources', 'prometheus.yml')
export const GRAFANA_PROVIDER_FILE = join(REPO_ROOT, 'grafana', 'provisioning', 'dashboards', 'line-server.yml')
export const HAPROXY_COMPOSE_CONFIG = join(REPO_ROOT, 'lb', 'haproxy.cfg')
export const GENERATE_HAPROXY_BIN = join(REPO_ROOT, 'lb', 'generate-haproxy.mjs')
export const GENERATE_SHARDS_BIN = join(REPO_ROOT, 'lb', 'generate-shards.mjs')
export const ENSURE_PACKAGES_SCRIPT = join(REPO_ROOT, 'ops', 'scripts', 'ensure-packages.sh')
export const COMPOSE_SCHEMA_FILE = join(REPO_ROOT, 'ops', 'schema', 'compose-spec.json')
export const WRK_SCRIPT = join(REPO_ROOT, 'ops', 'scripts', 'wrk-lines.lua')
export const METRICS_SOURCE = join(REPO_ROOT, 'packages', 'gateway', 'src', 'metrics.ts')

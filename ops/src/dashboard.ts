// Reads the Grafana dashboard: its panels (rows flattened), their PromQL expressions, and the
// expressions with Grafana's template variables replaced so Prometheus can evaluate them.
import { readFileSync } from 'node:fs'

export interface DashboardTarget { refId?: string, expr?: string, legendFormat?: string, datasource?: DatasourceRef }
export interface DatasourceRef { type?: string, uid?: string }
export interface Threshold { color: string, value: number | null }
export interface DashboardPanel {
  id?: number
  type?: string
  title?: string
  datasource?: DatasourceRef
  gridPos?: { h: number, w: number, x: number, y: number }
  targets?: DashboardTarget[]
  fieldConfig?: { defaults?: { unit?: string, thresholds?: { mode?: string, steps?: Threshold[] } }, overrides?: unknown[] }
  panels?: DashboardPanel[]
}
export interface TemplateVariable { name: string, type: string, query?: unknown, allValue?: string, includeAll?: boolean, multi?: boolean, datasource?: DatasourceRef }
export interface Dashboard { uid?: string, title?: string, panels?: DashboardPanel[], templating?: { list?: TemplateVariable[] } }

export function readDashboard (path: string): Dashboard {
  return JSON.parse(readFileSync(path, 'utf8')) as Dashboard
}

/** Every panel, with the panels of collapsed rows included and rows themselves left out. */
export function dataPanels (dashboard: Dashboard): DashboardPanel[] {
  const out: DashboardPanel[] = []
  const visit = (panels: readonly DashboardPanel[]): void => {
    for (const panel of panels) {
      if (panel.type === 'row') visit(panel.panels ?? [])
      else out.push(panel)
    }
  }
  visit(dashboard.panels ?? [])
  return out
}

export interface PanelExpression { readonly panel: string, readonly refId: string, readonly expr: string }

export function panelExpressions (dashboard: Dashboard): PanelExpression[] {
  return dataPanels(dashboard).flatMap((panel) => (panel.targets ?? [])
    .filter((t) => typeof t.expr === 'string' && t.expr !== '')
    .map((t) => ({ panel: panel.title ?? `panel ${panel.id}`, refId: t.refId ?? '?', expr: t.expr! })))
}

/**
 * Replaces Grafana's variables as a dashboard showing "All" over the last hour would:
 * `$instance` → `.*`, `$__rate_interval` → 1m, ... Unknown variables are left in place, so a
 * typo fails to parse in Prometheus instead of being silently replaced.
 */
export function substituteVariables (expr: string, values: Readonly<Record<string, string>> = {}): string {
  const all: Record<string, string> = {
    instance: '.*',
    __rate_interval: '1m',
    __interval: '15s',
    __interval_ms: '15000',
    __range: '1h',
    __range_s: '3600',
    ...values
  }
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (match, braced?: string, plain?: string, bracketed?: string) => {
    const name = braced ?? plain ?? bracketed ?? ''
    return all[name] ?? match
  })
}

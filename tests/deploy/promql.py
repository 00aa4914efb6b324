"""Every PromQL expression the deployment relies on: the Grafana dashboard's panel targets,
annotation queries and template variable queries, and the alert rules.

    import promql
    for where, expr in promql.expressions(source_dir):   # ready for /api/v1/query
        ...

Grafana's variables are replaced by values Prometheus accepts (`$__rate_interval` by `5m`, the
dashboard's `$job` and `$instance` by `.+`, which they always stand in a regex matcher for), and a
variable query `label_values(SELECTOR, label)` becomes SELECTOR. `substitute=False` returns the
text as written. Needs python3-yaml (Debian) for the alert rules."""

import json
import re
from pathlib import Path

DASHBOARD = "deploy/grafana/broadsheet.json"
ALERTS = "deploy/prometheus/alerts.yml"

# Grafana's global variables, as a 15 s scrape interval would make them.
GRAFANA_BUILTINS = {
    "__rate_interval": "5m",
    "__interval": "1m",
    "__interval_ms": "60000",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
}

_VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")
_LABEL_VALUES = re.compile(r"^\s*label_values\((.*),\s*\w+\s*\)\s*$", re.S)


def _panels(panels):
    """Panels in order, including those inside rows (collapsed rows keep theirs in `panels`)."""
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []))


def _substitute(expr, dashboard_variables):
    def value(match):
        name = match.group(1) or match.group(2) or match.group(3)
        if name in GRAFANA_BUILTINS:
            return GRAFANA_BUILTINS[name]
        if name in dashboard_variables:
            return dashboard_variables[name]
        raise ValueError(f"unknown Grafana variable ${name} in {expr!r}")

    return _VARIABLE.sub(value, expr)


def dashboard_expressions(dashboard, substitute=True):
    """(where, expr) for a parsed Grafana dashboard."""
    variables = {v["name"]: v.get("allValue") or ".+" for v in dashboard.get("templating", {}).get("list", [])
                 if v.get("type") in ("query", "custom", "constant", "textbox", "interval")}
    found = []
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        query = query.get("query") if isinstance(query, dict) else query
        if substitute:
            match = _LABEL_VALUES.match(query)
            query = match.group(1) if match else query
        found.append((f"dashboard variable ${variable['name']}", query))
    for panel in _panels(dashboard.get("panels", [])):
        for target in panel.get("targets", []):
            if target.get("expr"):
                found.append((f"dashboard panel {panel.get('title')!r} target {target.get('refId')}", target["expr"]))
    for annotation in dashboard.get("annotations", {}).get("list", []):
        if annotation.get("expr"):
            found.append((f"dashboard annotation {annotation.get('name')!r}", annotation["expr"]))
    if substitute:
        found = [(where, _substitute(expr, variables)) for where, expr in found]
    return found


def rule_expressions(rules):
    """(where, expr) for a parsed Prometheus rule file."""
    found = []
    for group in rules.get("groups", []):
        for rule in group.get("rules", []):
            name = f"alert {rule['alert']}" if "alert" in rule else f"record {rule['record']}"
            found.append((f"{name} (group {group['name']})", rule["expr"].strip()))
    return found


def expressions(source_dir, substitute=True):
    """(where, expr) pairs from the dashboard and the alert rules under source_dir."""
    import yaml  # Debian: python3-yaml

    source_dir = Path(source_dir)
    dashboard = json.loads((source_dir / DASHBOARD).read_text(encoding="utf-8"))
    rules = yaml.safe_load((source_dir / ALERTS).read_text(encoding="utf-8"))
    return dashboard_expressions(dashboard, substitute) + rule_expressions(rules)


if __name__ == "__main__":
    import sys

    for where, expr in expressions(sys.argv[1] if len(sys.argv) > 1 else "."):
        print(f"{where}\n    {expr}")

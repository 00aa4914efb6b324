"""Every PromQL expression the deployment relies on: the Grafana dashboard's targets and
annotations, and the alert rules. Used by the Prometheus scrape test to evaluate them all."""

import json
from pathlib import Path

import yaml


def expressions(source_dir):
    """(where, expr) pairs from deploy/grafana/broadsheet.json and deploy/prometheus/alerts.yml."""
    source_dir = Path(source_dir)
    out = []
    dashboard = json.loads((source_dir / "deploy/grafana/broadsheet.json").read_text())
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            out.append((f"dashboard panel {panel['title']!r} {target['refId']}", target["expr"]))
    for annotation in dashboard.get("annotations", {}).get("list", []):
        if "expr" in annotation:
            out.append((f"dashboard annotation {annotation['name']!r}", annotation["expr"]))
    rules = yaml.safe_load((source_dir / "deploy/prometheus/alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            out.append((f"alert {rule['alert']}", rule["expr"]))
    return out

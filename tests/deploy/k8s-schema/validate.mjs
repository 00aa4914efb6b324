// Validates Kubernetes objects against the API's JSON schemas, offline: the schemas ship in the
// npm packages kubernetes-models (built-in kinds), @kubernetes-models/prometheus-operator
// (PodMonitor) and @kubernetes-models/keda (ScaledObject), installed by `npm ci` here
// (scripts/install-deps.sh). Reads a JSON array of objects on stdin (check_deploy.py renders the
// kustomization and converts its YAML); prints one line per object and exits 1 when any object
// fails its schema or has a kind no package here describes.
import { readFileSync } from "node:fs";

// API groups outside Kubernetes itself, and the package that holds their models.
const packages = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "keda.sh": "@kubernetes-models/keda",
};

function modulePath(apiVersion) {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return `kubernetes-models/${apiVersion}`; // the core group: v1
  const group = apiVersion.slice(0, slash);
  return `${packages[group] ?? "kubernetes-models"}/${apiVersion}`;
}

async function check(object) {
  const { apiVersion, kind } = object;
  const name = `${kind}/${object.metadata?.name ?? object.metadata?.generateName ?? "?"}`;
  let models;
  try {
    models = await import(modulePath(String(apiVersion)));
  } catch {
    return `${name}: no schema for apiVersion ${apiVersion}`;
  }
  const Model = models[kind];
  if (typeof Model !== "function") return `${name}: no schema for ${kind} in ${apiVersion}`;
  try {
    new Model(object).validate();
  } catch (error) {
    return `${name}: ${error.message}`;
  }
  return null;
}

const objects = JSON.parse(readFileSync(0, "utf-8"));
let failed = 0;
for (const object of objects) {
  const problem = await check(object);
  if (problem) {
    failed += 1;
    console.log(`invalid ${problem}`);
  } else {
    console.log(`valid ${object.apiVersion} ${object.kind}/${object.metadata?.name ?? object.metadata?.generateName}`);
  }
}
console.log(`${objects.length - failed} valid, ${failed} invalid`);
process.exit(failed === 0 ? 0 : 1);

#!/usr/bin/env bash
# Checks deploy/ without a cluster: every Kubernetes manifest against the Kubernetes API schema
# (kubernetes-validate from PyPI, strict: unknown fields are errors) for the oldest version it needs
# (1.29: backoffLimitPerIndex) and a current one; that the Indexed Job's completions and the N of its
# `--shard auto/N` and report names agree, and that each Job's reports go to a directory of its own; and the
# shell syntax of the Slurm batch script.
# scripts/setup.sh installs kubernetes-validate; run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
validate=$(command -v kubernetes-validate || true)
if [[ -z "$validate" ]]; then
    echo "validate-deploy: kubernetes-validate is not installed (scripts/setup.sh installs it)" >&2
    exit 1
fi
for version in 1.29 1.33; do
    "$validate" --strict --quiet -k "$version" deploy/kubernetes/*.yaml
done
python3 - deploy/kubernetes/ossbatch-indexed-job.yaml <<'PY'
import re, sys, yaml
for doc in yaml.safe_load_all(open(sys.argv[1])):
    # The Job itself, or the Job a CronJob starts each night.
    spec = None
    if doc and doc.get("kind") == "Job":
        spec = doc["spec"]
    elif doc and doc.get("kind") == "CronJob":
        spec = doc["spec"]["jobTemplate"]["spec"]
    if spec is not None:
        n = spec["completions"]
        assert spec["completionMode"] == "Indexed", "the Job must be Indexed"
        assert spec["template"]["spec"]["restartPolicy"] == "Never", "backoffLimitPerIndex needs restartPolicy Never"
        script = " ".join(spec["template"]["spec"]["containers"][0]["args"])
        shards = set(re.findall(r"--shard auto/(\d+)", script)) | set(re.findall(r"-of-(\d+)", script))
        assert shards == {str(n)}, f"completions {n} but the script says {sorted(shards)}"
        # Each Job is a batch: its reports go to a directory named after it (a finished night's report must
        # never be resumed by the next night's pods).
        env = {e["name"]: e for e in spec["template"]["spec"]["containers"][0].get("env", [])}
        path = env.get("JOB_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath", "")
        assert "job-name" in path and "${JOB_NAME" in script, "the pod's reports must be in a directory per Job"
PY
bash -n deploy/slurm/ossbatch.sbatch
echo "deploy/: valid"

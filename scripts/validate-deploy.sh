#!/usr/bin/env bash
# Checks deploy/ without a cluster: every Kubernetes manifest against the Kubernetes API schema
# (kubernetes-validate from PyPI, strict: unknown fields are errors) for the oldest version it needs
# (1.29: backoffLimitPerIndex) and a current one; that the Indexed Job's completions and the N of its
# `--shard auto/N` and report names agree; and the shell syntax of the Slurm batch script.
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
    if doc and doc.get("kind") == "Job":
        spec = doc["spec"]
        n = spec["completions"]
        assert spec["completionMode"] == "Indexed", "the Job must be Indexed"
        assert spec["template"]["spec"]["restartPolicy"] == "Never", "backoffLimitPerIndex needs restartPolicy Never"
        script = " ".join(spec["template"]["spec"]["containers"][0]["args"])
        shards = set(re.findall(r"--shard auto/(\d+)", script)) | set(re.findall(r"-of-(\d+)", script))
        assert shards == {str(n)}, f"completions {n} but the script says {sorted(shards)}"
PY
bash -n deploy/slurm/ossbatch.sbatch
echo "deploy/: valid"

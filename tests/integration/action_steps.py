"""Runs the `run:` steps of action.yml (a composite GitHub Action) on this machine, as the
runner would: each step's `env:` resolved from the inputs (their defaults, then those given),
the earlier steps' outputs and a few `github.*` / `runner.*` values; each script run with
`bash --noprofile --norc -eo pipefail`; GITHUB_OUTPUT read after each step. `uses:` steps are
not run: the upload step's `path` is printed as what it would upload.

usage: action_steps.py ACTION_YML WORKDIR NAME=VALUE...   (the inputs)
Prints `step <id or name>: exit N` per step and `uploads <path>`; exits with the status of
the first step that failed (as the job would), else 0.
"""
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def main():
    action_path, workdir, *pairs = sys.argv[1:]
    with open(action_path) as f:
        action = yaml.safe_load(f)
    assert action["runs"]["using"] == "composite", "not a composite action"
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    for pair in pairs:
        key, value = pair.split("=", 1)
        assert key in inputs, f"action.yml has no input {key}"
        inputs[key] = value
    temp = tempfile.mkdtemp(prefix="action-steps.")
    atexit.register(shutil.rmtree, temp, ignore_errors=True)  # runner.temp ends with the job
    context = {
        "github.action_path": os.path.dirname(os.path.abspath(action_path)),
        "github.action_repository": "",
        "runner.temp": temp,
    }
    outputs = {}

    def value(expr):
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return outputs.get(m.group(1), {}).get(m.group(2), "")
        assert expr in context, f"unknown expression {expr}"
        return context[expr]

    def resolve(text):
        return EXPR.sub(lambda m: value(m.group(1)), str(text))

    def condition(step):
        cond = step.get("if", "")
        if not cond:
            return not failed
        # always() and a conjunction of `inputs.NAME != 'VALUE'`.
        terms = [t.strip() for t in cond.split("&&")]
        assert terms[0] == "always()", f"an if: this runner does not know: {cond}"
        for term in terms[1:]:
            m = re.fullmatch(r"inputs\.([\w-]+) != '([^']*)'", term)
            assert m, f"an if: this runner does not know: {cond}"
            if inputs[m.group(1)] == m.group(2):
                return False
        return True

    failed = 0
    for step in action["runs"]["steps"]:
        label = step.get("id") or step.get("name")
        if not condition(step):
            print(f"step {label}: skipped")
            continue
        if "uses" in step:
            assert step["uses"].startswith("actions/upload-artifact@"), step["uses"]
            print(f"uploads {resolve(step['with']['path'])} as {resolve(step['with']['name'])}")
            continue
        assert step.get("shell") == "bash", f"step {label}: shell is not bash"
        assert "${{" not in step["run"], f"step {label}: an expression inside run:"
        output_file = os.path.join(temp, f"output-{label}")
        open(output_file, "w").close()
        env = dict(os.environ)
        env.update({k: resolve(v) for k, v in step.get("env", {}).items()})
        env.update(GITHUB_OUTPUT=output_file, GITHUB_STEP_SUMMARY=os.path.join(temp, "summary"))
        code = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=workdir, env=env).returncode
        print(f"step {label}: exit {code}", flush=True)
        with open(output_file) as f:
            outputs[label] = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        if code != 0 and not failed:
            failed = code
    return failed


if __name__ == "__main__":
    sys.exit(main())

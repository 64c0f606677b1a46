"""The warm-kernel papermill engine: one kernel reused, every execution isolated."""

from __future__ import annotations

import os
import time

import nbformat
import papermill as pm
import pytest

from anchorlib.run import warm_kernel


def _notebook(path, *sources, parameters="x: int = 0"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell] + [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return str(path)


def _run(src, out, **params):
    return pm.execute_notebook(
        src,
        str(out),
        parameters=params,
        engine_name=warm_kernel.register(),
        progress_bar=False,
        log_output=False,
    )


@pytest.fixture()
def warm():
    warm_kernel.shutdown()
    yield
    warm_kernel.shutdown()


def _outputs(nb) -> list[str]:
    return [
        "".join(o.get("text", "") for o in c.get("outputs", []) if o.get("output_type") == "stream")
        for c in nb.cells
        if c.cell_type == "code"
    ]


def test_state_does_not_carry_over_between_executions(tmp_path, warm):
    dirty = _notebook(
        tmp_path / "dirty.ipynb",
        "leak = 41\nimport os, sys, warnings, matplotlib\nimport matplotlib.pyplot as plt\n"
        "os.chdir('/')\nsys.path.insert(0, '/nowhere')\nos.environ['ANCHOR_LEAK'] = '1'\n"
        "warnings.simplefilter('error')\nmatplotlib.rcParams['lines.linewidth'] = "
        "9.0\nplt.figure()",
        "print(get_ipython().execution_count)",
    )
    probe = _notebook(
        tmp_path / "probe.ipynb",
        "import os, sys, warnings, matplotlib\nimport matplotlib.pyplot as plt\n"
        "print(sorted(k for k in ('leak', 'x', 'plt_old') if k in globals()))\n"
        "print(os.getcwd() == os.environ.get('PROBE_CWD', os.getcwd()), '/nowhere' in sys.path, "
        "'ANCHOR_LEAK' in os.environ, matplotlib.rcParams['lines.linewidth'], "
        "len(plt.get_fignums()))\n"
        "print(len(In), get_ipython().execution_count)\n"
        "print(__annotations__)",
    )
    first = _run(dirty, tmp_path / "o1.ipynb", x=5)
    pid = warm_kernel.kernel_pid()
    second = _run(probe, tmp_path / "o2.ipynb", x=7)
    assert warm_kernel.kernel_pid() == pid and pid is not None  # the same kernel served both
    out = _outputs(second)[-1].splitlines()
    # only its own x; cwd, sys.path, environ, rcParams, figures restored; history of this run only
    assert out[:2] == ["['x']", "True False False 1.5 0"]
    assert out[3] == "{'x': <class 'int'>}"
    # and everything the probe sees is what it sees in a brand-new kernel (papermill's own engine)
    fresh = pm.execute_notebook(
        probe, str(tmp_path / "o3.ipynb"), parameters={"x": 7}, progress_bar=False
    )
    assert _outputs(second) == _outputs(fresh)
    # execution counts start again at 1 in every executed notebook (parameters, injected, probe)
    assert [c.execution_count for c in second.cells if c.cell_type == "code"] == [1, 2, 3]
    assert [c.execution_count for c in first.cells if c.cell_type == "code"][0] == 1


def test_failed_notebook_gets_a_new_kernel_and_the_next_one_runs(tmp_path, warm):
    bad = _notebook(tmp_path / "bad.ipynb", "raise ValueError('boom')")
    ok = _notebook(tmp_path / "ok.ipynb", "print(x * 2)")
    _run(ok, tmp_path / "a.ipynb", x=1)
    pid = warm_kernel.kernel_pid()
    with pytest.raises(pm.PapermillExecutionError, match="boom"):
        _run(bad, tmp_path / "b.ipynb")
    assert warm_kernel.kernel_pid() is None  # recycled after the failure
    nb = _run(ok, tmp_path / "c.ipynb", x=21)
    assert _outputs(nb)[-1] == "42\n"
    assert warm_kernel.kernel_pid() not in (None, pid)


def test_dead_kernel_is_replaced(tmp_path, warm):
    ok = _notebook(tmp_path / "ok.ipynb", "print(x + 1)")
    _run(ok, tmp_path / "a.ipynb", x=1)
    pid = warm_kernel.kernel_pid()
    os.kill(pid, 9)
    time.sleep(0.5)  # the kernel died between two reports
    nb = _run(ok, tmp_path / "b.ipynb", x=2)
    assert _outputs(nb)[-1] == "3\n"
    assert warm_kernel.kernel_pid() != pid


def test_lean_imports_keep_notebook_validation_working_without_the_slow_grammar():
    import subprocess
    import sys

    code = (
        "import sys\nfrom anchorlib.run.tasks import lean_imports\nlean_imports()\nimport "
        "nbformat\n"
        "nb = "
        "nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\nnbformat.validate(nb)\n"
        "print(sys.modules['rfc3987_syntax'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None"

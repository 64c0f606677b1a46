"""Run: the batch: code keys, the task function, worker pools (local processes, warm kernels,
Dask), the national batch, the published site and the scaffold of a new collaborative.

May import: every layer below: ``core`` to ``reports``.
Must not import: cli.
"""

from anchorlib.run.errors import RunError
from anchorlib.run.keys import INPUT_GROUPS, code_closure, code_version
from anchorlib.run.national import national_key, run_places
from anchorlib.run.notebooks import PUBLISHING, discover_notebooks, parse_param
from anchorlib.run.publish import publish_dir, recover
from anchorlib.run.runner import all_collaboratives, run_collaborative
from anchorlib.run.scaffold import ScaffoldError, todo_lines
from anchorlib.run.shared_assets import build_assets
from anchorlib.run.site import check_outputs_folder
from anchorlib.run.tasks import execute_with_retry, is_kernel_start_failure, lean_imports

__all__ = [
    "INPUT_GROUPS",
    "PUBLISHING",
    "RunError",
    "ScaffoldError",
    "all_collaboratives",
    "build_assets",
    "check_outputs_folder",
    "code_closure",
    "code_version",
    "discover_notebooks",
    "execute_with_retry",
    "is_kernel_start_failure",
    "lean_imports",
    "national_key",
    "parse_param",
    "publish_dir",
    "recover",
    "run_collaborative",
    "run_places",
    "todo_lines",
]
